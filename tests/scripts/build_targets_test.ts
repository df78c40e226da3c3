import { test } from "node:test";
import assert from "node:assert/strict";
import { fileNameOf, nativeTarget, selectTargets, TARGETS } from "../../scripts/_build_targets.ts";

test("the nine release files are named strata-<os>-<arch>[-musl|-baseline][.exe]", () => {
  assert.deepEqual(TARGETS.map(fileNameOf), [
    "strata-linux-x64",
    "strata-linux-x64-baseline",
    "strata-linux-x64-musl",
    "strata-linux-arm64",
    "strata-linux-arm64-musl",
    "strata-darwin-x64",
    "strata-darwin-arm64",
    "strata-windows-x64.exe",
    "strata-windows-arm64.exe",
  ]);
});

test("each target maps to Bun's --target name and its libc", () => {
  assert.deepEqual(
    TARGETS.map((t) => `${t.bunTarget} ${t.os} ${t.arch} ${t.libc}`),
    [
      "bun-linux-x64 linux x64 glibc",
      "bun-linux-x64-baseline linux x64 glibc",
      "bun-linux-x64-musl linux x64 musl",
      "bun-linux-arm64 linux arm64 glibc",
      "bun-linux-arm64-musl linux arm64 musl",
      "bun-darwin-x64 darwin x64 null",
      "bun-darwin-arm64 darwin arm64 null",
      "bun-windows-x64 windows x64 null",
      "bun-windows-arm64 windows arm64 null",
    ],
  );
});

test("selectTargets keeps table order and refuses unknown names, listing the known ones", () => {
  assert.deepEqual(selectTargets(["windows-arm64", "linux-x64"]).map((t) => t.name), [
    "linux-x64",
    "windows-arm64",
  ]);
  assert.throws(() => selectTargets(["linux-x64", "linux-riscv64"]), {
    message: 'unknown target "linux-riscv64"; known targets: linux-x64, linux-x64-baseline, ' +
      "linux-x64-musl, linux-arm64, linux-arm64-musl, darwin-x64, darwin-arm64, windows-x64, windows-arm64",
  });
});

test("nativeTarget maps process.platform/arch and libc to a target, or null", () => {
  assert.equal(nativeTarget("linux", "x64", "glibc")?.name, "linux-x64");
  assert.equal(nativeTarget("linux", "x64", "musl")?.name, "linux-x64-musl");
  assert.equal(nativeTarget("linux", "arm64", "glibc")?.name, "linux-arm64");
  assert.equal(nativeTarget("darwin", "arm64", null)?.name, "darwin-arm64");
  assert.equal(nativeTarget("win32", "arm64", null)?.name, "windows-arm64");
  assert.equal(nativeTarget("freebsd", "x64", null), null);
  assert.equal(nativeTarget("linux", "ia32", "glibc"), null);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBuildArgs } from "../../scripts/_build_args.ts";

test("no arguments: every target into dist, checks on", () => {
  assert.deepEqual(parseBuildArgs([]), {
    targets: [],
    native: false,
    measureFlags: false,
    installEmulators: false,
    skipChecks: false,
    outDir: "dist",
    entry: null,
    help: false,
  });
});

test("--target takes several names, repeated or comma-separated", () => {
  assert.deepEqual(parseBuildArgs(["--target", "linux-x64", "darwin-arm64"]).targets, [
    "linux-x64",
    "darwin-arm64",
  ]);
  assert.deepEqual(
    parseBuildArgs(["--target=linux-x64,windows-x64", "--target", "linux-arm64"]).targets,
    ["linux-x64", "windows-x64", "linux-arm64"],
  );
});

test("--native with --measure-flags, --install-emulators and --out-dir", () => {
  const o = parseBuildArgs([
    "--native",
    "--measure-flags",
    "--install-emulators",
    "--out-dir",
    "/tmp/x",
  ]);
  assert.equal(o.native, true);
  assert.equal(o.measureFlags, true);
  assert.equal(o.installEmulators, true);
  assert.equal(o.outDir, "/tmp/x");
});

test("refuses a stray word, --native with --target, and unknown options", () => {
  assert.throws(() => parseBuildArgs(["linux-x64"]), {
    message: 'unexpected argument "linux-x64"; target names follow --target',
  });
  assert.throws(() => parseBuildArgs(["--native", "--target", "linux-x64"]), {
    message: "use --native or --target, not both",
  });
  assert.throws(() => parseBuildArgs(["--fast"]), /--fast/);
});

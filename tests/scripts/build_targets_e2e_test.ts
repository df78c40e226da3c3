import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../scripts/_build_compile.ts";
import { formatChecksums, sha256File } from "../../scripts/_build_checksums.ts";

const bun = path.join(REPO_ROOT, "node_modules", ".bin", "bun");
const script = path.join(REPO_ROOT, "scripts", "build-targets.ts");

const onLinuxX64 = { skip: process.platform !== "linux" || process.arch !== "x64" };

test(
  "a native build whose set/get does not round-trip fails, with the reason in the table",
  onLinuxX64,
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    try {
      // Prints the right version, accepts `set`, but `get` prints nothing.
      const entry = path.join(dir, "entry.ts");
      const version = path.join(REPO_ROOT, "src", "version.ts");
      fs.writeFileSync(
        entry,
        `import { versionText } from ${JSON.stringify(version)};\n` +
          `if (process.argv[2] === "--version") console.log(versionText());\n` +
          `console.error("this program has no get command, and a long sentence");\n`,
      );
      const out = path.join(dir, "dist");
      const r = spawnSync(bun, [script, "--native", "--entry", entry, "--out-dir", out], {
        encoding: "utf8",
        timeout: 120_000,
      });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /\| FAIL: get: expected exit 0, stdout "héllo wörld\\n"; got exit 0/);
      assert.match(r.stdout, /^FAILED: linux-x64$/m);
      // The binary and its checksum are there all the same.
      const sums = fs.readFileSync(path.join(out, "SHA256SUMS"), "utf8");
      const binary = path.join(out, "strata-linux-x64");
      assert.equal(
        sums,
        formatChecksums([{ file: "strata-linux-x64", sha256: sha256File(binary) }]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("unknown targets and bad options exit 2 with a message, building nothing", () => {
  const r = spawnSync(bun, [script, "--target", "linux-sparc"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^build-targets: unknown target "linux-sparc"; known targets: linux-x64,/);
  assert.equal(r.stdout, "");
});

// Tests of src/version.ts (kept beside the build script's tests: the version
// stamp is the build's contract with `strata --version`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildInfo, formatVersion, readGitCommit, VERSION, versionText } from "../src/version.ts";
import { compileArgs, REPO_ROOT } from "../scripts/_build_compile.ts";

const HASH = "0123456789abcdef0123456789abcdef01234567";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
}

test("VERSION is package.json's version", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  assert.equal(VERSION, pkg.version);
});

test("formatVersion: release binary, source with and without a commit", () => {
  assert.equal(
    formatVersion({ version: "1.2.3", commit: "abc1234", target: "linux-arm64-musl" }),
    "strata 1.2.3 (abc1234, linux-arm64-musl)",
  );
  assert.equal(
    formatVersion({ version: "1.2.3", commit: null, target: "windows-x64" }),
    "strata 1.2.3 (unknown commit, windows-x64)",
  );
  assert.equal(
    formatVersion({ version: "1.2.3", commit: "abc1234-dirty", target: null }),
    "strata 1.2.3 (source, abc1234-dirty)",
  );
  assert.equal(
    formatVersion({ version: "1.2.3", commit: null, target: null }),
    "strata 1.2.3 (source)",
  );
});

test("readGitCommit follows HEAD to a loose ref, a packed ref, or a detached hash", () => {
  const root = tempDir();
  try {
    const git = path.join(root, ".git");
    fs.mkdirSync(path.join(git, "refs", "heads"), { recursive: true });
    fs.writeFileSync(path.join(git, "HEAD"), "ref: refs/heads/main\n");
    fs.writeFileSync(path.join(git, "refs", "heads", "main"), `${HASH}\n`);
    assert.equal(readGitCommit(root), "0123456");
    fs.rmSync(path.join(git, "refs", "heads", "main"));
    fs.writeFileSync(
      path.join(git, "packed-refs"),
      `# pack-refs with: peeled\nffffffffffffffffffffffffffffffffffffffff refs/heads/other\n${HASH} refs/heads/main\n`,
    );
    assert.equal(readGitCommit(root), "0123456");
    fs.writeFileSync(path.join(git, "HEAD"), "abcdef0123456789abcdef0123456789abcdef01\n");
    assert.equal(readGitCommit(root), "abcdef0");
    fs.writeFileSync(path.join(git, "HEAD"), "ref: refs/heads/unborn\n");
    assert.equal(readGitCommit(root), null);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("readGitCommit understands a worktree's .git file and commondir", () => {
  const root = tempDir();
  try {
    const common = path.join(root, "main.git");
    const wt = path.join(common, "worktrees", "wt");
    fs.mkdirSync(path.join(common, "refs", "heads"), { recursive: true });
    fs.mkdirSync(wt, { recursive: true });
    fs.writeFileSync(path.join(common, "refs", "heads", "topic"), `${HASH}\n`);
    fs.writeFileSync(path.join(wt, "HEAD"), "ref: refs/heads/topic\n");
    fs.writeFileSync(path.join(wt, "commondir"), "../..\n");
    const checkout = path.join(root, "checkout");
    fs.mkdirSync(checkout);
    fs.writeFileSync(path.join(checkout, ".git"), `gitdir: ${wt}\n`);
    assert.equal(readGitCommit(checkout), "0123456");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("readGitCommit gives null outside a checkout", () => {
  const root = tempDir();
  try {
    assert.equal(readGitCommit(root), null);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("from source, the version names the checkout's commit", () => {
  const head = spawnSync("git", ["rev-parse", "--short=7", "HEAD"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  const commit = head.status === 0 ? head.stdout.trim() : null;
  assert.deepEqual(buildInfo(), { version: VERSION, commit, target: null });
  assert.equal(versionText(), formatVersion({ version: VERSION, commit, target: null }));
});

test("a compiled binary prints the commit and target injected with --define", () => {
  const dir = tempDir();
  try {
    const entry = path.join(dir, "entry.ts");
    const versionModule = path.join(REPO_ROOT, "src", "version.ts");
    fs.writeFileSync(
      entry,
      `import { versionText } from ${
        JSON.stringify(versionModule)
      };\nconsole.log(versionText());\n`,
    );
    const outfile = path.join(dir, "bin");
    const args = compileArgs({
      entry,
      outfile,
      bunTarget: "bun",
      flags: { minify: true, bytecode: true, sourcemap: false },
      defines: { STRATA_COMMIT: "feedbee", STRATA_TARGET: "linux-x64" },
    });
    const bun = path.join(REPO_ROOT, "node_modules", ".bin", "bun");
    const build = spawnSync(bun, args, { cwd: dir, encoding: "utf8" });
    assert.equal(build.status, 0, build.stderr);
    const run = spawnSync(outfile, [], { cwd: dir, encoding: "utf8" });
    assert.equal(run.stdout, `strata ${VERSION} (feedbee, linux-x64)\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

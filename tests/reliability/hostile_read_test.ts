/**
 * The hostile read campaign: reads that never need write access, never
 * crash on a file rewritten under them, never hang on a FIFO or a device,
 * never fill memory, and never let `doctor --fix` change a file that is not
 * the layer's own (the "link my config to /dev/null" idiom).
 *
 * The subject runs as the unprivileged user `nobody` where permissions
 * matter (CI runs as root, and root reads anything); the cases that need
 * root (another user, a read-only bind mount, a device node) are skipped
 * with a message elsewhere. Every run has a time bound: a hang fails.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeno } from "../_support/mod.ts";
import {
  isRoot,
  mkfifo,
  needsRoot,
  NOBODY,
  openSandbox,
  outcome,
  strata,
} from "./_hostile_read.ts";

const rootOnly = needsRoot();

test("a read needs no write access: a root-owned 0644 file and a 0444 file, read by nobody", {
  skip: rootOnly,
}, () => {
  const box = openSandbox();
  try {
    const system = path.join(box.work, "system.toml");
    fs.writeFileSync(system, 'x = "from root"\n', { mode: 0o644 });
    const readOnly = path.join(box.work, "read-only.toml");
    fs.writeFileSync(readOnly, 'x = "read only"\n');
    fs.chmodSync(readOnly, 0o444);
    fs.chownSync(readOnly, NOBODY, NOBODY);
    for (const [file, value] of [[system, "from root"], [readOnly, "read only"]]) {
      for (const command of [["get", "x"], ["list"]]) {
        const run = strata(box, ["--file", file, ...command], { nobody: true });
        assert.equal(run.code, 0, `${command[0]} ${file}: ${outcome(run)}`);
        assert.equal(run.stderr, "");
        assert.match(run.stdout, new RegExp(value));
      }
    }
  } finally {
    box.cleanup();
  }
});

test("a read works on a read-only file system (a read-only bind mount), even for root", {
  skip: rootOnly,
}, (t) => {
  const box = openSandbox();
  const mounted = path.join(box.root, "ro");
  fs.mkdirSync(mounted);
  fs.writeFileSync(path.join(mounted, "config.toml"), 'x = "mounted"\n');
  let mountedOk = false;
  try {
    const bind = spawnSync("mount", ["--bind", mounted, mounted], { encoding: "utf8" });
    if (bind.status !== 0) {
      t.skip(`mount --bind is not permitted here: ${bind.stderr.trim()}`);
      return;
    }
    mountedOk = true;
    const ro = spawnSync("mount", ["-o", "remount,ro,bind", mounted], { encoding: "utf8" });
    if (ro.status !== 0) {
      t.skip(`mount -o remount,ro,bind is not permitted here: ${ro.stderr.trim()}`);
      return;
    }
    assert.throws(() => fs.writeFileSync(path.join(mounted, "probe"), ""), /EROFS/);
    const file = path.join(mounted, "config.toml");
    const asRoot = strata(box, ["--file", file, "get", "x"]);
    assert.equal(asRoot.code, 0, outcome(asRoot));
    assert.equal(asRoot.stdout, "mounted\n");
    const asNobody = strata(box, ["--file", file, "get", "x"], { nobody: true });
    assert.equal(asNobody.code, 0, outcome(asNobody));
    assert.equal(asNobody.stdout, "mounted\n");
  } finally {
    if (mountedOk) spawnSync("umount", [mounted]);
    box.cleanup();
  }
});

test("a read never opens the file for writing (no close-after-write for inotify)", (t) => {
  const probe = spawnSync("strace", ["-f", "-qq", "-o", "/dev/null", "true"], { stdio: "ignore" });
  if (probe.status !== 0) {
    t.skip("strace is not installed or not permitted here");
    return;
  }
  const box = openSandbox();
  try {
    const user = path.join(box.configHome, "demo", "config.toml");
    fs.mkdirSync(path.dirname(user), { recursive: true });
    fs.writeFileSync(user, 'x = "watched"\n');
    const project = path.join(box.work, ".demo.toml");
    fs.writeFileSync(project, 'y = "project"\n');
    const log = path.join(box.root, "strace.log");
    for (const command of [["get", "x"], ["list"], ["explain", "x"]]) {
      const traced = spawnSync("strace", [
        "-f",
        "-qq",
        "-e",
        "trace=open,openat,openat2",
        "-o",
        log,
        ...traceCommand(["--app", "demo", ...command]),
      ], { env: box.env, cwd: box.work, encoding: "utf8", timeout: 120_000 });
      assert.equal(traced.status, 0, `${command[0]}: ${traced.stderr}`);
      const opens = fs.readFileSync(log, "utf8").split("\n")
        .filter((l) => l.includes(user) || l.includes(project));
      assert.ok(opens.length > 0, `the reads of ${command[0]} were not seen`);
      for (const line of opens) assert.doesNotMatch(line, /O_RDWR|O_WRONLY|O_CREAT|O_TRUNC/);
    }
  } finally {
    box.cleanup();
  }
});

/** The CLI's command line, for a tracer. */
function traceCommand(args: string[]): string[] {
  const main = path.resolve(import.meta.dirname!, "../../main.ts");
  const deno = ["run", "-A", "--quiet", "--config", path.resolve(main, "../deno.json"), main];
  return isDeno ? [process.execPath, ...deno, ...args] : [process.execPath, main, ...args];
}

test("a file rewritten in place while it is read: no crash (SIGBUS), only a clean outcome", () => {
  const box = openSandbox();
  try {
    const file = path.join(box.work, "big.toml");
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(`key${i} = "${"v".repeat(40)}"`);
    const text = lines.join("\n") + "\n";
    fs.writeFileSync(file, text);
    const source = path.join(box.root, "source.toml");
    fs.writeFileSync(source, text);
    // Another program rewrites the file in place (same inode: truncate, then write), all along.
    const writer = spawn("sh", [
      "-c",
      `while :; do : > '${file}'; cat '${source}' > '${file}'; done`,
    ], { stdio: "ignore" });
    try {
      for (let i = 0; i < 8; i++) {
        const run = strata(box, ["--file", file, "get", "key59999"], { timeoutMs: 120_000 });
        assert.equal(run.signal, null, `run ${i}: ${outcome(run)}`);
        assert.ok([0, 1, 3].includes(run.code!), `run ${i}: ${outcome(run)}`);
        assert.doesNotMatch(run.stderr, /panic|Bus error|SIGBUS|crash/i);
      }
    } finally {
      writer.kill("SIGKILL");
    }
  } finally {
    box.cleanup();
  }
});

test("a configuration linked to /dev/null is empty: get finds nothing, with no error", () => {
  const box = openSandbox();
  try {
    const user = path.join(box.configHome, "demo", "config.toml");
    fs.mkdirSync(path.dirname(user), { recursive: true });
    fs.symlinkSync("/dev/null", user);
    const get = strata(box, ["--app", "demo", "get", "x"]);
    assert.equal(get.code, 1, outcome(get));
    assert.equal(get.stdout, "");
    assert.equal(get.stderr, "");
    const list = strata(box, ["--file", user, "list"]);
    assert.equal(list.code, 0, outcome(list));
    assert.equal(list.stdout, "");
  } finally {
    box.cleanup();
  }
});

test("doctor --fix never changes the mode of a link's target outside the layer's folder", {
  skip: rootOnly,
}, (t) => {
  const box = openSandbox();
  try {
    const user = path.join(box.configHome, "demo", "config.toml");
    fs.mkdirSync(path.dirname(user), { recursive: true });
    // A device node of /dev/null's own kind, so that a regression changes this one, not the machine's.
    const nul = path.join(box.root, "null");
    const made = spawnSync("mknod", ["-m", "0666", nul, "c", "1", "3"], { encoding: "utf8" });
    if (made.status !== 0) {
      t.skip(`mknod is not permitted here: ${made.stderr.trim()}`);
      return;
    }
    fs.chmodSync(nul, 0o666);
    fs.symlinkSync(nul, user);
    const fix = strata(box, ["--app", "demo", "doctor", "--fix"]);
    assert.equal(fs.statSync(nul).mode & 0o777, 0o666, outcome(fix));
    assert.doesNotMatch(fix.stdout, /config\.toml is open to others/);
    // A dotfiles link (stow): the target is outside the layer's folder: reported, left alone.
    fs.rmSync(user);
    const dotfile = path.join(box.root, "dotfiles", "demo.toml");
    fs.mkdirSync(path.dirname(dotfile));
    fs.writeFileSync(dotfile, 'x = "dotfiles"\n', { mode: 0o644 });
    fs.chmodSync(dotfile, 0o644);
    fs.symlinkSync(dotfile, user);
    const again = strata(box, ["--app", "demo", "doctor", "--fix"]);
    assert.equal(fs.statSync(dotfile).mode & 0o777, 0o644, outcome(again));
    assert.equal(again.code, 3, outcome(again));
    assert.match(again.stdout, new RegExp(`${dotfile} is open to others \\(mode 644\\)`));
    assert.match(again.stdout, /by hand: .* links to it, outside the layer's folder/);
  } finally {
    box.cleanup();
  }
});

/** Asserts a run ended by itself (no hang, no signal) with `code`, saying `message`. */
function endsWith(run: ReturnType<typeof strata>, code: number, message: RegExp, what: string) {
  assert.equal(run.signal, null, `${what} hung or was killed: ${outcome(run)}`);
  assert.equal(run.code, code, `${what}: ${outcome(run)}`);
  assert.match(run.stdout + run.stderr, message, what);
}

test("doctor, edit, get on a FIFO, /dev/zero, /dev/urandom: prompt clear errors, no hang", () => {
  const box = openSandbox();
  try {
    const fifo = path.join(box.work, "fifo.toml");
    mkfifo(fifo);
    const zero = path.join(box.work, "zero.toml");
    fs.symlinkSync("/dev/zero", zero);
    const random = path.join(box.work, "random.toml");
    fs.symlinkSync("/dev/urandom", random);
    const cases: [string, RegExp][] = [
      [fifo, /is a FIFO \(named pipe\), not a regular file/],
      [zero, /is a device, not a regular file/],
      [random, /is a device, not a regular file/],
    ];
    const env = { EDITOR: "true", VISUAL: "true" };
    for (const [file, message] of cases) {
      endsWith(
        strata(box, ["--file", file, "get", "x"], { timeoutMs: 120_000 }),
        5,
        message,
        `get ${file}`,
      );
      endsWith(
        strata(box, ["--file", file, "doctor"], { timeoutMs: 120_000 }),
        3,
        message,
        `doctor ${file}`,
      );
      endsWith(
        strata(box, ["--file", file, "edit"], { env, timeoutMs: 120_000 }),
        5,
        message,
        `edit ${file}`,
      );
    }
  } finally {
    box.cleanup();
  }
});

test("a lock that is a FIFO or a link to /dev/zero: doctor ends at once and reports it", () => {
  const box = openSandbox();
  try {
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, 'x = "1"\n');
    mkfifo(`${file}.lock`);
    const fifo = strata(box, ["--file", file, "doctor"], { timeoutMs: 120_000 });
    endsWith(
      fifo,
      3,
      /config\.toml\.lock blocks every writer: held by nobody \(it is not a file\)/,
      "doctor, FIFO lock",
    );
    fs.rmSync(`${file}.lock`);
    fs.symlinkSync("/dev/zero", `${file}.lock`);
    const zero = strata(box, ["--file", file, "doctor"], { timeoutMs: 120_000 });
    endsWith(
      zero,
      3,
      /config\.toml\.lock: held by nobody \(a symbolic link, which no writer makes\)/,
      "doctor, /dev/zero lock",
    );
  } finally {
    box.cleanup();
  }
});

test("--schema FIFO or /dev/zero, edit --from FIFO: prompt clear errors, nothing written", () => {
  const box = openSandbox();
  try {
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, 'x = "1"\n');
    const fifo = path.join(box.work, "schema.json");
    mkfifo(fifo);
    for (
      const [schema, what] of [[fifo, /a FIFO \(named pipe\)/], ["/dev/zero", /a device/]] as const
    ) {
      const set = strata(box, ["--file", file, "--schema", schema, "set", "x", "2"], {
        timeoutMs: 120_000,
      });
      endsWith(
        set,
        3,
        new RegExp(`cannot read the schema ${schema}: .*${what.source}.*nothing was written`),
        `set --schema ${schema}`,
      );
      assert.equal(fs.readFileSync(file, "utf8"), 'x = "1"\n');
    }
    const from = path.join(box.work, "from.toml");
    mkfifo(from);
    const edit = strata(box, ["--file", file, "edit", "--from", from], {
      env: { EDITOR: "true", VISUAL: "true" },
      timeoutMs: 120_000,
    });
    endsWith(
      edit,
      5,
      /from\.toml is a FIFO \(named pipe\), not a regular file/,
      "edit --from FIFO",
    );
    assert.equal(fs.readFileSync(file, "utf8"), 'x = "1"\n');
  } finally {
    box.cleanup();
  }
});

test("a file beyond the size limit (64 MiB) is refused before it is read", () => {
  const box = openSandbox();
  try {
    const file = path.join(box.work, "huge.toml");
    // Sparse: 65 MiB that take no disk.
    fs.writeFileSync(file, "");
    fs.truncateSync(file, 65 * 1024 * 1024);
    const get = strata(box, ["--file", file, "get", "x"], { timeoutMs: 120_000 });
    endsWith(get, 5, /huge\.toml: it is bigger than 64 MiB, the most strata reads/, "get huge");
    const doctor = strata(box, ["--file", file, "doctor"], { timeoutMs: 120_000 });
    endsWith(doctor, 3, /huge\.toml is too big to be a configuration file/, "doctor huge");
    const set = strata(box, ["--file", file, "set", "x", "1"], { timeoutMs: 120_000 });
    endsWith(set, 5, /huge\.toml is too big to be a configuration file/, "set huge");
    assert.equal(fs.statSync(file).size, 65 * 1024 * 1024);
  } finally {
    box.cleanup();
  }
});

test(
  "the subject user of this campaign is real (sanity of the harness)",
  { skip: rootOnly },
  () => {
    const box = openSandbox();
    try {
      const file = path.join(box.work, "secret.toml");
      fs.writeFileSync(file, 'x = "secret"\n', { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      const run = strata(box, ["--file", file, "get", "x"], { nobody: true });
      assert.equal(run.code, 5, outcome(run));
      assert.match(run.stderr, /permission denied/);
      assert.ok(isRoot);
    } finally {
      box.cleanup();
    }
  },
);

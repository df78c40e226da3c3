/**
 * Hostile campaign for the lock: holders that stall past the stale bound
 * (stopped with SIGSTOP at a step of the write protocol, then resumed),
 * locks dated far in the past or the future (a clock step, another host's
 * clock), and what `doctor` says and mends about them.
 *
 * The rule under test (PROTOCOL.md, sections 3.3 and 4.1): a holder keeps its
 * lease alive while it works and checks the lock is still its own right
 * before the rename (exit 4, nothing written, when it is not); a waiter
 * judges a lock by how long it has itself seen it unchanged, on its own
 * monotonic clock, never by the lock's timestamp.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import {
  cli,
  cliCommand,
  fileModeStateDir,
  leftovers,
  makeSandbox,
  noStack,
  now,
  PYTHON_WRITER,
  type Sandbox,
  SHELL_WRITER,
  sleep,
  start,
} from "../_support/mod.ts";

const linux = process.platform === "linux";

/** The stale bound these tests run with (strata's `lock.stale_ms`), short to keep them quick. */
const STALE_MS = 1_500;

/** Waits until process `pid` is stopped (state T in /proc), at most `ms`. */
async function stopped(pid: number, ms = 20_000): Promise<void> {
  const until = now() + ms;
  while (now() < until) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "T" || state === "t") return;
    } catch {
      throw new Error(`process ${pid} ended before it stopped`);
    }
    await sleep(10);
  }
  throw new Error(`process ${pid} did not stop within ${ms} ms`);
}

function journalKeys(box: Sandbox, file: string): string[] {
  const { journal } = statePaths(fileModeStateDir(box), fs.realpathSync(file));
  return readJournal(journal).entries.map((e) => `${e.key}=${String(e.new)}`);
}

function backupCount(box: Sandbox, file: string): number {
  return listBackups(statePaths(fileModeStateDir(box), fs.realpathSync(file)).backupDir).length;
}

for (const step of ["backup", "temp"] as const) {
  test(
    `a holder stopped at "${step}" past the stale bound writes nothing and exits 4; the writer that broke its lock keeps its change`,
    {
      skip: linux ? false : "reads process states from /proc",
      timeout: 60_000,
    },
    async () => {
      const box = makeSandbox();
      try {
        const file = path.join(box.work, "config.toml");
        fs.writeFileSync(file, 'k1 = "orig"\nk2 = "orig"\n');
        const env = { ...box.env, STRATA_LOCK__STALE_MS: String(STALE_MS) };
        const [command, argv] = cliCommand();
        const stalled = start(command, [...argv, "--file", file, "set", "k1", "A"], {
          env: { ...env, STRATA_STOP_AT: step },
        });
        await stopped(stalled.pid);
        // The stalled holder read the file and prepared its text; another writer now waits
        // until it has seen the lock unchanged for the stale bound, breaks it, and writes.
        const began = now();
        const other = await cli(box, ["--lock-timeout", "60", "--file", file, "set", "k2", "B"], {
          env,
        });
        const blocked = now() - began;
        assert.equal(other.code, 0, other.stderr);
        assert.ok(blocked >= STALE_MS, `broken after ${blocked} ms, before the stale bound`);
        process.kill(stalled.pid, "SIGCONT");
        const resumed = await stalled.done;
        noStack(resumed.stderr);
        // The resumed holder finds its lock is no longer its own: nothing written, exit 4.
        assert.equal(resumed.code, 4, resumed.stderr);
        assert.match(
          resumed.stderr,
          /^strata: .*config\.toml: this writer's lock was broken by another writer while it worked/,
        );
        assert.equal(fs.readFileSync(file, "utf8"), 'k1 = "orig"\nk2 = "B"\n');
        assert.deepEqual(journalKeys(box, file), ["k2=B"]);
        assert.equal(backupCount(box, file), 1); // the other writer's; the refused one's is gone
        assert.deepEqual(leftovers(box.work), []);
      } finally {
        box.cleanup();
      }
    },
  );
}

/** A lock record as another writer would leave it. */
function plantLock(file: string, record: Record<string, unknown> | string, mtime?: Date): void {
  const text = typeof record === "string" ? record : JSON.stringify(record) + "\n";
  fs.writeFileSync(`${file}.lock`, text, { mode: 0o600 });
  if (mtime) fs.utimesSync(`${file}.lock`, mtime, mtime);
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

test("a lock dated a year ago whose holder lives is not broken at once (a clock step is not age)", {
  timeout: 30_000,
}, async () => {
  const box = makeSandbox();
  try {
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const past = new Date(Date.now() - YEAR_MS);
    plantLock(file, {
      pid: process.pid, // alive: this test's runner
      host: os.hostname(),
      time: past.toISOString(),
      program: "strata set",
      token: "0123456789abcdef0123456789abcdef",
    }, past);
    const began = now();
    const run = await cli(box, ["--lock-timeout", "0.2", "--file", file, "set", "a", "2"], {
      env: { STRATA_LOCK__STALE_MS: String(STALE_MS) },
    });
    const waited = now() - began;
    // It watched the lock for the stale bound of its own clock before breaking it.
    assert.equal(run.code, 0, run.stderr);
    assert.ok(waited >= STALE_MS, `broken after ${waited} ms`);
    assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
  } finally {
    box.cleanup();
  }
});

for (
  const [name, record] of [
    ["an empty lock", ""],
    ["another host's lock", {
      pid: 4242,
      host: "another-host.example",
      time: new Date(Date.now() + YEAR_MS).toISOString(),
      program: "strata set",
      token: "0123456789abcdef0123456789abcdef",
    }],
  ] as const
) {
  test(`${name} dated a year ahead blocks a writer no longer than the stale bound`, {
    timeout: 30_000,
  }, async () => {
    const box = makeSandbox();
    try {
      const file = path.join(box.work, "config.toml");
      fs.writeFileSync(file, "a = 1\n");
      plantLock(file, record, new Date(Date.now() + YEAR_MS));
      const began = now();
      const run = await cli(box, ["--file", file, "set", "a", "2"], {
        env: { STRATA_LOCK__STALE_MS: String(STALE_MS) },
      });
      const waited = now() - began;
      assert.equal(run.code, 0, run.stderr);
      assert.ok(waited < 10_000, `blocked ${waited} ms`);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
      assert.deepEqual(leftovers(box.work), []);
    } finally {
      box.cleanup();
    }
  });
}

test(
  "doctor reports a future-dated lock from another host; --fix breaks it by the stale rule; a writer then goes through at once",
  {
    timeout: 60_000,
  },
  async () => {
    const box = makeSandbox();
    try {
      const file = path.join(box.work, "config.toml");
      fs.writeFileSync(file, "a = 1\n", { mode: 0o600 });
      const future = new Date(Date.now() + YEAR_MS);
      plantLock(file, {
        pid: 4242,
        host: "another-host.example",
        time: future.toISOString(),
        program: "strata set\u001b[31m\nforged line",
        token: "0123456789abcdef0123456789abcdef",
      }, future);
      const env = { STRATA_LOCK__STALE_MS: String(STALE_MS) };
      const doctor = await cli(box, ["--file", file, "doctor"], { env });
      assert.equal(doctor.code, 3, doctor.stdout + doctor.stderr);
      assert.ok(
        doctor.stdout.includes(
          `: lock ${file}.lock held by process 4242 on another-host.example ` +
            `(strata set\\x1b[31m\\nforged line), dated ${future.toISOString()}, did not change`,
        ),
        doctor.stdout,
      );
      assert.ok(doctor.stdout.includes("unchanged for 1.5 s\n"), doctor.stdout);
      const fixed = await cli(box, ["--file", file, "doctor", "--fix"], { env });
      assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
      assert.match(fixed.stdout, /^fixed \[file lock\] /m);
      assert.match(fixed.stdout, /^healthy \(1 problem fixed\)$/m);
      assert.equal(fs.existsSync(`${file}.lock`), false);
      const began = now();
      const set = await cli(box, ["--lock-timeout", "0.5", "--file", file, "set", "a", "2"]);
      assert.equal(set.code, 0, set.stderr);
      assert.ok(now() - began < 10_000);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
    } finally {
      box.cleanup();
    }
  },
);

test("doctor --fix does not break a lock whose holder renews it (a live writer), and says so", {
  timeout: 60_000,
}, async () => {
  const box = makeSandbox();
  try {
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, "a = 1\n", { mode: 0o600 });
    plantLock(file, {
      pid: 4242,
      host: "another-host.example",
      time: new Date().toISOString(),
      program: "strata set",
      token: "0123456789abcdef0123456789abcdef",
    });
    let tick = 0;
    const renewing = setInterval(() => {
      const t = new Date(Date.now() + ++tick * 1000);
      fs.utimesSync(`${file}.lock`, t, t);
    }, 100);
    try {
      const doctor = await cli(box, ["--file", file, "doctor", "--fix"], {
        env: { STRATA_LOCK__STALE_MS: String(STALE_MS) },
      });
      assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
      assert.doesNotMatch(doctor.stdout, /lock/);
    } finally {
      clearInterval(renewing);
    }
    assert.equal(fs.existsSync(`${file}.lock`), true);
    assert.equal(fs.readFileSync(file, "utf8"), "a = 1\n");
  } finally {
    box.cleanup();
  }
});

for (const writer of ["python", "sh"] as const) {
  test(
    `the ${writer} reference writer, stopped before its rename past the stale bound, writes nothing and exits 4`,
    {
      skip: linux ? false : "reads process states from /proc",
      timeout: 60_000,
    },
    async () => {
      const box = makeSandbox();
      try {
        const file = path.join(box.work, "config.toml");
        fs.writeFileSync(file, 'k1 = "orig"\nk2 = "orig"\n');
        const stateDir = fileModeStateDir(box);
        const env = { ...box.env, STRATA_STOP_AT: "temp" };
        const stalled = writer === "python"
          ? start("python3", [
            PYTHON_WRITER,
            "--file",
            file,
            "--state-dir",
            stateDir,
            "set",
            "k1",
            "A",
          ], { env })
          : start("sh", [SHELL_WRITER, file, stateDir, "k1", "A"], { env });
        await stopped(stalled.pid);
        const other = await cli(box, ["--lock-timeout", "60", "--file", file, "set", "k2", "B"], {
          env: { STRATA_LOCK__STALE_MS: String(STALE_MS) },
        });
        assert.equal(other.code, 0, other.stderr);
        process.kill(stalled.pid, "SIGCONT");
        const resumed = await stalled.done;
        assert.equal(resumed.code, 4, resumed.stderr);
        assert.match(
          resumed.stderr,
          /this writer's lock was broken by another writer while it worked/,
        );
        assert.equal(fs.readFileSync(file, "utf8"), 'k1 = "orig"\nk2 = "B"\n');
        assert.deepEqual(journalKeys(box, file), ["k2=B"]);
        assert.equal(backupCount(box, file), 1);
        assert.deepEqual(leftovers(box.work), []);
      } finally {
        box.cleanup();
      }
    },
  );
}

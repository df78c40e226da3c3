import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireLock } from "../../src/store/lock.ts";
import { StrataError } from "../../src/errors.ts";
import { deadPid, runScript, tempDir } from "../_support/mod.ts";

function writeLock(lockPath: string, record: Record<string, unknown> | string, ageMs = 0): void {
  const text = typeof record === "string" ? record : JSON.stringify(record) + "\n";
  fs.writeFileSync(lockPath, text, { mode: 0o600 });
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(lockPath, then, then);
  }
}

function record(pid: number, host = os.hostname(), token = "theirs") {
  return { pid, host, time: new Date().toISOString(), program: "other-program", token };
}

test("lock: holds pid, host, time, program and a token; mode 0600; release removes it", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const lock = await acquireLock(target, { program: "lock-test" });
    assert.equal(lock.path, `${target}.lock`);
    const text = fs.readFileSync(lock.path, "utf8");
    assert.ok(text.endsWith("}\n"));
    const info = JSON.parse(text);
    const linux = process.platform === "linux";
    assert.deepEqual(
      Object.keys(info),
      ["pid", "host", "time", "program", "token", ...(linux ? ["pidns"] : [])],
    );
    if (linux) assert.equal(info.pidns, fs.readlinkSync("/proc/self/ns/pid"));
    assert.equal(info.pid, process.pid);
    assert.equal(info.host, os.hostname());
    assert.equal(info.program, "lock-test");
    assert.equal(info.token, lock.info.token);
    assert.match(info.token, /^[0-9a-f]{32}$/);
    assert.equal(new Date(info.time).toISOString(), info.time);
    if (process.platform !== "win32") assert.equal(fs.statSync(lock.path).mode & 0o777, 0o600);
    lock.release();
    assert.equal(fs.existsSync(lock.path), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a live holder makes the next writer wait, then time out naming the holder", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const held = await acquireLock(target, { program: "holder-program" });
    await assert.rejects(acquireLock(target, { timeoutMs: 150 }), (error: unknown) => {
      assert.ok(error instanceof StrataError);
      assert.equal(error.code, "lock");
      assert.equal(error.exitCode, 4);
      assert.ok(
        error.message.startsWith(
          `${target} is locked by process ${process.pid} on host ${os.hostname()} (program "holder-program", since ${held.info.time}); gave up after waiting `,
        ),
        error.message,
      );
      assert.ok(
        error.message.endsWith(
          `To fix: retry later; if that process is gone, delete ${target}.lock.`,
        ),
        error.message,
      );
      return true;
    });
    // The waiter did not disturb the holder's lock.
    assert.equal(JSON.parse(fs.readFileSync(held.path, "utf8")).token, held.info.token);
    const waiting = acquireLock(target, { timeoutMs: 5000 });
    setTimeout(() => held.release(), 30);
    const next = await waiting;
    assert.notEqual(next.info.token, held.info.token);
    next.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: release leaves a lock that is no longer ours", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const lock = await acquireLock(target);
    writeLock(lock.path, record(process.pid, os.hostname(), "someone-else"));
    lock.release();
    assert.equal(JSON.parse(fs.readFileSync(lock.path, "utf8")).token, "someone-else");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a lock left by a dead process on this host is broken at once", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    writeLock(`${target}.lock`, record(await deadPid()));
    const lock = await acquireLock(target, { timeoutMs: 2000, staleMs: 60_000 });
    assert.equal(JSON.parse(fs.readFileSync(lock.path, "utf8")).token, lock.info.token);
    lock.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Takes the lock and says how long it took (ms). */
async function timedAcquire(target: string, options: Parameters<typeof acquireLock>[1]) {
  const began = performance.now();
  const lock = await acquireLock(target, options);
  return { lock, ms: performance.now() - began };
}

test("lock: a lock seen unchanged for staleMs is broken even when its holder lives; its mtime does not count", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    // An hour old by its mtime (a clock step, or a holder stopped that long): not broken at once.
    writeLock(`${target}.lock`, record(process.pid), 3_600_000);
    const { lock, ms } = await timedAcquire(target, { timeoutMs: 50, staleMs: 400 });
    assert.ok(ms >= 400, `broken after ${ms} ms`);
    assert.equal(JSON.parse(fs.readFileSync(lock.path, "utf8")).token, lock.info.token);
    lock.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a dead pid in another pid namespace of this host is not judged (containers)", {
  skip: process.platform === "linux" ? false : "pid namespaces are Linux",
}, async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const other = { ...record(await deadPid()), pidns: "pid:[1]" };
    writeLock(`${target}.lock`, other);
    const watched = await timedAcquire(target, { timeoutMs: 50, staleMs: 400 });
    assert.ok(watched.ms >= 400, `broken after ${watched.ms} ms`);
    watched.lock.release();
    // The same lock without a namespace (an older writer) is judged by its pid: at once.
    writeLock(`${target}.lock`, record(other.pid));
    const lock = await acquireLock(target, { timeoutMs: 2000, staleMs: 60_000 });
    lock.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: another host's lock is trusted until seen unchanged for staleMs, then broken", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    // pid 999999999 is dead here, but it lives on another host: not ours to judge.
    writeLock(`${target}.lock`, record(999_999_999, "some-other-host"));
    const fresh = await timedAcquire(target, { timeoutMs: 50, staleMs: 500 });
    assert.ok(fresh.ms >= 500, `broken after ${fresh.ms} ms`);
    fresh.lock.release();
    // Old by its mtime: the same (the other host's clock may be behind ours).
    writeLock(`${target}.lock`, record(999_999_999, "some-other-host"), 40_000);
    const old = await timedAcquire(target, { timeoutMs: 50, staleMs: 500 });
    assert.ok(old.ms >= 500, `broken after ${old.ms} ms`);
    old.lock.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a waiter gives up on a lock that changes (a live holder renewing its lease), naming it", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    writeLock(`${target}.lock`, record(999_999_999, "some-other-host"));
    const renewing = setInterval(() => {
      const t = new Date(Date.now() + Math.random() * 10_000);
      fs.utimesSync(`${target}.lock`, t, t);
    }, 20);
    try {
      await assert.rejects(acquireLock(target, { timeoutMs: 300, staleMs: 200 }), (error) => {
        assert.ok(error instanceof StrataError && error.code === "lock");
        assert.match(
          error.message,
          / is locked by process 999999999 on host some-other-host \(program "other-program", since /,
        );
        return true;
      });
    } finally {
      clearInterval(renewing);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: garbage is watched for the short bound (5 s) however it is dated, then broken", {
  timeout: 30_000,
}, async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    writeLock(`${target}.lock`, "\u0000garbage{", 600_000);
    const { lock, ms } = await timedAcquire(target, { timeoutMs: 50, staleMs: 60_000 });
    assert.ok(ms >= 5_000 && ms < 20_000, `broken after ${ms} ms`);
    assert.equal(JSON.parse(fs.readFileSync(lock.path, "utf8")).token, lock.info.token);
    lock.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a break guard left by a killed breaker is abandoned once seen unchanged for 2 s", {
  timeout: 30_000,
}, async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    writeLock(`${target}.lock`, record(await deadPid()));
    writeLock(`${target}.lock.break`, "", 60_000);
    const { lock, ms } = await timedAcquire(target, { timeoutMs: 50 });
    assert.ok(ms >= 2_000, `guard abandoned after ${ms} ms`);
    lock.release();
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: the holder renews its lease from a timer while it awaits, and confirm() renews it too", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const lock = await acquireLock(target, { staleMs: 400 }); // renews every 100 ms
    const first = fs.statSync(lock.path).mtimeMs;
    await new Promise((done) => setTimeout(done, 350));
    const renewed = fs.statSync(lock.path).mtimeMs;
    assert.ok(renewed >= first + 1000, `mtime ${first} -> ${renewed}`);
    // Another waiter never sees it unchanged for the stale bound: it times out instead.
    await assert.rejects(acquireLock(target, { timeoutMs: 600, staleMs: 400 }), (error) => {
      assert.ok(error instanceof StrataError && error.code === "lock");
      return true;
    });
    lock.confirm();
    lock.release();
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: confirm() refuses (code lock) once another writer has broken and retaken the lock", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const lock = await acquireLock(target, { staleMs: 60_000 });
    lock.confirm();
    // As a writer that judged it stale would: remove it and take its own.
    fs.unlinkSync(lock.path);
    const other = await acquireLock(target, { timeoutMs: 1000 });
    assert.throws(() => lock.confirm(), (error: unknown) => {
      assert.ok(error instanceof StrataError);
      assert.equal(error.exitCode, 4);
      assert.equal(
        error.message,
        `${target}: this writer's lock was broken by another writer while it worked (it was ` +
          `stalled longer than the stale bound of 60 s: stopped, suspended, or slowed down); ` +
          `nothing was written. To fix: run it again; if writes are that slow, raise lock.stale_ms.`,
      );
      return true;
    });
    lock.release(); // leaves the other writer's lock alone
    assert.equal(JSON.parse(fs.readFileSync(other.path, "utf8")).token, other.info.token);
    other.confirm();
    other.release();
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a symlink planted at the lock name never redirects a write and is removed", {
  skip: process.platform === "win32" ? "symlinks need privileges on Windows" : false,
}, async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const victim = path.join(dir, "victim");
    fs.writeFileSync(victim, "precious\n");
    fs.symlinkSync(victim, `${target}.lock`);
    const lock = await acquireLock(target, { timeoutMs: 2000 });
    assert.equal(fs.lstatSync(lock.path).isFile(), true);
    assert.equal(fs.readFileSync(victim, "utf8"), "precious\n");
    lock.release();
    assert.equal(fs.readFileSync(victim, "utf8"), "precious\n");
    assert.deepEqual(fs.readdirSync(dir), ["victim"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a folder where the lock goes is never taken for a lock and is named", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    fs.mkdirSync(`${target}.lock`);
    await assert.rejects(acquireLock(target, { timeoutMs: 50 }), (error: unknown) => {
      assert.ok(error instanceof StrataError && error.code === "lock");
      assert.match(
        error.message,
        /is locked by something that is not a lock file; .* delete .*config\.toml\.lock\.$/,
      );
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: a missing folder is an io error naming the lock file", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "missing", "config.toml");
    await assert.rejects(acquireLock(target, { timeoutMs: 50 }), (error: unknown) => {
      assert.ok(error instanceof StrataError && error.code === "io");
      assert.ok(
        error.message.startsWith(
          `cannot create the lock file ${target}.lock: no such file or folder`,
        ),
        error.message,
      );
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("lock: processes breaking one stale lock together never hold it at the same time", async () => {
  const dir = tempDir().path;
  try {
    const target = path.join(dir, "config.toml");
    const log = path.join(dir, "log");
    writeLock(`${target}.lock`, record(await deadPid()));
    const script = path.join(import.meta.dirname!, "_lock_holder.ts");
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runScript(script, [target, log, "10"])),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const lines = fs.readFileSync(log, "utf8").trim().split("\n");
    assert.equal(lines.length, 4 * 10 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, exit] = [lines[i].split(" "), lines[i + 1].split(" ")];
      assert.deepEqual(
        [enter[0], exit[0], exit[1]],
        ["enter", "exit", enter[1]],
        `overlap at line ${i + 1}`,
      );
    }
    assert.deepEqual(fs.readdirSync(dir).sort(), ["log"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Crash campaign: writers are killed with SIGKILL at random moments while
 * they write one TOML file, and after every kill the file is checked.
 *
 * A few "slots" write at the same time, each owning one key whose value only
 * grows. A slot runs, one after the other, a long-lived library writer
 * (`_lib_writer.ts`, many writes per process), a `strata set` process, a
 * Python reference writer process or a POSIX shell reference writer (killed
 * with its whole process group, so its `mv` child dies with it); most are
 * killed after a random delay.
 * After each kill (while the other slots keep writing):
 *
 * - the file parses (corrupt = 0);
 * - the killed slot's key holds the last acknowledged value or the one being
 *   written when it died, never anything else, and every other key holds at
 *   least its last acknowledged value (lost = 0);
 * - a next write (made here, in process) gets through: a dead holder's lock
 *   is broken, so it waits at most the stale-lock bound; the longest such
 *   wait is reported.
 *
 * At the end each slot writes a few more times without being killed; then
 * every key holds exactly its last acknowledged value, every backup parses,
 * the journal has a line for every acknowledged write, and no lock or temp
 * file is left. Bounded: about 50 kills; `STRATA_SOAK=1`: 500 kills and
 * 10,000 writes.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { openConfig } from "../../src/mod.ts";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import {
  cli,
  cliCommand,
  fileModeStateDir,
  isDeno,
  leftovers,
  makeSandbox,
  now,
  type Proc,
  PYTHON_WRITER,
  pythonHasToml,
  random,
  report,
  type Sandbox,
  scaled,
  scriptCommand,
  SHELL_WRITER,
  sized,
  soak,
  soakBudgetMs,
  STALE_LOCK_MS,
  start,
  tryParseToml,
} from "../_support/mod.ts";

type Kind = "lib" | "cli" | "py" | "sh";

/** One lineage of writes to one key. */
interface Slot {
  key: string;
  /** The next value no process has been given yet. */
  next: number;
  /** The values the key may hold now (one when settled, two after an unsettled kill). */
  allowed: Set<number>;
  /** The last value a process acknowledged (the key must never go below it). */
  acked: number;
}

interface Campaign {
  box: Sandbox;
  file: string;
  writes: number;
  kills: number;
  lost: string[];
  corrupt: string[];
  failures: string[];
  maxBlockedMs: number;
  killedHoldingLock: number;
  landedUnacknowledged: number;
  probe: number;
  probeQueue: Promise<void>;
  acks: Array<[string, number]>;
  kinds: Record<Kind, number>;
}

const HEADER = "# reliability campaign: crash\n# this comment must survive every write\n";

/** Starts one writer process for `slot` and says which values it may write. */
function launch(
  c: Campaign,
  slot: Slot,
  kind: Kind,
  count: number,
  onAck: (value: number) => void,
): { proc: Proc; values: number[] } {
  const first = slot.next;
  if (kind === "lib") {
    const values = Array.from({ length: count }, (_, i) => first + i);
    slot.next += count;
    const [command, args] = scriptCommand(path.join(import.meta.dirname!, "_lib_writer.ts"), [
      "set",
      `file:${c.file}`,
      slot.key,
      String(first),
      String(count),
    ]);
    const proc = start(command, args, {
      env: c.box.env,
      onLine: (line) => {
        const [word, key, value] = line.split(" ");
        if (word === "ack" && key === slot.key) onAck(Number(value));
      },
    });
    return { proc, values };
  }
  slot.next += 1;
  if (kind === "cli") {
    const [command, argv] = cliCommand();
    const proc = start(command, [...argv, "--file", c.file, "set", slot.key, String(first)], {
      env: c.box.env,
    });
    return { proc, values: [first] };
  }
  if (kind === "sh") {
    const proc = start("sh", [
      SHELL_WRITER,
      "-t",
      "int",
      "-p",
      "strata_set.sh",
      c.file,
      fileModeStateDir(c.box),
      slot.key,
      String(first),
    ], { env: c.box.env, group: true });
    return { proc, values: [first] };
  }
  const proc = start("python3", [
    PYTHON_WRITER,
    "--file",
    c.file,
    "--state-dir",
    fileModeStateDir(c.box),
    "--program",
    "strata_writer.py",
    "set",
    slot.key,
    String(first),
    "--type",
    "int",
  ], { env: c.box.env });
  return { proc, values: [first] };
}

/** The pid in the file's lock right now (undefined when there is no readable lock). */
function lockHolder(file: string): number | undefined {
  try {
    return JSON.parse(fs.readFileSync(`${file}.lock`, "utf8")).pid;
  } catch {
    return undefined;
  }
}

/** Reads and parses the file; records a corrupt file. */
function readValues(c: Campaign, when: string): Record<string, unknown> | undefined {
  const text = fs.readFileSync(c.file, "utf8");
  const values = tryParseToml(text);
  if (values === undefined || !text.startsWith(HEADER)) {
    c.corrupt.push(`${when}: ${JSON.stringify(text.slice(0, 400))}`);
    return undefined;
  }
  return values;
}

/** Checks every slot's key against what was acknowledged; settles the killed slot. */
function checkAfterKill(c: Campaign, slots: Slot[], killed: Slot, when: string): void {
  const values = readValues(c, when);
  if (values === undefined) return;
  for (const slot of slots) {
    const value = Number(values[slot.key]);
    if (slot === killed) {
      if (!slot.allowed.has(value)) {
        c.lost.push(
          `${when}: ${slot.key} = ${values[slot.key]}, expected one of ${[...slot.allowed]}`,
        );
      }
      slot.allowed = new Set([value]);
    } else if (!(value >= slot.acked)) {
      c.lost.push(`${when}: ${slot.key} = ${values[slot.key]} < acknowledged ${slot.acked}`);
    }
  }
}

/**
 * A next writer after a kill: must get the lock within the stale bound. Probes from different
 * slots are queued one after the other, so the probe values reach the file in order.
 */
function probeWrite(c: Campaign): Promise<void> {
  const run = c.probeQueue.then(() => probeOnce(c));
  c.probeQueue = run;
  return run;
}

async function probeOnce(c: Campaign): Promise<void> {
  const config = openConfig({
    file: c.file,
    env: c.box.env,
    program: "reliability-probe",
    lockTimeoutMs: STALE_LOCK_MS + 2_000,
  });
  const value = c.probe + 1;
  const begin = now();
  try {
    await config.set("probe", value);
  } catch (error) {
    c.failures.push(`probe write ${value}: ${(error as Error).message}`);
    return;
  }
  c.probe = value;
  c.maxBlockedMs = Math.max(c.maxBlockedMs, now() - begin);
  c.acks.push(["probe", value]);
}

/** Runs one slot until the campaign has enough kills and writes; then a clean final run. */
async function runSlot(
  c: Campaign,
  slots: Slot[],
  slot: Slot,
  rng: ReturnType<typeof random>,
  kinds: Kind[],
  target: { kills: number; writes: number; until?: number },
): Promise<void> {
  const enough = () =>
    (c.kills >= target.kills && c.writes >= target.writes) ||
    (target.until !== undefined && now() > target.until);
  while (!enough() && c.failures.length === 0 && c.corrupt.length === 0) {
    const kind = rng.pick(kinds);
    const count = kind === "lib" ? rng.int(3, sized(40, 60)) : 1;
    const acked: number[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let holding = false;
    const arm = (delay: number) => {
      timer = setTimeout(() => {
        if (proc.kill()) holding = lockHolder(c.file) === proc.pid;
      }, delay);
    };
    // Most library writers die inside their write loop (armed at the first write), where a
    // kill is most likely to land inside the protocol; the rest, and the one-write processes,
    // at any moment of their life, start-up included.
    const roll = rng.next();
    const { proc, values } = launch(c, slot, kind, count, (value) => {
      acked.push(value);
      slot.acked = value;
      c.writes += 1;
      c.acks.push([slot.key, value]);
      if (kind === "lib" && acked.length === 1 && roll < 0.7) arm(rng.int(0, (count - 1) * 20));
    });
    c.kinds[kind] += 1;
    const startup = isDeno ? 400 : 120;
    if (kind === "lib" ? roll >= 0.7 && roll < 0.85 : roll < 0.85) arm(rng.int(0, startup));
    const done = await proc.done;
    clearTimeout(timer);
    if (done.signal === "SIGKILL") {
      c.kills += 1;
      if (holding) c.killedHoldingLock += 1;
      const lastAcked = acked.length > 0 ? acked[acked.length - 1] : undefined;
      const inFlight = values[acked.length];
      const allowed = lastAcked === undefined ? new Set(slot.allowed) : new Set([lastAcked]);
      if (inFlight !== undefined) allowed.add(inFlight);
      slot.allowed = allowed;
      checkAfterKill(c, slots, slot, `kill ${c.kills} (${kind} ${slot.key} pid ${proc.pid})`);
      if (inFlight !== undefined && slot.allowed.has(inFlight)) c.landedUnacknowledged += 1;
      await probeWrite(c);
      continue;
    }
    if (done.code !== 0) {
      c.failures.push(`${kind} ${slot.key} exited ${done.code}: ${done.stderr.slice(0, 2000)}`);
      return;
    }
    if (kind !== "lib") {
      slot.acked = values[0];
      c.writes += 1;
      c.acks.push([slot.key, values[0]]);
    }
    slot.allowed = new Set([slot.acked]);
  }
}

/** The final, unkilled writes: afterwards every key must hold exactly its last acknowledged value. */
async function settle(c: Campaign, slot: Slot): Promise<void> {
  const { proc } = launch(c, slot, "lib", 3, (value) => {
    slot.acked = value;
    c.writes += 1;
    c.acks.push([slot.key, value]);
  });
  const done = await proc.done;
  if (done.code !== 0) c.failures.push(`final writer ${slot.key}: ${done.stderr.slice(0, 2000)}`);
}

/** When a soak run by time (`STRATA_SOAK_SECONDS`) stops taking new steps. */
function deadline(): number | undefined {
  const budget = soakBudgetMs();
  return budget === undefined ? undefined : now() + budget;
}

test("crash: kill -9 at random moments during writes loses nothing and corrupts nothing", {
  timeout: sized(150_000, 3_600_000),
}, async () => {
  const rng = random();
  const box = makeSandbox();
  const file = path.join(box.work, "config.toml");
  const slotCount = sized(3, 4);
  const slots: Slot[] = Array.from({ length: slotCount }, (_, i) => ({
    key: `s${i}`,
    next: 1,
    allowed: new Set([0]),
    acked: 0,
  }));
  fs.writeFileSync(file, HEADER + slots.map((s) => `${s.key} = 0\n`).join("") + "probe = 0\n");
  const c: Campaign = {
    box,
    file,
    writes: 0,
    kills: 0,
    lost: [],
    corrupt: [],
    failures: [],
    maxBlockedMs: 0,
    killedHoldingLock: 0,
    landedUnacknowledged: 0,
    probe: 0,
    probeQueue: Promise.resolve(),
    acks: [],
    kinds: { lib: 0, cli: 0, py: 0, sh: 0 },
  };
  // Deno starts a process in ~200 ms (Bun ~40 ms): fewer kills there keep the run short.
  const target = soak
    ? { kills: scaled(500), writes: scaled(10_000), until: deadline() }
    : isDeno
    ? { kills: 20, writes: 100 }
    : { kills: 50, writes: 300 };
  const kinds: Kind[] = [
    "lib",
    "lib",
    "lib",
    "cli",
    "cli",
    ...(pythonHasToml() ? ["py" as const] : []),
    ...(spawnSync("sh", ["-c", "exit 0"]).status === 0 ? ["sh" as const] : []),
  ];
  const begin = now();
  try {
    await Promise.all(slots.map((slot) => runSlot(c, slots, slot, rng, kinds, target)));
    for (const slot of slots) await settle(c, slot);
    const values = readValues(c, "end");
    const stateDir = fileModeStateDir(box);
    const paths = statePaths(stateDir, file);
    const backups = listBackups(paths.backupDir);
    for (const backup of backups) {
      const text = fs.readFileSync(backup.path, "utf8");
      if (tryParseToml(text) === undefined || !text.startsWith(HEADER)) {
        c.corrupt.push(`backup ${backup.id}: ${JSON.stringify(text.slice(0, 400))}`);
      }
    }
    const journal = readJournal(paths.journal);
    const journaled = new Set(journal.entries.map((e) => `${e.key}=${e.new}`));
    const unjournaled = c.acks.filter(([key, value]) => !journaled.has(`${key}=${value}`));
    // The journal tells each key's history in order: its values only grow, its last one is the
    // file's, and where a line's `old` is not the previous line's `new`, a write landed whose
    // writer died before journaling it (PROTOCOL.md section 10: it stands, unjournaled).
    const history: string[] = [];
    let landedUnjournaled = 0;
    for (const key of [...slots.map((slot) => slot.key), "probe"]) {
      const lines = journal.entries.filter((entry) => entry.key === key);
      lines.forEach((entry, i) => {
        const previous = i === 0 ? 0 : Number(lines[i - 1].new);
        if (!(Number(entry.new) > previous)) history.push(`${key}: ${entry.new} after ${previous}`);
        if (Number(entry.old) !== previous) landedUnjournaled += 1;
      });
      const last = lines.at(-1)?.new;
      if (values !== undefined && last !== values[key]) {
        history.push(`${key}: journal ends at ${last}, the file holds ${values[key]}`);
      }
    }
    report("crash", {
      seed: rng.seed,
      runtime: isDeno ? "deno" : "bun",
      writes: c.writes,
      kills: c.kills,
      lost: c.lost.length,
      corrupt: c.corrupt.length,
      failed: c.failures.length,
      killedHoldingLock: c.killedHoldingLock,
      landedUnacknowledged: c.landedUnacknowledged,
      maxBlockedMs: Math.round(c.maxBlockedMs),
      staleLockBoundMs: STALE_LOCK_MS,
      processes: c.kinds,
      backups: backups.length,
      journalLines: journal.entries.length,
      landedUnjournaled,
      tornJournalLines: journal.skipped.length,
      seconds: Math.round((now() - begin) / 1000),
    });
    const context = `(seed ${rng.seed}; STRATA_SEED=${rng.seed} repeats it)`;
    assert.deepEqual(c.failures, [], `failed invocations ${context}`);
    assert.deepEqual(c.corrupt, [], `corrupt files ${context}`);
    assert.deepEqual(c.lost, [], `lost or wrong values ${context}`);
    assert.ok(c.kills >= target.kills, `only ${c.kills} kills ${context}`);
    assert.ok(values !== undefined);
    for (const slot of slots) {
      assert.equal(values[slot.key], slot.acked, `${slot.key} after the final writes ${context}`);
    }
    assert.equal(values.probe, c.probe);
    assert.deepEqual(unjournaled, [], `acknowledged writes missing from the journal ${context}`);
    assert.deepEqual(history, [], `the journal's history does not match ${context}`);
    assert.deepEqual(journal.skipped, [], `torn journal lines ${context}`);
    assert.deepEqual(leftovers(box.work), [], `left beside the file ${context}`);
    assert.deepEqual(leftovers(paths.backupDir), [], `left in the backup folder ${context}`);
  } finally {
    box.cleanup();
  }
});

test(
  "crash on another host, or before the lock had content: broken once seen unchanged for its bound, never before",
  {
    timeout: 120_000,
  },
  async () => {
    const box = makeSandbox();
    try {
      const file = path.join(box.work, "config.toml");
      fs.writeFileSync(file, "a = 1\n");
      const lock = `${file}.lock`;
      const staleMs = 3_000;
      const foreign = (ageMs: number) => {
        fs.writeFileSync(
          lock,
          JSON.stringify({
            pid: process.pid, // alive here, but a pid means nothing on another host
            host: "another-host.example",
            time: new Date(Date.now() - ageMs).toISOString(),
            program: "strata set",
            token: "0123456789abcdef0123456789abcdef",
          }) + "\n",
        );
        const when = new Date(Date.now() - ageMs);
        fs.utimesSync(lock, when, when);
      };
      const set = (value: string, timeoutSeconds: number) =>
        cli(box, ["--lock-timeout", String(timeoutSeconds), "--file", file, "set", "a", value], {
          env: { STRATA_LOCK__STALE_MS: String(staleMs) },
        });
      // A lock from another host whose holder renews its lease is a live writer there:
      // waited for, never broken, however old its timestamps look from here.
      foreign(3_600_000);
      let renewals = 0;
      const renewing = setInterval(() => {
        const t = new Date(Date.now() - 3_600_000 + ++renewals * 1000);
        fs.utimesSync(lock, t, t);
      }, 200);
      let blocked;
      try {
        blocked = await set("2", 1);
      } finally {
        clearInterval(renewing);
      }
      assert.equal(blocked.code, 4, blocked.stderr);
      assert.ok(blocked.stderr.includes("another-host.example"), blocked.stderr);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 1\n");
      // The same lock, no longer renewed (its holder crashed there): the next writer watches it
      // for the stale bound on its own clock, then breaks it, even past its own timeout.
      foreign(0);
      let began = now();
      const waited = await set("3", 1);
      assert.equal(waited.code, 0, waited.stderr);
      assert.ok(now() - began >= staleMs, `broken after ${now() - began} ms`);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 3\n");
      // A writer killed between creating the lock and writing its content leaves an empty lock:
      // broken after the bound for a lock without content (5 s, or the stale bound if shorter).
      fs.writeFileSync(lock, "");
      began = now();
      const empty = await set("4", 15);
      assert.equal(empty.code, 0, empty.stderr);
      assert.ok(now() - began >= staleMs, `broken after ${now() - began} ms`);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 4\n");
      assert.deepEqual(leftovers(box.work), []);
    } finally {
      box.cleanup();
    }
  },
);

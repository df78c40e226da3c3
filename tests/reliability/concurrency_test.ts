/**
 * The concurrency campaign: every kind of writer changes one configuration
 * file (the user layer of app `demo`) while three readers loop over it
 * without taking any lock.
 *
 * First act, all at once:
 * - eight `strata set` loops (one process per write, as a shell script runs
 *   it), each adding keys of its own, `cli.w<N>_k<I>`;
 * - two long-lived library processes (`_lib_writer.ts`) setting their own
 *   keys to 1, 2, ... N, and two incrementing one shared counter (a
 *   read-modify-write under the lock: a lost update shows as a missing
 *   increment);
 * - two loops of the Python reference writer (PROTOCOL.md), each setting its
 *   own key, where Python 3.11+ runs, and a loop of the POSIX shell reference
 *   writer (`examples/sh/strata_set.sh`) where `sh` runs.
 * Second act: eight long-lived library processes, each setting its own key,
 * with `backups.keep` raised (strata's own setting, which the reference
 * writers do not read: they keep 20).
 *
 * Readers, through both acts: this process reading the file's bytes and
 * parsing them with strata's parser, `strata get` processes, and a Python
 * loop parsing with `tomllib` (an independent parser).
 *
 * Afterwards: every invocation exited 0; the file holds exactly what was
 * written (no key lost, each at its last value, the counter at the number of
 * increments) and `strata list --json` says the same; each key's journal
 * lines chain (each `old` is the previous `new`: no write started from a
 * stale copy); every write of the second act kept the version before it
 * (its i-th journal line names the i-th backup, and the step from one
 * version to the next is exactly that line's change); `strata backups` and
 * `strata history` list them; every backup parses; the comments a person
 * wrote survived; no lock or temp file is left. Every read found the whole
 * file (present, parsing, its comments in place) and no value ever went back
 * (a rename is atomic: once a reader has seen a version, it never sees an
 * older one).
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffValues } from "../../src/diff/value_diff.ts";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import {
  cli,
  type Finished,
  isDeno,
  leftovers,
  listFiles,
  makeSandbox,
  now,
  PYTHON_WRITER,
  pythonHasToml,
  report,
  scaled,
  scriptCommand,
  SHELL_WRITER,
  sized,
  start,
  tryParseToml,
} from "../_support/mod.ts";

const HEADER = "# shared by every kind of writer\n";
const COUNTER_COMMENT = "# incremented by two library processes\n";
const LIB_WRITER = path.join(import.meta.dirname!, "_lib_writer.ts");

/** A Python loop that parses the file with tomllib until the stop file appears. */
const PYTHON_READER = `
import os, sys, tomllib
path, stop, header, keys = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
def at(value, key):
    for part in key.split("."):
        value = value[part]
    return value
reads = bad = 0
last = {}
while True:
    done = os.path.exists(stop)
    with open(path, "rb") as f:
        data = f.read()
    reads += 1
    try:
        value = tomllib.loads(data.decode("utf-8"))
        if not data.startswith(header.encode("utf-8")):
            raise ValueError("header missing")
        for key in keys:
            if at(value, key) < last.get(key, 0):
                raise ValueError(f"{key} went back from {last[key]} to {at(value, key)}")
            last[key] = at(value, key)
    except Exception as e:
        bad += 1
        print(f"bad read: {e}: {data[:200]!r}", file=sys.stderr)
    if done:
        break
print(reads, bad)
`;

/** `a.b.c` of a parsed TOML value. */
function at(values: Record<string, unknown>, key: string): unknown {
  let value: unknown = values;
  for (const part of key.split(".")) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

test("concurrency campaign: CLI, library, Python and shell writers and three readers on one file", {
  timeout: sized(900_000, 3_600_000),
}, async () => {
  using box = makeSandbox();
  const file = path.join(box.configHome, "demo", "config.toml");
  const stateDir = path.join(box.stateHome, "strata", "_shared");
  const cliLoops = 8;
  // Bounded for the suite (a CLI process costs about three times as much under Deno); a soak
  // (STRATA_SOAK=1) goes to thousands of writes.
  const cliWrites = sized(isDeno ? 6 : 12, scaled(200));
  const libWriters = 8;
  const libWrites = sized(60, scaled(1000)); // per library writer of the first act
  const keptWrites = sized(40, scaled(1000)); // per library writer of the second act
  const incrWrites = sized(40, scaled(1000));
  const pyWrites = sized(8, scaled(100));
  const shWrites = sized(8, scaled(100));
  const pyKeys = pythonHasToml() ? ["py0", "py1"] : [];
  const shKeys = spawnSync("sh", ["-c", "exit 0"]).status === 0 ? ["sh0"] : [];
  const libKeys = Array.from({ length: libWriters }, (_, n) => `writers.w${n}`);
  // Every key a reader watches exists from the start, so a torn read that loses one shows.
  const watched = [...libKeys, ...pyKeys, ...shKeys, "stats.counter"];
  // Some bulk at the end, so that a write takes more than one write(2) and a torn read could show.
  const filler = Array.from({ length: 200 }, (_, i) => `key${i} = "${"x".repeat(60)}"\n`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    file,
    HEADER + [...pyKeys, ...shKeys].map((k) => `${k} = 0\n`).join("") +
      "\n[stats]\n" + COUNTER_COMMENT + "counter = 0\n\n[writers]\n" +
      libKeys.map((k) => `${k.split(".")[1]} = 0\n`).join("") +
      "\n[cli]\n# one key per strata set\n\n[bulk]\n" + filler.join(""),
  );
  // Every version is kept. The lock wait is generous: twenty writers share two cores with
  // whatever else the machine runs, and a wait past the bound is a failed invocation.
  const lockWait = 300;
  const env = {
    ...box.env,
    STRATA_BACKUPS__KEEP: "100000",
    STRATA_LOCK__TIMEOUT_MS: `${lockWait * 1000}`,
  };

  const failures: string[] = [];
  let invocations = 0;
  const record = (who: string, done: Finished) => {
    invocations += 1;
    if (done.code !== 0) failures.push(`${who} exited ${done.code}: ${done.stderr.slice(0, 1000)}`);
    return done.code === 0;
  };
  const loop = async (who: string, n: number, run: (i: number) => Promise<Finished>) => {
    for (let i = 1; i <= n; i++) if (!record(`${who} write ${i}`, await run(i))) return;
  };
  const library = (mode: "set" | "incr", key: string, count: number, from = 1) => {
    const [command, args] = scriptCommand(LIB_WRITER, [
      mode,
      "app:demo",
      key,
      `${from}`,
      `${count}`,
    ]);
    return start(command, args, { env }).done.then((done) =>
      record(`library ${mode} ${key}`, done)
    );
  };
  const stop = path.join(box.root, "stop");
  let writersDone = false;
  const begin = now();
  // First act: every kind of writer at once (the reference writers keep only their own 20
  // backups). Second act: eight library writers, every version kept.
  const paths = statePaths(stateDir, file);
  let firstAct = 0;
  const firstLibKeys = libKeys.slice(0, 2);
  const writers = Promise.all([
    ...Array.from(
      { length: cliLoops },
      (_, w) =>
        loop(
          `strata set cli.w${w}`,
          cliWrites,
          (i) =>
            cli(box, ["--app", "demo", "set", `cli.w${w}_k${i}`, `${w}-${i}`], {
              env,
              cwd: box.project,
            }),
        ),
    ),
    ...firstLibKeys.map((key) => library("set", key, libWrites)),
    library("incr", "stats.counter", incrWrites),
    library("incr", "stats.counter", incrWrites),
    ...pyKeys.map((key) =>
      loop(`strata_writer.py ${key}`, pyWrites, (i) =>
        start("python3", [
          PYTHON_WRITER,
          "--file",
          file,
          "--state-dir",
          stateDir,
          "--program",
          `strata_writer.py ${key}`,
          "--timeout",
          `${lockWait}`,
          "set",
          key,
          `${i}`,
          "--type",
          "int",
        ], { env }).done)
    ),
    ...shKeys.map((key) =>
      loop(`strata_set.sh ${key}`, shWrites, (i) =>
        start("sh", [
          SHELL_WRITER,
          "-t",
          "int",
          "-p",
          `strata_set.sh ${key}`,
          "-w",
          `${lockWait}`,
          file,
          stateDir,
          key,
          `${i}`,
        ], { env }).done)
    ),
  ]).then(async () => {
    firstAct = readJournal(paths.journal).entries.length;
    await Promise.all(
      libKeys.map((key) =>
        firstLibKeys.includes(key)
          ? library("set", key, keptWrites, libWrites + 1)
          : library("set", key, keptWrites)
      ),
    );
  }).finally(() => {
    writersDone = true;
    fs.writeFileSync(stop, "");
  });

  // The readers.
  const bad: string[] = [];
  const last = new Map<string, number>();
  const checkValues = (who: string, values: Record<string, unknown>) => {
    const seen = [
      ...watched.map((k) => [k, at(values, k)] as const),
      [
        "(number of cli keys)",
        Object.keys((values.cli ?? {}) as object).length,
      ] as const,
    ];
    for (const [key, value] of seen) {
      const before = last.get(key) ?? 0;
      if (typeof value !== "number" || !(value >= before)) {
        bad.push(`${who}: ${key} went back from ${before} to ${value}`);
      } else last.set(key, value);
    }
  };
  const python = pythonHasToml()
    ? start("python3", ["-c", PYTHON_READER, file, stop, HEADER, ...watched], { env }).done
    : undefined;
  // Synchronous reads, yielding to let the other loops and the pipes run.
  const rawReader = (async () => {
    let reads = 0;
    while (!writersDone) {
      const text = fs.readFileSync(file, "utf8");
      reads += 1;
      const values = tryParseToml(text);
      if (values === undefined || !text.startsWith(HEADER) || !text.endsWith(`"\n`)) {
        bad.push(`raw read ${reads}: ${JSON.stringify(text.slice(0, 200))}...`);
      } else checkValues(`raw read ${reads}`, values);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return reads;
  })();
  const getReader = (async () => {
    let reads = 0;
    let lastGet = 0;
    while (!writersDone) {
      const done = await cli(box, ["--app", "demo", "get", "writers.w0"], {
        env,
        cwd: box.project,
      });
      reads += 1;
      const value = Number(done.stdout.trim());
      if (done.code !== 0 || done.stderr !== "" || !(value >= lastGet)) {
        bad.push(`strata get ${reads}: exit ${done.code}, ${done.stdout} ${done.stderr}`);
      } else lastGet = value;
    }
    return reads;
  })();

  await writers;
  const [rawReads, getReads] = await Promise.all([rawReader, getReader]);
  const py = python ? await python : undefined;
  const [pyReads, pyBad] = py ? py.stdout.trim().split(" ").map(Number) : [0, 0];
  const seconds = (now() - begin) / 1000;

  // What the file holds: exactly what was written.
  const text = fs.readFileSync(file, "utf8");
  const values = tryParseToml(text);
  const expected: Record<string, unknown> = {
    ...Object.fromEntries([
      ...pyKeys.map((k) => [k, pyWrites]),
      ...shKeys.map((k) => [k, shWrites]),
    ]),
    stats: { counter: 2 * incrWrites },
    writers: Object.fromEntries(
      libKeys.map((
        k,
      ) => [k.split(".")[1], keptWrites + (firstLibKeys.includes(k) ? libWrites : 0)]),
    ),
    cli: Object.fromEntries(
      Array.from(
        { length: cliLoops },
        (_, w) => Array.from({ length: cliWrites }, (_, i) => [`w${w}_k${i + 1}`, `${w}-${i + 1}`]),
      ).flat(),
    ),
    bulk: Object.fromEntries(filler.map((_, i) => [`key${i}`, "x".repeat(60)])),
  };
  const firstWrites = cliLoops * cliWrites + firstLibKeys.length * libWrites + 2 * incrWrites +
    pyKeys.length * pyWrites + shKeys.length * shWrites;
  const writes = firstWrites + libWriters * keptWrites;

  // A lost update: a journal line whose `old` is not the previous line's `new`.
  const journal = readJournal(paths.journal);
  const lost: string[] = [];
  for (const key of new Set(journal.entries.map((e) => e.key))) {
    let previous: unknown = key.startsWith("cli.") ? undefined : 0;
    for (const entry of journal.entries.filter((e) => e.key === key)) {
      if (entry.old !== previous) {
        lost.push(`journal ${key}: old ${entry.old} after new ${previous}`);
      }
      previous = entry.new;
    }
  }
  const backups = listBackups(paths.backupDir).reverse(); // oldest first
  const corrupt = backups.filter((b) =>
    tryParseToml(fs.readFileSync(b.path, "utf8")) === undefined
  );
  report("concurrency", {
    runtime: isDeno ? "deno" : "bun",
    writers: {
      strata: cliLoops,
      library: libWriters + 2,
      python: pyKeys.length,
      shell: shKeys.length,
    },
    invocations,
    writes,
    failed: failures.length,
    lost: lost.length,
    corrupt: (values === undefined ? 1 : 0) + corrupt.length,
    journalLines: journal.entries.length,
    rawReads,
    getReads,
    pythonReads: pyReads,
    partial: bad.length + pyBad,
    seconds: Math.round(seconds),
  });

  assert.deepEqual(failures, []);
  assert.ok(values !== undefined, `the file does not parse:\n${text}`);
  assert.deepEqual(values, expected);
  assert.deepEqual(lost, []);
  assert.deepEqual(corrupt, []);
  assert.deepEqual(journal.skipped, []);
  assert.equal(journal.entries.length, writes);
  assert.ok(text.startsWith(HEADER), text);
  assert.ok(text.includes(COUNTER_COMMENT), text);
  assert.deepEqual(listFiles(path.dirname(file)), ["config.toml"]);
  assert.deepEqual(leftovers(paths.backupDir), []);
  assert.equal(listFiles(stateDir).filter((f) => f.startsWith("journal/")).length, 1);

  // Second act: every write kept the version before it. Its i-th journal line names the i-th of
  // the newest backups, and the step from that version to the next is exactly that line's change.
  const kept = journal.entries.slice(firstAct);
  assert.equal(firstAct, firstWrites);
  assert.equal(kept.length, libWriters * keptWrites);
  assert.ok(backups.length >= kept.length, `${backups.length} backups`);
  const keptBackups = backups.slice(backups.length - kept.length);
  const versions = [...keptBackups.map((b) => fs.readFileSync(b.path, "utf8")), text]
    .map((t) => tryParseToml(t)!);
  const perKey = new Map<string, number>(
    firstLibKeys.map((key) => [key, libWrites]),
  );
  for (let i = 0; i < kept.length; i++) {
    const entry = kept[i];
    assert.equal(entry.backup, keptBackups[i].id, `journal line ${firstAct + i}`);
    const step = diffValues(versions[i], versions[i + 1]);
    assert.equal(step.length, 1, `version ${i} -> ${i + 1}`);
    assert.deepEqual(step[0].path, entry.key.split("."), `version ${i} -> ${i + 1}`);
    assert.equal(step[0].after, entry.new, `version ${i} -> ${i + 1}`);
    // Per library writer, the values go on 1, 2, 3, ... with nothing lost or reordered.
    const before = perKey.get(entry.key) ?? 0;
    assert.equal(entry.new, before + 1, `${entry.key} after ${before}`);
    assert.equal(entry.old, before);
    assert.equal(entry.program, `reliability-writer ${entry.key}`);
    perKey.set(entry.key, before + 1);
  }
  assert.equal(perKey.size, libWriters);

  // The CLI sees the same.
  const list = box.run(["--app", "demo", "list", "--json"], { env });
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout), leaves(expected));
  const listed = box.run(["--app", "demo", "backups", "--json"], { env });
  assert.equal(listed.code, 0, listed.stderr);
  const rows = JSON.parse(listed.stdout);
  assert.equal(rows.length, backups.length);
  assert.ok(
    rows.every((r: { keysChanged: number; valid: boolean }) => r.keysChanged === 1 && r.valid),
  );
  const history = box.run(["--app", "demo", "history", "--json"], { env });
  assert.equal(history.code, 0, history.stderr);
  assert.equal(JSON.parse(history.stdout).length, writes);

  // The readers never saw a partial file, nor a value going back.
  assert.deepEqual(bad, []);
  if (py) {
    assert.equal(py.code, 0, py.stderr);
    assert.equal(pyBad, 0, py.stderr);
    assert.ok(pyReads > 0);
  }
  assert.ok(rawReads > 0 && getReads > 0);
});

/** The leaves of a nested value as `a.b.c` -> value (what `strata list --json` prints). */
function leaves(value: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === "object" && child !== null && !Array.isArray(child)) {
      Object.assign(out, leaves(child as Record<string, unknown>, `${prefix}${key}.`));
    } else out[`${prefix}${key}`] = child;
  }
  return out;
}

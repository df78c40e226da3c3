/**
 * Contention: eight writers of three kinds change one configuration file
 * (the user layer of app `demo`) at the same time:
 *
 * - three `strata set` loops (one process per write, as a shell script runs it),
 *   each setting its own key to 1, 2, ... N;
 * - three long-lived library processes (`_lib_writer.ts`): two increment one
 *   shared counter (read-modify-write under the lock: a lost update shows as
 *   a missing increment), one sets its own key;
 * - two loops of the Python reference writer (PROTOCOL.md, one process per
 *   write), each setting its own key;
 * - and, beyond the eight, a loop of the POSIX shell reference writer
 *   (`examples/sh/strata_set.sh`) where `sh` runs.
 *
 * Afterwards: every invocation exited 0, every key holds its last value, the
 * counter holds the number of increments, each key's journal lines chain
 * (each `old` is the previous `new`: no write was based on a stale copy),
 * every backup parses, and no lock or temp file is left.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { listBackups } from "../../src/store/backup.ts";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import {
  cli,
  type Finished,
  isDeno,
  leftovers,
  now,
  PYTHON_WRITER,
  pythonHasToml,
  report,
  sandbox,
  scaled,
  scriptCommand,
  SHELL_WRITER,
  sized,
  start,
  tryParseToml,
} from "./_harness.ts";

test(
  "contention: 8 writers (CLI, library, Python) and the shell writer on one file lose no update",
  {
    timeout: sized(120_000, 1_800_000),
  },
  async () => {
    const box = sandbox();
    const python = pythonHasToml();
    const file = path.join(box.configHome, "demo", "config.toml");
    const stateDir = path.join(box.stateHome, "strata", "_shared");
    const cliWrites = sized(isDeno ? 8 : 20, scaled(200));
    const libWrites = sized(60, scaled(1000));
    const pyWrites = sized(8, scaled(100));
    const cliKeys = ["cli0", "cli1", "cli2"];
    // Without Python 3.11 (no tomllib) two more strata loops take the Python writers' places.
    const pyKeys = python ? ["py0", "py1"] : [];
    const extraCliKeys = python ? [] : ["cli3", "cli4"];
    const allCliKeys = [...cliKeys, ...extraCliKeys];
    const libKey = "lib0";
    // A ninth writer beyond the eight: the POSIX shell reference writer, where `sh` runs.
    const shell = spawnSync("sh", ["-c", "exit 0"]).status === 0;
    const shKeys = shell ? ["sh0"] : [];
    const shWrites = sized(8, scaled(100));
    const setKeys = [...allCliKeys, ...pyKeys, ...shKeys, libKey];
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(
      file,
      "# shared by eight writers\n" + setKeys.map((k) => `${k} = 0\n`).join("") +
        "\n[stats]\n# incremented by two library processes\ncounter = 0\n",
    );
    const failures: string[] = [];
    const record = (who: string, done: Finished) => {
      if (done.code !== 0) {
        failures.push(`${who} exited ${done.code}: ${done.stderr.slice(0, 1000)}`);
      }
    };
    let invocations = 0;
    const loop = async (who: string, n: number, run: (i: number) => Promise<Finished>) => {
      for (let i = 1; i <= n; i++) {
        invocations += 1;
        const done = await run(i);
        record(`${who} write ${i}`, done);
        if (done.code !== 0) return;
      }
    };
    const lib = (mode: string, key: string, count: number) => {
      invocations += 1;
      const [command, args] = scriptCommand("_lib_writer.ts", [
        mode,
        "app:demo",
        key,
        "1",
        String(count),
      ]);
      return start(command, args, { env: box.env }).done.then((done) =>
        record(`library ${mode} ${key}`, done)
      );
    };
    const begin = now();
    try {
      await Promise.all([
        ...allCliKeys.map((key) =>
          loop(
            `strata set ${key}`,
            cliWrites,
            (i) => cli(box, ["--app", "demo", "set", key, `${i}`]),
          )
        ),
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
              "set",
              key,
              `${i}`,
              "--type",
              "int",
            ], { env: box.env }).done)
        ),
        ...shKeys.map((key) =>
          loop(`strata_set.sh ${key}`, shWrites, (i) =>
            start("sh", [
              SHELL_WRITER,
              "-t",
              "int",
              "-p",
              `strata_set.sh ${key}`,
              file,
              stateDir,
              key,
              `${i}`,
            ], {
              env: box.env,
            }).done)
        ),
        lib("incr", "stats.counter", libWrites),
        lib("incr", "stats.counter", libWrites),
        lib("set", libKey, libWrites),
      ]);
      const seconds = (now() - begin) / 1000;
      const text = fs.readFileSync(file, "utf8");
      const values = tryParseToml(text);
      const paths = statePaths(stateDir, file);
      const journal = readJournal(paths.journal);
      const expected: Record<string, number> = Object.fromEntries([
        ...allCliKeys.map((k) => [k, cliWrites]),
        ...pyKeys.map((k) => [k, pyWrites]),
        ...shKeys.map((k) => [k, shWrites]),
        [libKey, libWrites],
      ]);
      // A lost update: a key not at its last value, or a journal line whose `old` is not the
      // previous line's `new` (that write started from a stale copy).
      const lost: string[] = [];
      for (const [key, n] of Object.entries(expected)) {
        if (values?.[key] !== n) lost.push(`${key} = ${values?.[key]}, expected ${n}`);
      }
      const counter = (values?.stats as Record<string, unknown> | undefined)?.counter;
      if (counter !== 2 * libWrites) {
        lost.push(`stats.counter = ${counter}, expected ${2 * libWrites}`);
      }
      for (const key of [...Object.keys(expected), "stats.counter"]) {
        let previous: unknown = 0;
        for (const entry of journal.entries.filter((e) => e.key === key)) {
          if (entry.old !== previous) {
            lost.push(`journal ${key}: old ${entry.old} after new ${previous}`);
          }
          previous = entry.new;
        }
      }
      const backups = listBackups(paths.backupDir);
      const corrupt = backups.filter((b) =>
        tryParseToml(fs.readFileSync(b.path, "utf8")) === undefined
      );
      const writes = Object.values(expected).reduce((a, b) => a + b, 0) + 2 * libWrites;
      report("contention", {
        runtime: isDeno ? "deno" : "bun",
        writers: {
          strata: allCliKeys.length,
          library: 3,
          python: pyKeys.length,
          shell: shKeys.length,
        },
        invocations,
        writes,
        failed: failures.length,
        lost: lost.length,
        corrupt: (values === undefined ? 1 : 0) + corrupt.length,
        journalLines: journal.entries.length,
        seconds: Math.round(seconds),
      });
      assert.deepEqual(failures, []);
      assert.ok(values !== undefined, `the file does not parse:\n${text}`);
      assert.deepEqual(lost, []);
      assert.deepEqual(corrupt, []);
      assert.equal(journal.entries.length, writes);
      assert.deepEqual(journal.skipped, []);
      assert.ok(text.startsWith("# shared by eight writers\n"), text);
      assert.ok(text.includes("# incremented by two library processes\n"), text);
      assert.deepEqual(leftovers(path.dirname(file)), []);
      assert.deepEqual(leftovers(paths.backupDir), []);
    } finally {
      box.cleanup();
    }
  },
);

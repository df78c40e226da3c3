/**
 * Crash during the recovery commands: `restore`, `undo` and `edit` write the
 * configuration through the same protocol as `set`, so a `kill -9` at any
 * moment of them must leave the file as it was or as the command would have
 * left it, never anything else.
 *
 * Each round: the whole state (file, backups, journal) is saved; the command
 * runs to its end to learn the "new" text; the state is put back exactly;
 * the same command runs again and is killed after a random delay. Then the
 * file must hold the old bytes or the new bytes, a command that exited 0
 * must have left the new bytes, and a next writer must get through (a dead
 * holder's lock is broken within the stale-lock bound). Each command is
 * skipped, with a message, until the CLI has it (`strata --help`).
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import {
  cliCommand,
  cliSync,
  fileModeStateDir,
  isDeno,
  leftovers,
  makeSandbox,
  random,
  report,
  type Sandbox,
  sized,
  STALE_LOCK_MS,
  start,
  tryParseToml,
} from "../_support/mod.ts";

/** The commands the CLI lists in its help. */
function commands(): Set<string> {
  const box = makeSandbox();
  try {
    const help = cliSync(box, ["--help"]).stdout;
    return new Set([...help.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]));
  } finally {
    box.cleanup();
  }
}

const available = commands();
const missing = (name: string) =>
  available.has(name)
    ? false
    : `strata has no "${name}" command yet: kill -9 during ${name} not tested`;

/** An editor for `edit` that sets `a` to $ROUND in the copy it is given (a shell script). */
function writeEditor(box: Sandbox): string {
  const script = path.join(box.root, "editor.sh");
  fs.writeFileSync(
    script,
    '#!/bin/sh\nfile="$1"\nsed "s/^a = .*/a = \\"edited-$ROUND\\"/" "$file" > "$file.new" && cat "$file.new" > "$file" && rm "$file.new"\n',
    { mode: 0o755 },
  );
  return script;
}

/** Copies a folder tree (files and folders only), replacing `to`. */
function copyTree(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
}

interface Round {
  args: string[];
  env?: Record<string, string>;
}

/** Runs `rounds` kill rounds of one command against a file with history. */
async function campaign(name: string, makeRound: (i: number) => Round): Promise<void> {
  const rng = random();
  const box = makeSandbox();
  const file = path.join(box.work, "config.toml");
  const stateDir = fileModeStateDir(box);
  const saved = path.join(box.root, "saved");
  const figures = {
    rounds: 0,
    kills: 0,
    killedHoldingLock: 0,
    old: 0,
    new: 0,
    finished: 0,
    probeFailures: 0,
  };
  try {
    fs.writeFileSync(file, "# recovery under kill -9\na = 0\nb = 0\n");
    for (let i = 1; i <= 6; i++) {
      const run = cliSync(box, ["--file", file, "set", i % 2 ? "a" : "b", `${i}`]);
      assert.equal(run.code, 0, run.stderr);
    }
    const [command, argv] = cliCommand();
    const rounds = sized(isDeno ? 6 : 15, 100);
    for (let i = 0; i < rounds; i++) {
      figures.rounds += 1;
      const round = makeRound(i);
      const env = { ...box.env, ...round.env };
      const args = [...argv, "--file", file, ...round.args];
      // Save, run to the end for the "new" text, put everything back exactly.
      const before = fs.readFileSync(file);
      fs.copyFileSync(file, path.join(box.root, "saved-file"));
      copyTree(stateDir, saved);
      const began = performance.now();
      const full = await start(command, args, { env }).done;
      const took = performance.now() - began;
      const after = fs.readFileSync(file);
      const context = `${name} round ${i} (seed ${rng.seed}): ${full.stderr}`;
      assert.equal(full.code, 0, context);
      fs.copyFileSync(path.join(box.root, "saved-file"), file);
      copyTree(saved, stateDir);
      // The same command again, killed at a random moment, mostly late in its life (where it
      // writes), sometimes just after it would have ended.
      const proc = start(command, args, { env });
      let holding = false;
      const timer = setTimeout(() => {
        if (proc.kill()) holding = fs.existsSync(`${file}.lock`);
      }, rng.int(Math.round(took * 0.3), Math.round(took * 1.1)));
      const done = await proc.done;
      clearTimeout(timer);
      const now = fs.readFileSync(file);
      assert.ok(tryParseToml(now.toString("utf8")) !== undefined, `${context}: does not parse`);
      if (done.signal === "SIGKILL") {
        figures.kills += 1;
        if (holding) figures.killedHoldingLock += 1;
      } else {
        figures.finished += 1;
        assert.equal(done.code, 0, `${context}: ${done.stderr}`);
        assert.deepEqual(now, after, `${context}: finished, but the file is not the new text`);
      }
      if (now.equals(before)) figures.old += 1;
      else if (now.equals(after)) figures.new += 1;
      else assert.fail(`${context}: neither the old nor the new text:\n${now}`);
      // The next writer is not blocked beyond the stale-lock bound by the dead one's lock.
      const probe = cliSync(box, [
        "--lock-timeout",
        String(STALE_LOCK_MS / 1000 + 2),
        "--file",
        file,
        "set",
        "b",
        `${100 + i}`,
      ]);
      if (probe.code !== 0) figures.probeFailures += 1;
      assert.equal(probe.code, 0, `${context}: next writer: ${probe.stderr}`);
    }
    report(`recovery-crash ${name}`, { seed: rng.seed, ...figures });
    assert.deepEqual(leftovers(box.work), []);
  } finally {
    box.cleanup();
  }
}

test("recovery crash: kill -9 during restore leaves the old or the restored file", {
  skip: missing("restore"),
  timeout: sized(120_000, 1_800_000),
}, async () => {
  await campaign("restore", () => ({ args: ["restore", "latest"] }));
});

test("recovery crash: kill -9 during undo leaves the old or the undone file", {
  skip: missing("undo"),
  timeout: sized(120_000, 1_800_000),
}, async () => {
  await campaign("undo", () => ({ args: ["undo"] }));
});

test("recovery crash: kill -9 during edit leaves the old or the edited file", {
  skip: missing("edit"),
  timeout: sized(120_000, 1_800_000),
}, async () => {
  const box = makeSandbox();
  const editor = writeEditor(box);
  try {
    await campaign("edit", (i) => ({
      args: ["edit"],
      env: { EDITOR: editor, VISUAL: editor, ROUND: String(i) },
    }));
  } finally {
    box.cleanup();
  }
});

/** The write protocol's crash points (STRATA_CRASH_AT) and whether the new text is in place there. */
const CRASH_POINTS: Array<[string, "old" | "new"]> = [
  ["locked", "old"],
  ["backup", "old"],
  ["temp", "old"],
  ["renamed", "new"],
  ["written", "new"],
  ["journaled", "new"],
];

test("recovery crash points: restore, undo and edit killed at every step of the protocol", {
  skip: missing("restore") || missing("undo") || missing("edit"),
  timeout: sized(120_000, 600_000),
}, async () => {
  const box = makeSandbox();
  const editor = writeEditor(box);
  const file = path.join(box.work, "config.toml");
  const stateDir = fileModeStateDir(box);
  const saved = path.join(box.root, "saved");
  const journal = () => readJournal(statePaths(stateDir, file).journal).entries.length;
  const [command, argv] = cliCommand();
  try {
    fs.writeFileSync(file, "# recovery at each crash point\na = 0\nb = 0\n");
    for (let i = 1; i <= 4; i++) {
      assert.equal(cliSync(box, ["--file", file, "set", i % 2 ? "a" : "b", `${i}`]).code, 0);
    }
    const commands: Array<[string, string[], Record<string, string>]> = [
      ["restore", ["restore", "latest"], {}],
      ["undo", ["undo"], {}],
      ["edit", ["edit"], { EDITOR: editor, VISUAL: editor }],
    ];
    let round = 0;
    for (const [name, words, extra] of commands) {
      for (const [point, expected] of CRASH_POINTS) {
        round += 1;
        const env = { ...box.env, ...extra, ROUND: String(round) };
        const args = [...argv, "--file", file, ...words];
        const before = fs.readFileSync(file);
        const linesBefore = journal();
        fs.copyFileSync(file, path.join(box.root, "saved-file"));
        copyTree(stateDir, saved);
        const full = await start(command, args, { env }).done;
        assert.equal(full.code, 0, `${name}: ${full.stderr}`);
        const after = fs.readFileSync(file);
        assert.ok(!after.equals(before), `${name} changed nothing: the round proves nothing`);
        fs.copyFileSync(path.join(box.root, "saved-file"), file);
        copyTree(saved, stateDir);
        const crashed = await start(command, args, { env: { ...env, STRATA_CRASH_AT: point } })
          .done;
        const context =
          `${name} killed at "${point}": exit ${crashed.code} ${crashed.signal} ${crashed.stderr}`;
        assert.equal(crashed.signal, "SIGKILL", context);
        const now = fs.readFileSync(file);
        assert.deepEqual(now, expected === "old" ? before : after, context);
        assert.ok(fs.existsSync(`${file}.lock`), `${context}: the dead writer's lock is left`);
        // The journal gains this write's lines only at the last point.
        assert.equal(journal() > linesBefore, point === "journaled", context);
        // The next writer breaks the dead lock, removes the dead writer's temp file, and writes.
        const next = cliSync(box, [
          "--lock-timeout",
          String(STALE_LOCK_MS / 1000 + 2),
          "--file",
          file,
          "set",
          "b",
          `${100 + round}`,
        ]);
        assert.equal(next.code, 0, `${context}: next writer: ${next.stderr}`);
        assert.deepEqual(leftovers(box.work), [], context);
        assert.ok(tryParseToml(fs.readFileSync(file, "utf8")) !== undefined, context);
      }
    }
    report("recovery-crash-points", { rounds: round, points: CRASH_POINTS.length });
  } finally {
    box.cleanup();
  }
});

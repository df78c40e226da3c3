/**
 * Hostile campaign for the state folder keyed by the file's identity: the
 * same file named with `--file`, `--app` or through a linked folder keeps
 * one history; the state folders of the per-application layout are merged
 * into the shared one with nothing lost and nothing doubled, by several
 * processes at once, and by processes killed with SIGKILL half-way.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { statePaths } from "../../src/store/state_paths.ts";
import { updateFile } from "../../src/store/update_file.ts";
import {
  cli,
  cliCommand,
  cliSync,
  fileModeStateDir,
  makeSandbox,
  noStack,
  random,
  report,
  type Sandbox,
  sized,
  start,
} from "../_support/mod.ts";

const posix = process.platform !== "win32";

/** `key = value` lines, one per key: the little TOML the legacy writes below produce. */
function setLine(current: string | undefined, key: string, value: number) {
  const lines = (current ?? "").split("\n").filter((l) => l !== "");
  const at = lines.findIndex((l) => l.startsWith(`${key} = `));
  const old = at === -1 ? undefined : Number(lines[at].slice(key.length + 3));
  if (at === -1) lines.push(`${key} = ${value}`);
  else lines[at] = `${key} = ${value}`;
  return { text: lines.join("\n") + "\n", changes: [{ key, old, new: value }] };
}

/**
 * Writes as strata did before the shared folder: through the write
 * protocol, with the application's own state folder `<root>/<app>/`.
 * Waits for the clock to move between writes, so journal times order them.
 */
async function legacyWrite(box: Sandbox, app: string, file: string, key: string, value: number) {
  const before = Date.now();
  while (Date.now() <= before + 1) { /* the next millisecond */ }
  await updateFile(file, (current) => setLine(current, key, value), {
    stateDir: path.join(box.stateHome, "strata", app),
    layer: app === "_file" ? "file" : "user",
    program: "strata set",
  });
}

/** Every journal line and backup (its bytes) under a state folder of either layout. */
function stateContents(stateRoot: string) {
  const lines: string[] = [];
  const backups: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ndjson(\.1)?$/.test(entry.name)) {
        lines.push(...fs.readFileSync(full, "utf8").split("\n").filter((l) => l !== ""));
      } else if (path.basename(dir) !== "cache" && /^\d{8}T/.test(entry.name)) {
        backups.push(fs.readFileSync(full, "utf8"));
      }
    }
  };
  walk(stateRoot);
  return { lines: lines.sort(), backups: backups.sort() };
}

/**
 * A legacy state root: the user file of `demo` written through `--app demo`
 * and `--file` (interleaved), and another application's file.
 */
async function legacyState(box: Sandbox, writes: number) {
  const userFile = path.join(box.configHome, "demo", "config.toml");
  const other = path.join(box.configHome, "tool", "config.toml");
  for (let i = 0; i < writes; i++) {
    await legacyWrite(box, i % 2 === 0 ? "demo" : "_file", userFile, `k${i % 3}`, i);
    if (i % 3 === 0) await legacyWrite(box, "tool", other, "t", i);
  }
  return { userFile, other };
}

/** The `new` values of `history --json`, in the order shown. */
function historyValues(stdout: string): unknown[] {
  return JSON.parse(stdout).map((e: { new: number }) => e.new);
}

test(
  "--file, --app and a linked folder name one file: one history, and undo from either undoes the other's change",
  { skip: posix ? false : "symlinks need privileges on Windows", timeout: 120_000 },
  () => {
    const box = makeSandbox();
    try {
      // The application's folder is a link into a dotfiles folder.
      const dotfiles = path.join(box.root, "dotfiles", "demo");
      fs.mkdirSync(dotfiles, { recursive: true });
      fs.symlinkSync(dotfiles, path.join(box.configHome, "demo"));
      const viaLink = path.join(box.configHome, "demo", "config.toml");
      const real = path.join(dotfiles, "config.toml");
      const run = (args: string[], text: string) => {
        const done = cliSync(box, args);
        assert.equal(done.code, 0, done.stderr);
        assert.equal(fs.readFileSync(real, "utf8"), text, args.join(" "));
      };
      run(["--file", real, "set", "a", "1"], 'a = "1"\n');
      run(["--app", "demo", "set", "b", "2"], 'a = "1"\nb = "2"\n');
      run(["--file", viaLink, "set", "a", "3"], 'a = "3"\nb = "2"\n');
      const views = [["--file", real], ["--app", "demo"], ["--file", viaLink]];
      for (const view of views) {
        const history = cliSync(box, [...view, "history", "--json"]);
        assert.equal(history.code, 0, history.stderr);
        assert.deepEqual(historyValues(history.stdout), ["1", "2", "3"], view.join(" "));
        const backups = cliSync(box, [...view, "backups", "--json"]);
        assert.equal(JSON.parse(backups.stdout).length, 2, backups.stdout);
      }
      // --app undoes the change made with --file (through the link)...
      run(["--app", "demo", "undo"], 'a = "1"\nb = "2"\n');
      // ...and --file undoes the one made with --app.
      run(["--app", "demo", "set", "c", "4"], 'a = "1"\nb = "2"\nc = "4"\n');
      run(["--file", real, "undo"], 'a = "1"\nb = "2"\n');
      // One state folder, one journal, whoever named the file.
      const shared = path.join(box.stateHome, "strata");
      assert.deepEqual(fs.readdirSync(shared), ["_shared"]);
      assert.deepEqual(fs.readdirSync(path.join(shared, "_shared", "journal")), [
        `${statePaths(fileModeStateDir(box), real).name}.ndjson`,
      ]);
      const paths = cliSync(box, ["--app", "demo", "paths", "--json"]);
      assert.equal(JSON.parse(paths.stdout).stateDir, path.join(shared, "_shared"));
    } finally {
      box.cleanup();
    }
  },
);

test(
  "the per-application folders are merged once: every line and backup kept, in time order, nothing doubled",
  { timeout: 120_000 },
  async () => {
    const box = makeSandbox();
    try {
      const { userFile, other } = await legacyState(box, 6);
      const root = path.join(box.stateHome, "strata");
      // A working copy of edit and a parse cache in the old layout.
      fs.mkdirSync(path.join(root, "demo", "edits"), { mode: 0o700 });
      fs.writeFileSync(path.join(root, "demo", "edits", "config.toml-1.toml.rejected"), "x = [\n");
      fs.mkdirSync(path.join(root, "_file", "cache"), { mode: 0o700 });
      fs.writeFileSync(path.join(root, "_file", "cache", "config.toml-1.json"), "{}");
      const before = stateContents(root);
      assert.deepEqual(fs.readdirSync(root).sort(), ["_file", "demo", "tool"]);
      // doctor reports the folders and changes nothing.
      const doctor = cliSync(box, ["--app", "demo", "doctor"]);
      assert.equal(doctor.code, 3, doctor.stdout);
      assert.match(
        doctor.stdout,
        new RegExp(`${path.join(root, "demo")} holds backups or journals of the per-application`),
      );
      assert.deepEqual(fs.readdirSync(root).sort(), ["_file", "demo", "tool"]);

      const history = cliSync(box, ["--file", userFile, "history", "--json"]);
      assert.equal(history.code, 0, history.stderr);
      assert.equal(history.stderr, "");
      assert.deepEqual(historyValues(history.stdout), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(fs.readdirSync(root), ["_shared"]);
      const after = stateContents(root);
      assert.deepEqual(after.lines, before.lines);
      assert.deepEqual(after.backups, before.backups);
      assert.equal(after.backups.length, 5 + 1); // every write but each file's first
      const shared = path.join(root, "_shared");
      assert.deepEqual(fs.readdirSync(path.join(shared, "edits")), ["config.toml-1.toml.rejected"]);
      assert.equal(fs.existsSync(path.join(shared, "cache", "config.toml-1.json")), false);
      const tool = cliSync(box, ["--app", "tool", "history", "--json"]);
      assert.deepEqual(historyValues(tool.stdout), [0, 3]);
      assert.equal(
        fs.existsSync(statePaths(shared, other).journal) &&
          fs.existsSync(statePaths(shared, userFile).journal),
        true,
      );
      // Done once: a second run finds nothing to merge and changes nothing.
      const again = cliSync(box, ["--app", "demo", "history", "--json"]);
      assert.deepEqual(historyValues(again.stdout), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(stateContents(root), after);
      const healthy = cliSync(box, ["--app", "demo", "doctor"]);
      assert.doesNotMatch(healthy.stdout, /per-application layout/);
      // undo works on the merged story: the last change (made with --file) is undone by --app.
      const undo = cliSync(box, ["--app", "demo", "undo"]);
      assert.equal(undo.code, 0, undo.stderr);
      assert.equal(fs.readFileSync(userFile, "utf8"), "k0 = 3\nk1 = 4\nk2 = 2\n");
    } finally {
      box.cleanup();
    }
  },
);

test("doctor --fix merges the per-application folders; a write merges them too", {
  timeout: 120_000,
}, async () => {
  const box = makeSandbox();
  try {
    const { userFile } = await legacyState(box, 4);
    const root = path.join(box.stateHome, "strata");
    const before = stateContents(root);
    const fixed = cliSync(box, ["--app", "demo", "doctor", "--fix"]);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.deepEqual(fs.readdirSync(root), ["_shared"]);
    assert.deepEqual(stateContents(root), before);
    // Old folders appearing again (an older strata still writing) are merged by the next write.
    await legacyWrite(box, "demo", userFile, "k9", 9);
    const set = cliSync(box, ["--file", userFile, "set", "k8", "8"]);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(fs.readdirSync(root), ["_shared"]);
    const history = cliSync(box, ["--app", "demo", "history", "--json"]);
    assert.deepEqual(historyValues(history.stdout), [0, 1, 2, 3, 9, "8"]);
  } finally {
    box.cleanup();
  }
});

test(
  "several processes merging at once, with a writer among them: nothing lost, nothing doubled",
  { timeout: 300_000 },
  async () => {
    const box = makeSandbox();
    try {
      const { userFile } = await legacyState(box, sized(12, 40));
      const root = path.join(box.stateHome, "strata");
      const before = stateContents(root);
      const runs = await Promise.all([
        cli(box, ["--app", "demo", "history", "--json"]),
        cli(box, ["--file", userFile, "history", "--json"]),
        cli(box, ["--app", "tool", "backups", "--json"]),
        cli(box, ["--app", "demo", "set", "z", "1"]),
        cli(box, ["--file", userFile, "history", "--json"]),
      ]);
      for (const run of runs) {
        noStack(run.stderr);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr.includes("warning"), false, run.stderr);
      }
      const expected = Array.from({ length: sized(12, 40) }, (_, i) => i);
      for (const i of [0, 1, 4]) {
        // Each shows the whole merged story (with or without the concurrent set of z).
        const shown = historyValues(runs[i].stdout).filter((v) => typeof v === "number");
        assert.deepEqual(shown, expected);
      }
      assert.deepEqual(fs.readdirSync(root), ["_shared"]);
      const after = stateContents(root);
      assert.equal(after.backups.length, before.backups.length + 1); // the set's backup
      const added = after.lines.filter((l) => !before.lines.includes(l));
      assert.equal(added.length, 1);
      assert.equal(JSON.parse(added[0]).key, "z");
      assert.equal(after.lines.length, before.lines.length + 1);
      assert.equal(new Set(after.lines).size, after.lines.length);
    } finally {
      box.cleanup();
    }
  },
);

/** Many files, each written twice through two applications' old state folders. */
async function manyLegacyFiles(box: Sandbox, files: number): Promise<void> {
  for (let i = 0; i < files; i++) {
    const file = path.join(box.root, "many", `f${i}.toml`);
    await legacyWrite(box, "demo", file, "a", i);
    await legacyWrite(box, "_file", file, "b", i);
  }
}

test(
  "a merge killed with SIGKILL at its crash points or at random moments loses and doubles nothing",
  {
    timeout: 600_000,
  },
  async () => {
    const box = makeSandbox();
    const rng = random();
    try {
      const writes = sized(12, 40);
      const { userFile } = await legacyState(box, writes);
      await manyLegacyFiles(box, sized(150, 600));
      const root = path.join(box.stateHome, "strata");
      const before = stateContents(root);
      const [command, argv] = cliCommand();
      const args = [...argv, "--file", userFile, "history", "--json"];
      // Killed by itself right after a journal is merged, then right after a backup is linked.
      for (const point of ["migrated", "migrated-backup"]) {
        const crashed = await start(command, args, {
          env: { ...box.env, STRATA_CRASH_AT: point },
        }).done;
        assert.equal(crashed.signal, "SIGKILL", `${point}: ${crashed.stderr}`);
        assert.deepEqual(fs.readdirSync(root).sort(), ["_file", "_shared", "demo", "tool"]);
      }
      // Then killed at random moments, each run starting over what the last left.
      let kills = 0;
      let midway = 0;
      for (let i = 0; i < sized(8, 40) && fs.readdirSync(root).length > 1; i++) {
        const proc = start(command, args, { env: box.env });
        const timer = setTimeout(() => proc.kill(), rng.int(100, 1500));
        const done = await proc.done;
        clearTimeout(timer);
        if (done.signal === "SIGKILL") {
          kills++;
          if (fs.readdirSync(root).length > 1) midway++;
        } else assert.equal(done.code, 0, `seed ${rng.seed}: ${done.stderr}`);
      }
      const final = cliSync(box, ["--app", "demo", "history", "--json"]);
      assert.equal(final.code, 0, `seed ${rng.seed}: ${final.stderr}`);
      assert.deepEqual(
        historyValues(final.stdout),
        Array.from({ length: writes }, (_, i) => i),
        `seed ${rng.seed}`,
      );
      assert.deepEqual(fs.readdirSync(root), ["_shared"]);
      const after = stateContents(root);
      assert.equal(after.lines.length, before.lines.length, `seed ${rng.seed}`);
      assert.deepEqual(after.lines, before.lines, `seed ${rng.seed}`);
      assert.deepEqual(after.backups, before.backups, `seed ${rng.seed}`);
      const shared = fs.readdirSync(path.join(root, "_shared"));
      assert.equal(shared.includes(".migration.lock"), false, shared.join(" "));
      report("merge under kill -9", { seed: rng.seed, writes, kills, midway });
    } finally {
      box.cleanup();
    }
  },
);

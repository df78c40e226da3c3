import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readJournal } from "../../src/store/journal.ts";
import { listBackups } from "../../src/store/backup.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import { acquireLock } from "../../src/store/lock.ts";
import * as os from "node:os";
import { deadPid, type Finished, leftovers, runScript, start, tempDir } from "../_support/mod.ts";

const python = spawnSync("python3", ["--version"]).status === 0;
const skip = python ? false : "python3 is not installed: the Python reference writer cannot run";
const writer = path.resolve(import.meta.dirname!, "../../examples/python/strata_writer.py");

function run(command: string, args: string[], env?: Record<string, string>): Promise<Finished> {
  return start(command, args, { env: env ?? process.env as Record<string, string> }).done;
}

function py(file: string, stateDir: string, ...args: string[]): Promise<Finished> {
  return run("python3", [writer, "--file", file, "--state-dir", stateDir, ...args]);
}

test(
  "interop: Python writers and TypeScript writers on one JSON file lose nothing",
  { skip, timeout: 180_000 },
  async () => {
    const dir = tempDir().path;
    try {
      const file = path.join(dir, "config.json");
      const stateDir = path.join(dir, "state");
      fs.writeFileSync(file, "{}\n");
      const writes = 8;
      // A Python writer is one process per write, as a script would use it.
      const pythonLoop = (key: string) =>
        run("sh", [
          "-c",
          `i=1; while [ $i -le ${writes} ]; do python3 "$0" --file "$1" --state-dir "$2" ` +
          `--program py-${key} set ${key} $i --type int || exit 1; i=$((i+1)); done`,
          writer,
          file,
          stateDir,
        ]);
      const script = path.join(import.meta.dirname!, "_writer.ts");
      const pyKeys = ["py0", "py1", "py2", "py3"];
      const tsKeys = ["ts0", "ts1", "ts2", "ts3"];
      const runs = await Promise.all([
        ...pyKeys.map(pythonLoop),
        ...tsKeys.map((key) => runScript(script, [file, stateDir, key, `${writes}`])),
      ]);
      runs.forEach((done, i) => assert.equal(done.code, 0, `writer ${i}: ${done.stderr}`));
      const keys = [...pyKeys, ...tsKeys];
      assert.deepEqual(
        JSON.parse(fs.readFileSync(file, "utf8")),
        Object.fromEntries(keys.map((key) => [key, writes])),
      );
      assert.deepEqual(leftovers(dir), []);
      // Both find the same journal (same hash of the path): one line per write, in order per writer.
      const { entries, skipped } = readJournal(statePaths(stateDir, file).journal);
      assert.deepEqual(skipped, []);
      assert.equal(entries.length, keys.length * writes);
      for (const key of keys) {
        const mine = entries.filter((entry) => entry.key === key);
        assert.deepEqual(mine.map((e) => e.new), Array.from({ length: writes }, (_, i) => i + 1));
        assert.deepEqual(mine.map((e) => e.old), [
          undefined,
          ...Array.from({ length: writes - 1 }, (_, i) => i + 1),
        ]);
      }
      assert.deepEqual(fs.readdirSync(path.join(stateDir, "journal")), [
        path.basename(statePaths(stateDir, file).journal),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "interop: the Python writer refuses a broken file and leaves it byte for byte",
  { skip },
  async () => {
    const dir = tempDir().path;
    try {
      const stateDir = path.join(dir, "state");
      for (const [name, text] of [["config.json", '{"a": 1,,}'], ["config.toml", "a = = 1\n"]]) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        const done = await py(file, stateDir, "set", "b", "2");
        assert.equal(done.code, 3, done.stderr);
        assert.match(done.stderr, /nothing was written/);
        assert.equal(fs.readFileSync(file, "utf8"), text);
      }
      assert.deepEqual(fs.readdirSync(dir).sort(), ["config.json", "config.toml"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "interop: the Python writer edits TOML lines, keeps comments, honours strata's lock",
  { skip },
  async () => {
    const dir = tempDir().path;
    try {
      const file = path.join(dir, "config.toml");
      const stateDir = path.join(dir, "state");
      fs.writeFileSync(
        file,
        '# settings\nname = "demo" # shown in the title\n\n[db]\nport = 5432\n',
      );
      fs.chmodSync(file, 0o640);
      assert.equal((await py(file, stateDir, "set", "db.port", "5433", "--type", "int")).code, 0);
      assert.equal((await py(file, stateDir, "set", "name", "new")).code, 0);
      assert.equal((await py(file, stateDir, "set", "db.user", "ana")).code, 0);
      assert.equal(
        fs.readFileSync(file, "utf8"),
        '# settings\nname = "new" # shown in the title\n\n[db]\nport = 5433\nuser = "ana"\n',
      );
      if (process.platform !== "win32") assert.equal(fs.statSync(file).mode & 0o777, 0o640);
      const { entries } = readJournal(statePaths(stateDir, file).journal);
      assert.deepEqual(entries.map((e) => [e.key, e.old, e.new, e.program]), [
        ["db.port", 5432, 5433, "strata_writer.py"],
        ["name", "demo", "new", "strata_writer.py"],
        ["db.user", undefined, "ana", "strata_writer.py"],
      ]);
      assert.equal(listBackups(statePaths(stateDir, file).backupDir).length, 3);
      // While the TypeScript side holds the lock (renewing its lease), the Python writer waits,
      // then times out naming it.
      const held = await acquireLock(file, { program: "ts-holder", staleMs: 2_000 });
      let timedOut: Finished;
      try {
        timedOut = await py(file, stateDir, "--timeout", "0.2", "set", "name", "x");
      } finally {
        held.release();
      }
      assert.equal(timedOut.code, 4, timedOut.stderr);
      assert.match(
        timedOut.stderr,
        new RegExp(`is locked by process ${process.pid} on host .* \\(program "ts-holder"`),
      );
      assert.match(fs.readFileSync(file, "utf8"), /^name = "new"/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

const shells = ["sh", "bash"].filter((shell) => spawnSync(shell, ["-c", "exit 0"]).status === 0);
const shWriter = path.resolve(import.meta.dirname!, "../../examples/sh/strata_set.sh");

test("interop: POSIX sh writers and TypeScript writers on one TOML file lose nothing", {
  skip: shells.length > 0 && process.platform !== "win32" ? false : "no POSIX shell here",
  timeout: 120_000,
}, async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    const stateDir = path.join(dir, "state");
    fs.writeFileSync(file, '# shared by shell scripts and strata\ntitle = "demo"\n');
    const writes = 6;
    const shellLoop = (key: string, shell: string) =>
      run(shell, [
        "-c",
        `i=1; while [ $i -le ${writes} ]; do "$0" "$1" -t int -p sh-${key} "$2" "$3" ${key} $i ` +
        `|| exit 1; i=$((i+1)); done`,
        shell,
        shWriter,
        file,
        stateDir,
      ]);
    const script = path.join(import.meta.dirname!, "_writer.ts");
    const shKeys = ["sh0", "sh1", "sh2"];
    const tsKeys = ["ts0", "ts1", "ts2"];
    const runs = await Promise.all([
      ...shKeys.map((key, i) => shellLoop(key, shells[i % shells.length])),
      ...tsKeys.map((key) => runScript(script, [file, stateDir, key, `${writes}`])),
    ]);
    const names = [...shKeys, ...tsKeys];
    runs.forEach((done, i) =>
      assert.equal(done.code, 0, `writer ${names[i]}: ${done.stdout}\n${done.stderr}`)
    );
    const text = fs.readFileSync(file, "utf8");
    assert.ok(text.startsWith('# shared by shell scripts and strata\ntitle = "demo"\n'), text);
    const lines = text.trim().split("\n").slice(2).sort();
    assert.deepEqual(lines, names.map((key) => `${key} = ${writes}`).sort(), text);
    assert.deepEqual(leftovers(dir), [], fs.readdirSync(dir).join(" "));
    const journal = statePaths(stateDir, file).journal;
    const { entries, skipped } = readJournal(journal);
    assert.deepEqual(skipped, [], fs.readFileSync(journal, "utf8"));
    assert.equal(entries.length, 6 * writes, fs.readFileSync(journal, "utf8"));
    for (const key of [...shKeys, ...tsKeys]) {
      const mine = entries.filter((entry) => entry.key === key);
      assert.deepEqual(mine.map((e) => e.new), Array.from({ length: writes }, (_, i) => i + 1));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("interop: the sh writer refuses TOML it cannot check, byte for byte", {
  skip: shells.length > 0 && process.platform !== "win32" ? false : "no POSIX shell here",
}, async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    const text = "a = 1\nb = { c = 2 }\n";
    fs.writeFileSync(file, text);
    const done = await run("sh", [shWriter, file, path.join(dir, "state"), "a", "x"]);
    assert.equal(done.code, 3);
    assert.equal(
      done.stderr,
      `strata_set.sh: ${file}:2: a value this writer cannot check (only strings, integers, ` +
        `decimal floats, booleans); nothing was written. To fix: use strata (or the Python writer) for this file.\n`,
    );
    assert.equal(fs.readFileSync(file, "utf8"), text);
    assert.deepEqual(fs.readdirSync(dir), ["config.toml"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const repo = path.resolve(import.meta.dirname!, "../..");
const runtimes = [
  ["bun", path.join(repo, "node_modules", ".bin", "bun")],
  ["deno", path.join(repo, "node_modules", ".bin", "deno")],
].filter(([, bin]) => fs.existsSync(bin));

test("interop: Bun and Deno processes writing one file at once lose nothing", {
  skip: runtimes.length === 2
    ? false
    : "needs both node_modules/.bin/bun and node_modules/.bin/deno",
  timeout: 120_000,
}, async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.json");
    const stateDir = path.join(dir, "state");
    fs.writeFileSync(file, "{}\n");
    const writes = 15;
    const script = path.join(import.meta.dirname!, "_writer.ts");
    const keys: string[] = [];
    const runs = runtimes.flatMap(([name, bin]) =>
      [0, 1].map((i) => {
        const key = `${name}${i}`;
        keys.push(key);
        const args = [script, file, stateDir, key, `${writes}`];
        return run(bin, name === "deno" ? ["run", "-A", ...args] : args);
      })
    );
    const done = await Promise.all(runs);
    done.forEach((result, i) => assert.equal(result.code, 0, `${keys[i]}: ${result.stderr}`));
    assert.deepEqual(
      JSON.parse(fs.readFileSync(file, "utf8")),
      Object.fromEntries(keys.map((key) => [key, writes])),
    );
    assert.deepEqual(leftovers(dir), []);
    const { entries } = readJournal(statePaths(stateDir, file).journal);
    assert.equal(entries.length, keys.length * writes);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("interop: the reference writers break a dead writer's lock and write through a symlink", {
  skip: python && shells.length > 0 && process.platform !== "win32"
    ? false
    : "needs python3 and sh",
}, async () => {
  const dir = tempDir().path;
  try {
    const stateDir = path.join(dir, "state");
    fs.mkdirSync(path.join(dir, "dotfiles"));
    const dead = await deadPid();
    const cases: [string, string[]][] = [
      ["config.json", [
        "python3",
        writer,
        "--file",
        "LINK",
        "--state-dir",
        stateDir,
        "set",
        "a",
        "x",
      ]],
      ["config.toml", ["sh", shWriter, "LINK", stateDir, "a", "x"]],
    ];
    for (const [name, argv] of cases) {
      const real = path.join(dir, "dotfiles", name);
      const link = path.join(dir, name);
      fs.writeFileSync(real, name.endsWith(".json") ? '{"a": "old"}\n' : 'a = "old"\n');
      fs.symlinkSync(real, link);
      // A writer died holding the lock (beside the real file, where the protocol puts it).
      fs.writeFileSync(
        `${real}.lock`,
        JSON.stringify({
          pid: dead,
          host: os.hostname(),
          time: new Date().toISOString(),
          program: "dead",
          token: "t",
        }) + "\n",
      );
      const [command, ...args] = argv.map((arg) => arg === "LINK" ? link : arg);
      const done = await run(command, args);
      assert.equal(done.code, 0, `${name}: ${done.stderr}`);
      assert.equal(fs.lstatSync(link).isSymbolicLink(), true);
      const text = fs.readFileSync(real, "utf8");
      assert.ok(name.endsWith(".json") ? JSON.parse(text).a === "x" : text === 'a = "x"\n', text);
      assert.deepEqual(leftovers(path.join(dir, "dotfiles")), []);
      const backups = listBackups(statePaths(stateDir, real).backupDir);
      assert.equal(backups.length, 1);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const busybox = process.platform === "linux" &&
  spawnSync("busybox", ["--help"]).status === 0;

test(
  "interop: the sh writer under busybox alone (its sh, awk, od, ls) and TS writers lose nothing",
  {
    skip: busybox ? false : "busybox is not installed",
    timeout: 120_000,
  },
  async () => {
    const dir = tempDir().path;
    try {
      const bin = path.join(dir, "bin");
      fs.mkdirSync(bin);
      assert.equal(spawnSync("busybox", ["--install", "-s", bin]).status, 0);
      const file = path.join(dir, "config.toml");
      const stateDir = path.join(dir, "state");
      fs.writeFileSync(file, 'title = "demo"\n');
      const writes = 5;
      const boxLoop = (key: string) =>
        run(path.join(bin, "sh"), [
          "-c",
          `i=1; while [ $i -le ${writes} ]; do sh "$0" -t int "$1" "$2" ${key} $i || exit 1; ` +
          `i=$((i+1)); done`,
          shWriter,
          file,
          stateDir,
        ], { PATH: bin });
      const script = path.join(import.meta.dirname!, "_writer.ts");
      const runs = await Promise.all([
        boxLoop("bb0"),
        boxLoop("bb1"),
        runScript(script, [file, stateDir, "ts0", `${writes}`]),
        runScript(script, [file, stateDir, "ts1", `${writes}`]),
      ]);
      runs.forEach((done, i) => assert.equal(done.code, 0, `writer ${i}: ${done.stderr}`));
      const text = fs.readFileSync(file, "utf8");
      assert.deepEqual(
        text.trim().split("\n").slice(1).sort(),
        ["bb0", "bb1", "ts0", "ts1"].map((key) => `${key} = ${writes}`),
        text,
      );
      assert.deepEqual(leftovers(dir), []);
      // The shell's awk computed the same state names as the TypeScript side (FNV-1a).
      const { entries } = readJournal(statePaths(stateDir, file).journal);
      assert.equal(entries.length, 4 * writes);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "interop: by default both reference writers keep state where strata looks, for --app and --file alike",
  {
    skip: python && shells.length > 0 && process.platform !== "win32"
      ? false
      : "needs python3 and sh",
    timeout: 120_000,
  },
  async () => {
    const dir = tempDir().path;
    try {
      const env = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: path.join(dir, "home"),
        XDG_CONFIG_HOME: path.join(dir, "config"),
        XDG_STATE_HOME: path.join(dir, "state"),
        XDG_CONFIG_DIRS: path.join(dir, "etc"),
        DENO_DIR: process.env.DENO_DIR ?? path.join(os.homedir(), ".cache", "deno"),
      };
      fs.mkdirSync(env.HOME);
      const file = path.join(env.XDG_CONFIG_HOME, "demo", "config.toml");
      const strata = (...args: string[]) =>
        spawnSync(
          runtimes[0][1],
          runtimes[0][0] === "deno"
            ? ["run", "-A", "--quiet", path.join(repo, "main.ts"), ...args]
            : ["--no-env-file", path.join(repo, "main.ts"), ...args],
          { env, encoding: "utf8" },
        );
      assert.equal(strata("--app", "demo", "set", "a", "1").status, 0);
      const pyRun = await run(
        "python3",
        [writer, "--file", file, "set", "b", "2", "--type", "int"],
        env,
      );
      assert.equal(pyRun.code, 0, pyRun.stderr);
      const shRun = await run("sh", [shWriter, "-t", "int", file, "-", "c", "3"], env);
      assert.equal(shRun.code, 0, shRun.stderr);
      const shared = path.join(env.XDG_STATE_HOME, "strata", "_shared");
      assert.deepEqual(fs.readdirSync(path.join(env.XDG_STATE_HOME, "strata")), ["_shared"]);
      for (const view of [["--app", "demo"], ["--file", file]]) {
        const history = strata(...view, "history", "--json");
        assert.equal(history.status, 0, history.stderr);
        assert.deepEqual(
          JSON.parse(history.stdout).map((
            e: { key: string; program: string },
          ) => [e.key, e.program]),
          [["a", "strata set"], ["b", "strata_writer.py"], ["c", "strata_set.sh"]],
        );
      }
      assert.equal(listBackups(statePaths(shared, file).backupDir).length, 2);
      // Either name undoes the last change, made by the shell writer.
      const undo = strata("--file", file, "undo");
      assert.equal(undo.status, 0, undo.stderr);
      assert.equal(fs.readFileSync(file, "utf8"), 'a = "1"\nb = 2\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

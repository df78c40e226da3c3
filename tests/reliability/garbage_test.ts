/**
 * Garbage: whatever is found on disk where strata reads or writes, the CLI
 * never shows a stack trace, never overwrites what it found (bytes are
 * compared), and says what is wrong and where (file, and line:column for a
 * file that does not parse), with the documented exit code (3 for a file
 * that does not parse, 5 for an I/O problem, 4 for a lock it cannot take).
 *
 * Cases: random bytes, truncated files, JSON in a `.toml` name, an enormous
 * file, deep nesting, invalid UTF-8, garbage in the lock, the journal and the
 * backups, a folder or a pipe where the file should be, symbolic links
 * planted where the lock or a temp file goes (they must not redirect a
 * write), and configuration links that dangle or loop.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "../../src/toml/parse.ts";
import { TomlParseError } from "../../src/toml/errors.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import {
  cliSync,
  fileModeStateDir,
  type Finished,
  isDeno,
  leftovers,
  makeSandbox,
  noStack,
  random,
  type Sandbox,
  scriptCommand,
  sized,
  snapshot,
} from "../_support/mod.ts";

const EXIT_PARSE = 3;
const EXIT_IO = 5;

/** Per test: generous, the machine may be shared (bun's default is 5 s). */
const TIMEOUT = sized(120_000, 1_200_000);

/** Runs the CLI on one file (single-file mode). */
function onFile(box: Sandbox, file: string, ...args: string[]): Finished {
  return cliSync(box, ["--file", file, ...args]);
}

/** A short view of a (possibly huge) output for assertion messages. */
function clip(text: string): string {
  return text.length > 600 ? `${text.slice(0, 600)}... (${text.length} characters)` : text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Asserts that `get` and `set` both refuse `file` with `exit`, no stack, a
 * message naming the file (with `:line:column` when `located`), and that
 * nothing in the sandbox changed.
 */
function assertRefused(
  box: Sandbox,
  file: string,
  exit: number,
  located: boolean,
  context: string,
): { get: Finished; set: Finished } {
  const before = watched(box);
  const get = onFile(box, file, "get", "some.key");
  const set = onFile(box, file, "set", "some.key", "new value");
  for (const [name, run] of [["get", get], ["set", set]] as const) {
    const what = `${context}: ${name} exit ${run.code}, stderr: ${clip(run.stderr)}`;
    assert.equal(run.code, exit, what);
    noStack(run.stderr, what);
    assert.equal(run.stdout, "", what);
    const where = located ? `${escapeRegExp(file)}:\\d+:\\d+` : escapeRegExp(file);
    assert.match(run.stderr, new RegExp(where), what);
  }
  assert.deepEqual(watched(box), before, `${context}: something changed on disk`);
  return { get, set };
}

/** What must not change: the work folder and the state and config homes (not bun's cache in HOME). */
function watched(box: Sandbox): Map<string, string>[] {
  return [box.work, box.stateHome, box.configHome].map(snapshot);
}

/** The parser's own location of the first mistake in `text`, as `line:column`. */
function parserLocation(text: string): string | undefined {
  try {
    parse(text);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof TomlParseError, `the parser threw ${error}`);
    return `${error.line}:${error.column}`;
  }
}

test("garbage: random bytes are refused with a located message and left as they are", {
  timeout: TIMEOUT,
}, () => {
  const rng = random();
  const box = makeSandbox();
  try {
    const cases = sized(isDeno ? 4 : 8, 60);
    for (let i = 0; i < cases; i++) {
      const file = path.join(box.work, `random${i}.toml`);
      // Half raw bytes, half printable ASCII (which gets further into the parser).
      const bytes = i % 2 === 0
        ? rng.bytes(rng.int(1, 3000))
        : Uint8Array.from(rng.bytes(rng.int(1, 3000)), (b) => 32 + (b % 95));
      fs.writeFileSync(file, bytes);
      const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
      const valid = !text.includes("\uFFFD") && parserLocation(text) === undefined;
      if (valid) continue; // random text that happens to be TOML: nothing to refuse
      assertRefused(box, file, EXIT_PARSE, true, `random case ${i} (seed ${rng.seed})`);
    }
  } finally {
    box.cleanup();
  }
});

const REALISTIC = `# pipeline settings
title = "T.E. Maxson" # the plant
started = 2026-11-26T00:01:54Z
ratio = 0.75
enabled = true
tags = ["north", "south", 'east']

[db]
host = "db.example.com"
port = 5432
options = { timeout = 30, retry = { count = 3, backoff = "exp" } }

[[servers]]
name = "alpha"
notes = """
multi-line
text"""

[[servers]]
name = "beta"
ports = [
  8080,
  8081,
]
`;

test(
  "garbage: a truncated file is refused exactly where the parser stops, or written when it still parses",
  { timeout: TIMEOUT },
  () => {
    const rng = random();
    const box = makeSandbox();
    try {
      const cuts = new Set<number>();
      while (cuts.size < sized(isDeno ? 5 : 12, 80)) cuts.add(rng.int(1, REALISTIC.length - 1));
      for (const cut of cuts) {
        const file = path.join(box.work, `cut${cut}.toml`);
        const text = REALISTIC.slice(0, cut);
        fs.writeFileSync(file, text);
        const where = parserLocation(text);
        if (where === undefined) {
          // Still TOML (cut at a line end): the write goes through and keeps every value.
          const run = onFile(box, file, "set", "added", "yes");
          assert.equal(run.code, 0, `cut at ${cut}: ${run.stderr}`);
          const after = fs.readFileSync(file, "utf8");
          const { added, ...rest } = parse(after);
          assert.equal(added, "yes");
          assert.deepEqual(rest, parse(text), `cut at ${cut}`);
          continue;
        }
        const { set } = assertRefused(
          box,
          file,
          EXIT_PARSE,
          true,
          `cut at ${cut} (seed ${rng.seed})`,
        );
        assert.ok(
          set.stderr.includes(`${file}:${where}:`),
          `cut at ${cut}: ${where} expected in ${set.stderr}`,
        );
      }
    } finally {
      box.cleanup();
    }
  },
);

const REALISTIC_JSON = `{
  "title": "T.E. Maxson",
  "ratio": 0.75,
  "enabled": true,
  "tags": ["north", "south"],
  "db": { "host": "db.example.com", "port": 5432, "options": { "timeout": 30 } },
  "servers": [
    { "name": "alpha", "notes": "multi\\nline" },
    { "name": "beta", "ports": [8080, 8081] }
  ]
}
`;

test("garbage: a truncated or damaged JSON file is refused with a located message, bytes kept", {
  timeout: TIMEOUT,
}, () => {
  const rng = random();
  const box = makeSandbox();
  try {
    const cuts = new Set<number>();
    while (cuts.size < sized(isDeno ? 4 : 8, 60)) cuts.add(rng.int(1, REALISTIC_JSON.length - 3));
    for (const cut of cuts) {
      const file = path.join(box.work, `cut${cut}.json`);
      fs.writeFileSync(file, REALISTIC_JSON.slice(0, cut));
      assertRefused(box, file, EXIT_PARSE, true, `JSON cut at ${cut} (seed ${rng.seed})`);
    }
    // Damage in the middle: a missing comma, a trailing comma, a comment, invalid UTF-8.
    const damaged: Array<[string, string | Buffer]> = [
      ["comma.json", REALISTIC_JSON.replace('"ratio": 0.75,', '"ratio": 0.75')],
      ["trailing.json", REALISTIC_JSON.replace("[8080, 8081]", "[8080, 8081,]")],
      ["comment.json", REALISTIC_JSON.replace('"enabled": true,', '"enabled": true, // on')],
      [
        "utf8.json",
        Buffer.concat([
          Buffer.from('{\n  "name": "a'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"\n}\n'),
        ]),
      ],
    ];
    for (const [name, content] of damaged) {
      const file = path.join(box.work, name);
      fs.writeFileSync(file, content);
      assertRefused(box, file, EXIT_PARSE, true, name);
    }
  } finally {
    box.cleanup();
  }
});

test("garbage: a JSON file with a .toml name is refused at line 1", { timeout: TIMEOUT }, () => {
  const box = makeSandbox();
  try {
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, '{\n  "db": { "host": "x" }\n}\n');
    const { set } = assertRefused(box, file, EXIT_PARSE, true, "JSON in .toml");
    assert.ok(set.stderr.includes(`${file}:1:1:`), set.stderr);
  } finally {
    box.cleanup();
  }
});

test(
  "garbage: invalid UTF-8 is refused at its line and column, bytes kept",
  { timeout: TIMEOUT },
  () => {
    const box = makeSandbox();
    try {
      const file = path.join(box.work, "config.toml");
      const bytes = Buffer.concat([
        Buffer.from('a = 1\n# comment\nname = "ab'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"\n'),
      ]);
      fs.writeFileSync(file, bytes);
      const { get, set } = assertRefused(box, file, EXIT_PARSE, true, "invalid UTF-8");
      assert.ok(get.stderr.includes(`${file}:3:11`), get.stderr);
      assert.ok(set.stderr.includes(`${file}:3:11`), set.stderr);
      // A UTF-16 file (what some Windows editors save) is invalid UTF-8 from its first byte.
      const utf16 = path.join(box.work, "utf16.toml");
      fs.writeFileSync(
        utf16,
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a = 1\n", "utf16le")]),
      );
      assertRefused(box, utf16, EXIT_PARSE, true, "UTF-16");
    } finally {
      box.cleanup();
    }
  },
);

test(
  "garbage: deep nesting is refused with a located message, never a crash",
  { timeout: TIMEOUT },
  () => {
    const box = makeSandbox();
    try {
      const depth = 100_000;
      const cases: Array<[string, string]> = [
        ["arrays.toml", `a = ${"[".repeat(depth)}${"]".repeat(depth)}\n`],
        ["inline.toml", `a = ${"{ b = ".repeat(depth / 10)}1${" }".repeat(depth / 10)}\n`],
        ["unclosed.toml", `a = ${"[".repeat(depth)}\n`],
        ["deep.json", `{"a": ${"[".repeat(depth)}${"]".repeat(depth)}}\n`],
        ["objects.json", `${'{"a": '.repeat(depth / 10)}1${"}".repeat(depth / 10)}\n`],
      ];
      for (const [name, text] of cases) {
        const file = path.join(box.work, name);
        fs.writeFileSync(file, text);
        assertRefused(box, file, EXIT_PARSE, true, name);
      }
    } finally {
      box.cleanup();
    }
  },
);

test("garbage: a table header of 10,000 dotted segments gives a short located message, no crash", {
  timeout: TIMEOUT,
}, () => {
  const box = makeSandbox();
  try {
    const file = path.join(box.work, "dotted.toml");
    fs.writeFileSync(file, `[${Array(10_000).fill("a").join(".")}]\nx = 1\n`);
    const before = fs.readFileSync(file);
    for (const args of [["get", "a"], ["list"], ["set", "b", "2"]]) {
      const run = onFile(box, file, ...args);
      const what = `${args.join(" ")}: exit ${run.code}, stderr ${clip(run.stderr)}`;
      noStack(run.stderr, what);
      assert.notEqual(run.code, 70, what);
      if (run.code !== 0) {
        assert.equal(run.code, EXIT_PARSE, what);
        assert.match(run.stderr, new RegExp(`${escapeRegExp(file)}:\\d+:\\d+`), what);
        assert.ok(run.stderr.length < 2_000, `a message nobody can read: ${what}`);
      }
      if (args[0] !== "set" || run.code !== 0) {
        assert.deepEqual(fs.readFileSync(file), before, what);
      }
    }
  } finally {
    box.cleanup();
  }
});

test(
  "garbage: an enormous file is read and written, or refused at its last line, never truncated",
  {
    timeout: 300_000,
  },
  () => {
    const box = makeSandbox();
    try {
      // Bounded: ~4 MB; soak: ~50 MB. Each line is ~64 bytes.
      const lines = sized(isDeno ? 30_000 : 60_000, 800_000);
      const body = Array.from(
        { length: lines },
        (_, i) => `key${i} = "value ${i} ${"x".repeat(40)}"\n`,
      )
        .join("");
      const good = path.join(box.work, "big.toml");
      fs.writeFileSync(good, "first = 1\n" + body);
      const get = onFile(box, good, "get", `key${lines - 1}`);
      assert.equal(get.code, 0, clip(get.stderr));
      assert.equal(get.stdout, `value ${lines - 1} ${"x".repeat(40)}\n`);
      const set = onFile(box, good, "set", "first", "2");
      assert.equal(set.code, 0, clip(set.stderr));
      const after = fs.readFileSync(good, "utf8");
      assert.equal(after.length, ("first = 2\n" + body).length);
      assert.ok(after === "first = 2\n" + body, "only the changed value's text may change");
      // The same size broken on its last line: refused there, nothing written.
      const bad = path.join(box.work, "bad.toml");
      fs.writeFileSync(bad, body + "last = [1, 2\n");
      const { set: refused } = assertRefused(
        box,
        bad,
        EXIT_PARSE,
        true,
        "enormous, broken at the end",
      );
      const where = parserLocation(fs.readFileSync(bad, "utf8"));
      assert.ok(where?.startsWith(`${lines + 1}:`) || where?.startsWith(`${lines + 2}:`), where);
      assert.ok(refused.stderr.includes(`${bad}:${where}:`), clip(refused.stderr));
      assert.ok(
        refused.stderr.length < 2_000,
        `a message nobody can read: ${clip(refused.stderr)}`,
      );
    } finally {
      box.cleanup();
    }
  },
);

test("garbage: one enormous line gives a short message (the offending text is not echoed whole)", {
  timeout: 120_000,
}, () => {
  const box = makeSandbox();
  try {
    const file = path.join(box.work, "line.toml");
    fs.writeFileSync(file, "a".repeat(sized(5, 50) * 1024 * 1024));
    const { get, set } = assertRefused(box, file, EXIT_PARSE, true, "one enormous line");
    assert.ok(get.stderr.length < 2_000, `get printed ${get.stderr.length} characters`);
    assert.ok(set.stderr.length < 2_000, `set printed ${set.stderr.length} characters`);
  } finally {
    box.cleanup();
  }
});

test(
  "garbage: a folder or a pipe where the file should be is refused (exit 5), never read forever",
  { timeout: TIMEOUT },
  () => {
    const box = makeSandbox();
    try {
      const folder = path.join(box.work, "folder.toml");
      fs.mkdirSync(folder);
      assertRefused(box, folder, EXIT_IO, false, "a folder");
      const pipe = path.join(box.work, "pipe.toml");
      if (spawnSync("mkfifo", [pipe]).status === 0) {
        // A reader that opened the pipe would wait for a writer forever: cliSync would hang.
        assertRefused(box, pipe, EXIT_IO, false, "a named pipe");
      }
    } finally {
      box.cleanup();
    }
  },
);

test(
  "garbage: a lock file holding garbage is broken once it is old; a folder at the lock name times out naming it",
  { timeout: TIMEOUT },
  () => {
    const rng = random();
    const box = makeSandbox();
    try {
      const file = path.join(box.work, "config.toml");
      fs.writeFileSync(file, "a = 1\n");
      fs.writeFileSync(`${file}.lock`, rng.bytes(200));
      const old = new Date(Date.now() - 60_000);
      fs.utimesSync(`${file}.lock`, old, old);
      const run = onFile(box, file, "set", "a", "2");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
      assert.deepEqual(leftovers(box.work), []);
      // A folder is never a lock a writer made: strata must not remove it, and says so.
      fs.mkdirSync(`${file}.lock`);
      const blocked = cliSync(box, ["--lock-timeout", "1", "--file", file, "set", "a", "3"]);
      assert.equal(blocked.code, 4, blocked.stderr);
      noStack(blocked.stderr);
      assert.ok(blocked.stderr.includes(`${file}.lock`), blocked.stderr);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
      assert.ok(fs.statSync(`${file}.lock`).isDirectory());
    } finally {
      box.cleanup();
    }
  },
);

test("garbage: garbage in the journal and among the backups does not stop a write or a read", {
  timeout: TIMEOUT,
}, () => {
  const rng = random();
  const box = makeSandbox();
  try {
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    assert.equal(onFile(box, file, "set", "a", "2").code, 0);
    const paths = statePaths(fileModeStateDir(box), file);
    fs.appendFileSync(paths.journal, rng.bytes(300));
    // A backup-named file that does not parse, newer than the real one.
    fs.writeFileSync(path.join(paths.backupDir, "29991231T235959.999Z-1.toml"), "a = [\n");
    const set = onFile(box, file, "set", "a", "3");
    assert.equal(set.code, 0, set.stderr);
    noStack(set.stderr);
    // Now break the file by hand: a read falls back to the newest backup that parses (a = 2),
    // skipping the garbage one, and warns where the file is broken.
    fs.writeFileSync(file, "a = 3\nb = \n");
    const get = onFile(box, file, "get", "a");
    assert.equal(get.code, 0, get.stderr);
    assert.equal(get.stdout, "2\n");
    noStack(get.stderr);
    assert.match(get.stderr, new RegExp(`${escapeRegExp(file)}:2:\\d+`));
    assert.equal(fs.readFileSync(file, "utf8"), "a = 3\nb = \n");
  } finally {
    box.cleanup();
  }
});

test("garbage: a symbolic link planted at the lock name never redirects a write", {
  timeout: TIMEOUT,
}, () => {
  const box = makeSandbox();
  try {
    const victim = path.join(box.root, "victim.txt");
    fs.writeFileSync(victim, "do not touch\n", { mode: 0o644 });
    const before = fs.statSync(victim);
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    fs.symlinkSync(victim, `${file}.lock`);
    const run = onFile(box, file, "set", "a", "2");
    noStack(run.stderr);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
    assert.equal(fs.readFileSync(victim, "utf8"), "do not touch\n");
    assert.equal(fs.statSync(victim).mtimeMs, before.mtimeMs);
    assert.equal(fs.statSync(victim).mode, before.mode);
    // A dangling link at the lock name must not create its target.
    const missing = path.join(box.root, "created-by-nobody");
    fs.symlinkSync(missing, `${file}.lock`);
    assert.equal(onFile(box, file, "set", "a", "3").code, 0);
    assert.equal(fs.existsSync(missing), false);
    // The same at the break guard's name.
    fs.symlinkSync(victim, `${file}.lock.break`);
    fs.writeFileSync(`${file}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${file}.lock`, old, old);
    fs.lutimesSync(`${file}.lock.break`, old, old);
    const guarded = onFile(box, file, "set", "a", "4");
    assert.equal(guarded.code, 0, guarded.stderr);
    assert.equal(fs.readFileSync(victim, "utf8"), "do not touch\n");
    assert.equal(fs.readFileSync(file, "utf8"), "a = 4\n");
  } finally {
    box.cleanup();
  }
});

test("garbage: symbolic links planted at temp file names never redirect a write", {
  timeout: TIMEOUT,
}, () => {
  const box = makeSandbox();
  try {
    const victim = path.join(box.root, "victim.txt");
    fs.writeFileSync(victim, "do not touch\n");
    const file = path.join(box.work, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    // Links with the temp files' pattern, for pid 1 (alive) and a pid that cannot exist.
    for (const name of [".config.toml.1.0badc0de.tmp", ".config.toml.4194305.deadbeef.tmp"]) {
      fs.symlinkSync(victim, path.join(box.work, name));
    }
    assert.equal(onFile(box, file, "set", "a", "2").code, 0);
    assert.equal(fs.readFileSync(victim, "utf8"), "do not touch\n");
    assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
    // The exact name a writer is about to use (its random part made predictable).
    const [command, args] = scriptCommand(path.join(import.meta.dirname!, "_planted_temp.ts"), [
      file,
      victim,
    ]);
    const r = spawnSync(command, args, { env: box.env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const outcome = JSON.parse(r.stdout);
    assert.equal(fs.readFileSync(victim, "utf8"), "do not touch\n");
    if (outcome.ok) {
      assert.equal(parse(fs.readFileSync(file, "utf8")).planted, "written");
    } else {
      assert.equal(outcome.code, "io", outcome.message);
      assert.ok(outcome.message.includes(file), outcome.message);
      assert.equal(fs.readFileSync(file, "utf8"), "a = 2\n");
    }
  } finally {
    box.cleanup();
  }
});

test("garbage: a configuration link to a missing file is written through; a link loop is refused", {
  timeout: TIMEOUT,
}, () => {
  const box = makeSandbox();
  try {
    const target = path.join(box.root, "elsewhere", "deeper", "real.toml");
    const link = path.join(box.work, "config.toml");
    fs.symlinkSync(target, link);
    const missing = onFile(box, link, "get", "a");
    assert.equal(missing.code, 1, missing.stderr);
    noStack(missing.stderr);
    const set = onFile(box, link, "set", "a", "1");
    assert.equal(set.code, 0, set.stderr);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), "the link stays a link");
    assert.equal(fs.readFileSync(target, "utf8"), 'a = "1"\n');
    assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(target)).mode & 0o777, 0o700);
    // Loops: a link to itself, and two links pointing at each other.
    const self = path.join(box.work, "self.toml");
    fs.symlinkSync(self, self);
    const one = path.join(box.work, "one.toml");
    const two = path.join(box.work, "two.toml");
    fs.symlinkSync(two, one);
    fs.symlinkSync(one, two);
    for (const loop of [self, one]) {
      const { get, set } = assertRefused(box, loop, EXIT_IO, false, `loop ${path.basename(loop)}`);
      for (const run of [get, set]) assert.match(run.stderr, /symbolic link|loop/i, run.stderr);
    }
  } finally {
    box.cleanup();
  }
});

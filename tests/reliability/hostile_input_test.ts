/**
 * The hostile campaign, input side: what a careless or hostile person can
 * hand the CLI (values nested thousands deep, integers beyond 64 bits,
 * invalid UTF-8, huge keys, control characters planted in files, a clock
 * stepped back) ends in a clear message and a documented exit code, never
 * in an internal error, a lossy rewrite or raw escapes on the terminal.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeSandbox } from "../_support/mod.ts";
import { cliCommand, noStack } from "../_support/mod.ts";

const app = ["--app", "demo"];

/** Whether `text` holds a control character other than a newline (a terminal would act on it). */
function hasControl(text: string): boolean {
  return [...text].some((c) => c !== "\n" && (c < " " || c === "\x7f"));
}

test("history lists changes in journal order after the clock stepped back", () => {
  const box = makeSandbox();
  try {
    assert.equal(box.run([...app, "set", "k", "first"]).code, 0);
    assert.equal(box.run([...app, "set", "k", "second"]).code, 0);
    // The second change was made after the clock stepped back an hour.
    const dir = path.join(box.stateHome, "strata", "_shared", "journal");
    const journal = path.join(dir, fs.readdirSync(dir)[0]);
    const lines = fs.readFileSync(journal, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    lines[1].time = new Date(Date.parse(lines[0].time) - 3_600_000).toISOString();
    fs.writeFileSync(journal, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");

    const last = box.run([...app, "history", "-n", "1"]);
    assert.equal(last.code, 0);
    assert.match(last.stdout, /k: "first" -> "second"/);
    const all = box.run([...app, "history", "--json"]);
    assert.deepEqual(JSON.parse(all.stdout).map((e: { new: string }) => e.new), [
      "first",
      "second",
    ]);
    // undo agrees: the last change is the one to take back.
    assert.equal(box.run([...app, "undo"]).code, 0);
    assert.equal(box.run([...app, "get", "k"]).stdout, "first\n");
    noStack(last.stderr);
  } finally {
    box.cleanup();
  }
});

/** `depth` arrays nested in each other, as JSON text. */
function nested(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

const tooDeepX =
  "x: the value nests arrays and tables more than 511 levels deep (a key and its value " +
  "may nest at most 512 levels: flatten the value)";

test("a value nested 20,000 deep is refused with the key and the bound, in TOML and JSON", () => {
  const box = makeSandbox();
  try {
    for (const name of ["c.toml", "c.json"]) {
      const file = path.join(box.root, name);
      const r = box.run(["--file", file, "set", "x", nested(20_000), "--type", "json"]);
      assert.equal(r.stderr, `strata: ${tooDeepX}; nothing was written\n`, name);
      assert.equal(r.code, 3);
      assert.equal(fs.existsSync(file), false);
      // At the bound it is kept, and reads back whole.
      const ok = box.run(["--file", file, "set", "x", nested(511), "--type", "json"]);
      assert.equal(ok.code, 0, ok.stderr);
      const back = box.run(["--file", file, "get", "x"]);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(back.stdout, nested(511) + "\n");
    }
  } finally {
    box.cleanup();
  }
});

test("an environment value or --set nested 20,000 deep for an array key is refused", () => {
  const box = makeSandbox();
  try {
    box.write(path.join(box.configHome, "demo", "config.toml"), "x = [1]\n");
    const env = box.run([...app, "get", "x"], { env: { DEMO_X: nested(20_000) } });
    assert.equal(env.stderr, `strata: DEMO_X: ${tooDeepX}; fix or unset DEMO_X\n`);
    assert.equal(env.code, 3);
    // list is not about one key: the value is not used, and said so.
    const listed = box.run([...app, "list"], { env: { DEMO_X: nested(20_000) } });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(noStack(listed.stderr).includes(`DEMO_X: ${tooDeepX}; fix or unset DEMO_X`));
    assert.equal(listed.stdout, "x = [1]\n");

    const set = box.run([...app, "--set", `x=${nested(20_000)}`, "get", "x"]);
    assert.equal(set.code, 3);
    assert.ok(set.stderr.startsWith(`strata: --set x=${"[".repeat(292)}… (`), set.stderr);
    assert.ok(set.stderr.endsWith(`: ${tooDeepX}; fix the --set value\n`), set.stderr);
    assert.ok(set.stderr.length < 1000);
  } finally {
    box.cleanup();
  }
});

test("a key of 20,000 segments is refused as a usage error, in every door", () => {
  const box = makeSandbox();
  try {
    const key = Array(20_000).fill("a").join(".");
    const bound = "more than 512 segments (strata nests at most 512 levels) at column 1024";
    for (
      const args of [
        [...app, "set", key, "1"],
        ["--file", path.join(box.root, "c.json"), "set", key, "1"],
        [...app, "--set", `${key}=1`, "get", "a"],
        [...app, "get", key],
      ]
    ) {
      const r = box.run(args);
      assert.equal(r.code, 2, args[2]);
      assert.match(
        noStack(r.stderr),
        /^strata: (--set "a\.a.*: )?invalid key "a\.a\.a.*… \(\d+ more characters\): /,
      );
      assert.ok(r.stderr.includes(bound), r.stderr);
      assert.ok(r.stderr.length < 1000, `${r.stderr.length} characters`);
    }
    // An environment variable that deep names no key: a warning, and the rest still works.
    box.write(path.join(box.configHome, "demo", "config.toml"), "k = 1\n");
    const name = "DEMO_" + Array(20_000).fill("A").join("__");
    const r = box.run([...app, "list"], { env: { [name]: "1" } });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "k = 1\n");
    assert.match(r.stderr, /names no key \(more than 512 levels of "__"\); it is ignored/);
    assert.ok(r.stderr.length < 1000, `${r.stderr.length} characters`);
  } finally {
    box.cleanup();
  }
});

test("edit says why a text does not parse once, not twice", () => {
  const box = makeSandbox();
  try {
    assert.equal(box.run([...app, "set", "a", "1"]).code, 0);
    const editor = box.write("editor.sh", '#!/bin/sh\nprintf "a = [1,\\n" > "$1"\n');
    fs.chmodSync(editor, 0o755);
    const r = box.run([...app, "edit"], { env: { EDITOR: editor } });
    assert.equal(r.code, 3);
    const why = 'unterminated array: add the closing "]" (the array opens on line 1)';
    assert.equal(r.stderr.split(why).length - 1, 1, r.stderr);
    assert.match(
      noStack(r.stderr),
      /^strata: .*config\.toml:2:1: unterminated array.*\nNothing was written: /,
    );
  } finally {
    box.cleanup();
  }
});

test("a lock planted with escapes and newlines in its fields reaches the terminal escaped", async () => {
  const box = makeSandbox();
  try {
    const file = box.write("c.toml", "k = 1\n");
    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({
        pid: process.pid, // alive, on this host: the lock is not stale
        host: os.hostname(),
        time: "\x1b]0;pwned\x07\nstrata: fine",
        program: "evil\nstrata: ok \x1b[2J\r",
        token: "planted",
      }) + "\n",
    );
    // Renewed like a live holder's lease, so the writer gives up at its timeout.
    const renewer = spawn(
      "sh",
      ["-c", 'while :; do touch -c "$0"; sleep 0.05; done', `${file}.lock`],
      {
        stdio: "ignore",
      },
    );
    const r = box.run(["--file", file, "--lock-timeout", "0.5", "set", "k", "2"]);
    renewer.kill("SIGKILL");
    await new Promise((done) => renewer.on("close", done));
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr); // one line and its newline
    assert.ok(!hasControl(r.stderr), JSON.stringify(r.stderr));
    assert.ok(
      r.stderr.includes(
        `(program "evil\\nstrata: ok \\x1b[2J\\r", since \\x1b]0;pwned\\x07\\nstrata: fine)`,
      ),
      r.stderr,
    );
    assert.equal(box.read(file), "k = 1\n");
    // doctor names the same holder, escaped, once the lock is old.
    const old = new Date(Date.now() - 3_600_000);
    fs.utimesSync(`${file}.lock`, old, old);
    const doctor = box.run(["--file", file, "doctor"]);
    assert.equal(doctor.code, 3);
    assert.ok(!hasControl(doctor.stdout), JSON.stringify(doctor.stdout));
    assert.ok(doctor.stdout.includes("(evil\\nstrata: ok \\x1b[2J\\r)"), doctor.stdout);
  } finally {
    box.cleanup();
  }
});

test("a 20 KB key is clipped in what strata echoes", () => {
  const box = makeSandbox();
  try {
    const key = "k".repeat(20_000);
    const clipped = `${"k".repeat(300)}… (19700 more characters)`;
    const set = box.run([...app, "set", key, "1"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(
      set.stdout,
      `${clipped} = "1"  (user: ${path.join(box.configHome, "demo", "config.toml")})\n`,
    );
    assert.equal(box.run([...app, "get", key]).stdout, "1\n");
    const explain = box.run([...app, "explain", key]);
    assert.equal(explain.code, 0);
    assert.ok(explain.stdout.startsWith(`${clipped} = "1"  (from user `), explain.stdout);
    assert.ok(explain.stdout.length < 3000, `${explain.stdout.length} characters`);
    const bad = box.run([...app, "get", `${key}!`]);
    assert.equal(bad.code, 2);
    assert.ok(bad.stderr.length < 1000, `${bad.stderr.length} characters`);
    assert.match(
      bad.stderr,
      /^strata: invalid key "k+… \(19703 more characters\): unexpected "!" at column 20001; /,
    );
  } finally {
    box.cleanup();
  }
});

test("explain exits 5 when a layer's file cannot be read, and says what stands there", () => {
  const box = makeSandbox();
  try {
    const user = path.join(box.configHome, "demo", "config.toml");
    fs.mkdirSync(user, { recursive: true });
    const folder = `cannot read ${user}: it is a folder. To fix: move it away: ` +
      "a configuration file must be a regular file";
    const explain = box.run([...app, "explain", "k"]);
    assert.equal(explain.code, 5, explain.stderr);
    assert.ok(explain.stdout.includes(`     ${folder}\n`), explain.stdout);
    assert.equal(box.run([...app, "get", "k"]).stderr, `strata: ${folder}\n`);

    // A socket (a pipe is refused the same way): named for what it is, never "a folder".
    fs.rmdirSync(user);
    const made = spawnSync("python3", [
      "-c",
      "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
      user,
    ]);
    if (made.status === 0) {
      const r = box.run([...app, "get", "k"]);
      assert.equal(r.code, 5);
      assert.equal(
        r.stderr,
        `strata: cannot read ${user}: it is a socket, not a regular file. To fix: move it away ` +
          `(mv ${user} ${user}.away): a configuration file must be a regular file\n`,
      );
      assert.equal(box.run([...app, "explain", "k"]).code, 5);
    }
  } finally {
    box.cleanup();
  }
});

/** Why the next test cannot drop to an unprivileged user here, or false. */
function noUnprivileged(): string | false {
  if (process.platform === "win32") return "POSIX modes do not apply on Windows";
  if (process.getuid?.() !== 0) return "not root: the test folders cannot be given to nobody";
  const r = spawnSync("setpriv", ["--version"], { stdio: "ignore" });
  return r.status === 0 ? false : "setpriv is missing";
}

test(
  "a state folder the user cannot write is named, not the configuration's folder",
  { skip: noUnprivileged(), timeout: 120_000 },
  () => {
    const box = makeSandbox();
    try {
      const nobody = 65534;
      fs.chmodSync(box.root, 0o755);
      for (const dir of [box.home, box.configHome]) fs.chownSync(dir, nobody, nobody);
      fs.chmodSync(box.stateHome, 0o755); // root's: nobody cannot create strata/ in it
      const deno = path.join(box.root, "deno");
      fs.mkdirSync(deno);
      fs.chownSync(deno, nobody, nobody);
      const [command, argv] = cliCommand();
      const asNobody = (args: string[]) => {
        const r = spawnSync("setpriv", [
          `--reuid=${nobody}`,
          `--regid=${nobody}`,
          "--clear-groups",
          "--",
          command,
          ...argv,
          ...args,
        ], { env: { ...box.env, DENO_DIR: deno }, cwd: box.home, encoding: "utf8" });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      };
      const user = path.join(box.configHome, "demo", "config.toml");
      const first = asNobody([...app, "set", "a", "1"]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(
        first.stderr,
        `strata: warning: ${user} was written, but the change is not in the journal ` +
          "(history and undo will not see it): cannot create the folder " +
          `${path.join(box.stateHome, "strata", "_shared", "journal")}: permission denied: ` +
          `${box.stateHome} is not writable by you (EACCES). To fix: check the owner and mode ` +
          "of the file and its folder (ls -ld), or run as the user that owns it.\n",
      );
      const second = asNobody([...app, "set", "a", "2"]);
      assert.equal(second.code, 5);
      assert.match(
        second.stderr,
        new RegExp(
          `^strata: cannot create the folder ${box.stateHome}/strata/_shared/backups/\\S+: ` +
            `permission denied: ${box.stateHome} is not writable by you \\(EACCES\\)\\. ` +
            "The file was not changed\\.",
        ),
      );
      assert.ok(!second.stderr.includes(`${path.dirname(user)} is not writable`), second.stderr);
      assert.equal(fs.readFileSync(user, "utf8"), 'a = "1"\n');
    } finally {
      box.cleanup();
    }
  },
);

/** Runs the CLI with `args` followed by one argument made of raw `bytes` (printf octal escapes). */
function runWithRawArgument(
  box: ReturnType<typeof makeSandbox>,
  args: string[],
  octal: string,
): { code: number | null; stdout: string; stderr: string } {
  const [command, argv] = cliCommand();
  const r = spawnSync(
    "sh",
    ["-c", `exec "$@" "$(printf '${octal}')"`, "sh", command, ...argv, ...args],
    { env: box.env, cwd: box.project, encoding: "utf8" },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("an argument that is not UTF-8 is refused (exit 2); a typed U+FFFD is kept", () => {
  const box = makeSandbox();
  try {
    const user = path.join(box.configHome, "demo", "config.toml");
    const fix = "strata stores text as UTF-8 and would store U+FFFD in its place. Nothing was " +
      "done. To fix: give the text in UTF-8 (convert it first, e.g. iconv -f LATIN1 -t UTF-8)\n";
    const value = runWithRawArgument(box, [...app, "set", "k"], "caf\\351"); // Latin-1 "café"
    assert.equal(
      value.stderr,
      `strata: argument 5 "caf\uFFFD" is not valid UTF-8 (a byte in it is not part of a UTF-8 ` +
        `character); ${fix}`,
    );
    assert.equal(value.code, 2);
    assert.equal(fs.existsSync(user), false);

    // A key: `get` would say "not found" (exit 1) of a key stored with U+FFFD.
    const key = runWithRawArgument(box, [...app, "get"], '"k\\377"');
    assert.equal(key.code, 2, key.stderr);
    assert.match(key.stderr, /^strata: argument 4 "\\"k\uFFFD\\"" is not valid UTF-8/);
    assert.equal(fs.existsSync(user), false);

    // U+FFFD typed as UTF-8 (EF BF BD) is a character like any other.
    const typed = runWithRawArgument(box, [...app, "set", "k"], "\\357\\277\\275");
    assert.equal(typed.code, 0, typed.stderr);
    assert.equal(fs.readFileSync(user, "utf8"), 'k = "\uFFFD"\n');
  } finally {
    box.cleanup();
  }
});

test("a file name too long for strata's temp file is read, and refused for writing with why", () => {
  const box = makeSandbox();
  try {
    const long = box.write(`${"n".repeat(236)}.toml`, "a = 1\n"); // 241 bytes
    assert.equal(box.run(["--file", long, "get", "a"]).stdout, "1\n");
    const r = box.run(["--file", long, "set", "a", "2"]);
    assert.equal(r.code, 5);
    assert.equal(
      r.stderr,
      `strata: cannot write ${long}: its name is 241 bytes long, and the names strata writes ` +
        "beside it (the temp file .<name>.<pid>.<hex>.tmp, the lock <name>.lock) and in its " +
        "state folder would pass the file system's limit of 255 bytes; strata writes names of " +
        "at most 233 bytes (it reads longer ones). The file was not changed. To fix: rename the " +
        "file to a shorter name.\n",
    );
    assert.equal(box.read(long), "a = 1\n");
    assert.deepEqual(fs.readdirSync(box.root).filter((n) => n.startsWith(".")), []);
    // The longest name strata writes goes through every step: backup, journal, history.
    const longest = box.write(`${"m".repeat(228)}.toml`, "a = 1\n"); // 233 bytes
    for (const v of ["2", "3"]) {
      const ok = box.run(["--file", longest, "set", "--type", "int", "a", v]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stderr, "");
    }
    assert.equal(box.read(longest), "a = 3\n");
    const history = box.run(["--file", longest, "history", "--json"]);
    assert.deepEqual(JSON.parse(history.stdout).map((e: { new: number }) => e.new), [2, 3]);
  } finally {
    box.cleanup();
  }
});

test("a JSON file whose top level is not an object is refused where its value starts", () => {
  const box = makeSandbox();
  try {
    const arr = box.write("arr.json", "\n\n  [1, 2]\n");
    const get = box.run(["--file", arr, "get", "a"]);
    assert.equal(get.code, 3);
    assert.ok(
      get.stderr.startsWith(
        `strata: ${arr}:3:3: the top level of a configuration file must be an object ({ ... }), ` +
          'found an array: put the values under keys, e.g. {"items": ...}; ',
      ),
      get.stderr,
    );
    const str = box.write("str.json", '"text"');
    const set = box.run(["--file", str, "set", "a", "1"]);
    assert.equal(set.code, 3);
    assert.ok(
      set.stderr.startsWith(
        `strata: ${str}:1:1: the top level of a configuration file must be an object ({ ... }), ` +
          "found a string: ",
      ),
      set.stderr,
    );
    assert.match(set.stderr, /nothing was written/);
    assert.equal(box.read(str), '"text"');
  } finally {
    box.cleanup();
  }
});

test("integers beyond 64 bits in a JSON file: read exactly, kept as written, reported, never written", () => {
  const box = makeSandbox();
  try {
    const text = '{\n  "a": 1,\n  "big": 123456789012345678901234567890,\n' +
      '  "list": [1, -99999999999999999999]\n}\n';
    const file = box.write("c.json", text);
    fs.chmodSync(file, 0o600);
    const f = ["--file", file];
    const get = box.run([...f, "get", "big"]);
    assert.equal(get.stderr, "");
    assert.equal(get.stdout, "123456789012345678901234567890\n");
    assert.equal(
      box.run([...f, "get", "big", "--json"]).stdout,
      "123456789012345678901234567890\n",
    );
    const list = box.run([...f, "list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(
      list.stdout,
      "a = 1\nbig = 123456789012345678901234567890\nlist = [1, -99999999999999999999]\n",
    );

    // Another key changes; the wide integers keep their text byte for byte.
    assert.equal(box.run([...f, "set", "a", "2"]).code, 0);
    assert.equal(box.read(file), text.replace('"a": 1', '"a": 2'));
    const changed = box.run([...f, "set", "big", "5"]);
    assert.equal(changed.code, 0, changed.stderr);
    const diff = box.run([...f, "diff"]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /~ big: 123456789012345678901234567890 -> 5\n/);
    const undo = box.run([...f, "undo"]);
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /big = 123456789012345678901234567890 \(was 5\)/);
    assert.equal(box.read(file), text.replace('"a": 1', '"a": 2'));

    // doctor says so, and its mend works.
    const doctor = box.run([...f, "doctor"]);
    assert.equal(doctor.code, 3);
    assert.ok(
      doctor.stdout.includes(
        `problem [file value] ${file}: big holds 123456789012345678901234567890, an integer ` +
          "beyond 64 bits: strata reads it exactly and keeps its text, but TOML cannot hold it, " +
          "most JSON readers round it, and strata will not write such a value\n  mend: keep its " +
          `digits as a string: strata --file ${file} set --type string big ` +
          "123456789012345678901234567890 (or edit it",
      ),
      doctor.stdout,
    );
    assert.match(doctor.stdout, /problem \[file value\] .*: list\.1 holds -99999999999999999999,/);

    // strata writes no integer it could not read back from TOML.
    const wide = box.run([...f, "set", "--type", "int", "n", "123456789012345678901234567890"]);
    assert.equal(wide.code, 3);
    assert.match(wide.stderr, /out of the 64-bit range -2\^63 to 2\^63-1/);
    const mend = box.run([
      ...f,
      "set",
      "--type",
      "string",
      "big",
      "123456789012345678901234567890",
    ]);
    assert.equal(mend.code, 0, mend.stderr);
    assert.match(box.read(file), /"big": "123456789012345678901234567890",/);
  } finally {
    box.cleanup();
  }
});

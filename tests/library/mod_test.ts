// The library from a program's point of view: src/mod.ts imported by child
// processes under Bun and under Deno, reading, writing, and seeing a write
// made by another process (of the other runtime).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const child = path.join(root, "tests", "library", "_child.ts");
const runtimes: Record<string, string[]> = {
  bun: [path.join(root, "node_modules", ".bin", "bun"), child],
  deno: [path.join(root, "node_modules", ".bin", "deno"), "run", "-A", "--quiet", child],
};

interface Running {
  lines: Promise<string[]>;
  line(n: number): Promise<string>;
  send(text: string): void;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(runtime: string, args: string[], env: Record<string, string>): Running {
  const [cmd, ...pre] = runtimes[runtime];
  const p = spawn(cmd, [...pre, ...args], {
    env: { ...env, PATH: process.env.PATH ?? "" },
    cwd: env.HOME,
  });
  let stdout = "";
  let stderr = "";
  const waiters: Array<() => void> = [];
  p.stdout.on("data", (d) => {
    stdout += d;
    waiters.splice(0).forEach((w) => w());
  });
  p.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    p.on("close", (code) => {
      waiters.splice(0).forEach((w) => w());
      resolve({ code, stdout, stderr });
    })
  );
  const line = async (n: number): Promise<string> => {
    for (;;) {
      const lines = stdout.split("\n");
      if (lines.length > n + 1) return lines[n];
      if (p.exitCode !== null) throw new Error(`${runtime} exited: ${stderr}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return {
    lines: done.then((r) => r.stdout.trim().split("\n")),
    line,
    send: (text) => p.stdin.write(text),
    done,
  };
}

async function run(runtime: string, args: string[], env: Record<string, string>) {
  const r = await start(runtime, args, env).done;
  assert.equal(r.code, 0, `${runtime} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

function tempEnv(): { env: Record<string, string>; dir: string } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-")));
  const env = {
    HOME: path.join(dir, "home"),
    XDG_CONFIG_HOME: path.join(dir, "config"),
    XDG_STATE_HOME: path.join(dir, "state"),
    XDG_CONFIG_DIRS: path.join(dir, "etc"),
    XDG_DATA_DIRS: path.join(dir, "share"),
  };
  fs.mkdirSync(env.HOME);
  return { env, dir };
}

for (const [reader, writer] of [["bun", "deno"], ["deno", "bun"]]) {
  test(`${reader} reads, ${writer} writes, the long-lived ${reader} Config sees it`, async () => {
    const { env, dir } = tempEnv();
    try {
      const userFile = path.join(env.XDG_CONFIG_HOME, "libtest", "config.toml");
      fs.mkdirSync(path.dirname(userFile), { recursive: true });
      fs.writeFileSync(userFile, "# by hand\n[db]\nport = 5432\n");
      assert.equal(await run(reader, ["get", "db.port"], env), "5432");
      const watcher = start(reader, ["watch", "db.port"], env);
      assert.equal(await watcher.line(0), "5432");
      const set = JSON.parse(await run(writer, ["set", "db.port", "6543"], env));
      assert.deepEqual(set, { file: userFile, old: 5432, new: 6543, type: "int", changed: true });
      watcher.send("go\n");
      const r = await watcher.done;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split("\n"), [
        "5432",
        "6543",
        JSON.stringify({ layer: "user", file: userFile, line: 3 }),
      ]);
      assert.equal(fs.readFileSync(userFile, "utf8"), "# by hand\n[db]\nport = 6543\n");
      // The writer refuses a value of the wrong type, under its runtime too.
      const bad = await start(writer, ["set", "db.port", "abc"], env).done;
      assert.equal(bad.code, 3);
      assert.match(
        bad.stderr,
        /"abc" is not an integer: db.port is an integer \(from user .*:3\); nothing was written/,
      );
      assert.equal(fs.readFileSync(userFile, "utf8"), "# by hand\n[db]\nport = 6543\n");
      // Its journal names the program.
      const journal = fs.readdirSync(path.join(env.XDG_STATE_HOME, "strata", "_shared", "journal"));
      assert.equal(journal.length, 1);
      const entry = JSON.parse(
        fs.readFileSync(
          path.join(env.XDG_STATE_HOME, "strata", "_shared", "journal", journal[0]),
          "utf8",
        ),
      );
      assert.deepEqual([entry.program, entry.key, entry.old, entry.new, entry.layer], [
        "libtest-set",
        "db.port",
        5432,
        6543,
        "user",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

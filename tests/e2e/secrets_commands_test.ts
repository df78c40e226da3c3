// End to end: the commands around secrets through the real CLI: run (the
// environment, the exit code and signals), env, import, the refusals of a
// secret on the command line, schema-marked secrets from the environment,
// `set KEY -`, `edit` of a damaged sealed value, and --file mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cliCommand, makeSandbox, type Sandbox } from "../_support/mod.ts";
import { runWatched } from "./_secret_cli.ts";

const APP = ["--app", "demo"];
const slow = { timeout: 300_000 };

async function ok(box: Sandbox, args: string[], options: Parameters<typeof runWatched>[2] = {}) {
  const r = await runWatched(box, args, options);
  assert.equal(r.code, 0, `strata ${args.join(" ")}: ${r.stderr}`);
  return r;
}

async function withSecret(box: Sandbox) {
  await ok(box, [...APP, "key", "init"]);
  await ok(box, [...APP, "set", "--secret", "db.password"], { input: 'it\'s a "secret"\n' });
  await ok(box, [...APP, "set", "db.host", "db.example.com"]);
  await ok(box, [...APP, "set", "db.port", "5432", "--type", "int"]);
  await ok(box, [...APP, "set", "ratio", "2", "--type", "float"]);
}

test(
  "run hands the configuration, secrets opened, to the program and passes its exit code",
  slow,
  async () => {
    const box = makeSandbox();
    try {
      await withSecret(box);
      const script =
        'printf "%s|%s|%s|%s" "$DEMO_DB__PASSWORD" "$DEMO_DB__HOST" "$DEMO_DB__PORT" "$DEMO_RATIO"; exit 7';
      const r = await runWatched(box, [...APP, "run", "--", "sh", "-c", script]);
      assert.equal(r.code, 7, r.stderr);
      assert.equal(r.stdout, `it's a "secret"|db.example.com|5432|2.0`);
      const only = await runWatched(box, [
        ...APP,
        "run",
        "--only",
        "db",
        "--",
        "sh",
        "-c",
        'printf "%s" "${DEMO_RATIO-unset}"',
      ]);
      assert.equal(only.code, 0, only.stderr);
      assert.equal(only.stdout, "unset");
      const missing = await runWatched(box, [...APP, "run", "--", "no-such-program-xyz"]);
      assert.equal(missing.code, 127);
      assert.match(missing.stderr, /^strata: cannot run "no-such-program-xyz": no such program/);
      const none = await runWatched(box, [...APP, "run"]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /missing COMMAND/);
    } finally {
      box.cleanup();
    }
  },
);

test("run passes a signal to the program and dies of the signal the program died of", {
  ...slow,
  skip: process.platform === "win32",
}, async () => {
  const box = makeSandbox();
  try {
    await ok(box, [...APP, "set", "a", "1"]);
    const ready = path.join(box.root, "ready");
    const [exe, prefix] = cliCommand();
    // The program says it is ready, then waits; TERM ends it (sh's default action).
    const child = spawn(exe, [
      ...prefix,
      ...APP,
      "run",
      "--",
      "sh",
      "-c",
      `: > ${ready}; exec sleep 60`,
    ], {
      cwd: box.project,
      env: { ...box.env, STRATA_KEYCHAIN: "0" },
      stdio: "ignore",
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
      child.on("exit", (code, signal) => done({ code, signal }))
    );
    const start = Date.now();
    while (!fs.existsSync(ready)) {
      assert.ok(Date.now() - start < 120_000, "the program never started");
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGTERM");
    const { code, signal } = await exited;
    assert.deepEqual({ code, signal }, { code: null, signal: "SIGTERM" });
  } finally {
    box.cleanup();
  }
});

test("env prints the variables; secrets only with --reveal", slow, async () => {
  const box = makeSandbox();
  try {
    await withSecret(box);
    const sh = await ok(box, [...APP, "env"]);
    assert.equal(
      sh.stdout,
      "export DEMO_DB__HOST='db.example.com'\nexport DEMO_DB__PORT='5432'\nexport DEMO_RATIO='2.0'\n",
    );
    assert.equal(
      sh.stderr,
      "strata: 1 secret left out (db.password): add --reveal to include it\n",
    );
    const revealed = await ok(box, [...APP, "env", "--reveal", "--only", "db.password"]);
    assert.equal(revealed.stdout, `export DEMO_DB__PASSWORD='it'\\''s a "secret"'\n`);
    const dotenv = await ok(box, [...APP, "env", "--reveal", "--format", "dotenv", "--only", "db"]);
    assert.equal(
      dotenv.stdout,
      `DEMO_DB__HOST="db.example.com"\nDEMO_DB__PASSWORD="it's a \\"secret\\""\nDEMO_DB__PORT="5432"\n`,
    );
    const json = await ok(box, [
      ...APP,
      "env",
      "--format",
      "json",
      "--reveal",
      "--only",
      "db.password",
    ]);
    assert.deepEqual(JSON.parse(json.stdout), { DEMO_DB__PASSWORD: `it's a "secret"` });
    // What sh prints, a shell reads back as the same value.
    const back = await runWatched(box, [
      ...APP,
      "run",
      "--",
      "sh",
      "-c",
      `eval "$1"; printf %s "$DEMO_DB__PASSWORD"`,
      "sh",
      revealed.stdout,
    ]);
    assert.equal(back.stdout, `it's a "secret"`);
    const bad = await runWatched(box, [...APP, "env", "--format", "yaml"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format wants sh, dotenv or json, not "yaml"/);
  } finally {
    box.cleanup();
  }
});

test(
  "a secret is never taken from the command line: each way is refused with the reason",
  slow,
  async () => {
    const box = makeSandbox();
    try {
      await withSecret(box);
      const set = await runWatched(box, [...APP, "set", "db.password", "plain-text-1"]);
      assert.equal(set.code, 2);
      assert.equal(
        set.stderr,
        `strata: db.password holds a secret (stored sealed, or marked "x-strata-secret" by the ` +
          `schema): its value is written sealed, never as plaintext; nothing was written. To fix: ` +
          `strata --app demo set --secret db.password (it reads the value from a prompt, stdin, ` +
          `--from-env or --from-file, never from the command line)\n`,
      );
      const argv = await runWatched(box, [
        ...APP,
        "set",
        "--secret",
        "db.password",
        "plain-text-2",
      ]);
      assert.equal(argv.code, 2);
      assert.match(
        argv.stderr,
        /--secret takes no VALUE on the command line \(ps shows every argument/,
      );
      assert.ok(!argv.stderr.includes("plain-text-2"));
      const override = await runWatched(box, [
        ...APP,
        "--set",
        "db.password=plain-text-3",
        "get",
        "db.host",
      ]);
      assert.equal(override.code, 2);
      assert.equal(
        override.stderr,
        `strata: --set db.password=...: db.password holds a secret, and a value on the command line ` +
          `is seen by every user (ps); nothing was read or written. To fix: give it in the ` +
          `environment for one run (DEMO_DB__PASSWORD), or store it sealed: strata --app demo set ` +
          `--secret db.password\n`,
      );
      const file = box.read(`${box.configHome}/demo/config.toml`);
      for (const text of ["plain-text-1", "plain-text-2", "plain-text-3"]) {
        assert.ok(
          !file.includes(text),
        );
      }
    } finally {
      box.cleanup();
    }
  },
);

test(
  "a key the schema marks secret: plaintext from the environment is used and shown as (secret)",
  slow,
  async () => {
    const box = makeSandbox();
    try {
      box.write(
        `${box.dataDir}/demo/schema.json`,
        JSON.stringify({
          type: "object",
          properties: {
            api: {
              type: "object",
              properties: { key: { type: "string", "x-strata-secret": true } },
            },
          },
        }),
      );
      box.write(`${box.dataDir}/demo/defaults.toml`, '[api]\nurl = "https://api.example"\n');
      const env = { DEMO_API__KEY: "env-plain-key" };
      assert.equal((await ok(box, [...APP, "get", "api.key"], { env })).stdout, "(secret)\n");
      assert.equal(
        (await ok(box, [...APP, "get", "api.key", "--reveal"], { env })).stdout,
        "env-plain-key\n",
      );
      const list = await ok(box, [...APP, "list"], { env });
      assert.equal(list.stdout, 'api.key = (secret)\napi.url = "https://api.example"\n');
      const explain = await ok(box, [...APP, "explain", "api.key"], { env });
      assert.ok(!explain.stdout.includes("env-plain-key"), explain.stdout);
      assert.match(explain.stdout, /^api\.key = \(secret\) {2}\(from environment DEMO_API__KEY\)/);
      const run = await ok(box, [...APP, "run", "--", "sh", "-c", 'printf %s "$DEMO_API__KEY"'], {
        env,
      });
      assert.equal(run.stdout, "env-plain-key");
      const refused = await runWatched(box, [...APP, "set", "api.key", "x"]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /api\.key holds a secret/);
      await ok(box, [...APP, "key", "init"]);
      await ok(box, [...APP, "set", "--secret", "api.key", "--from-env", "K"], {
        env: { K: "sealed-key" },
      });
      assert.equal((await ok(box, [...APP, "get", "api.key", "--reveal"])).stdout, "sealed-key\n");
    } finally {
      box.cleanup();
    }
  },
);

test(
  "set KEY - reads any value from stdin; import takes .env, JSON and TOML in one write",
  slow,
  async () => {
    const box = makeSandbox();
    try {
      await ok(box, [...APP, "set", "motd", "-"], { input: "line one\nline two\n" });
      assert.equal((await ok(box, [...APP, "get", "motd"])).stdout, "line one\nline two\n");
      await ok(box, [...APP, "set", "port", "-", "--type", "int"], { input: "8080\n" });
      assert.equal((await ok(box, [...APP, "get", "port", "--json"])).stdout, "8080\n");

      await ok(box, [...APP, "key", "init"]);
      const json = box.write(
        "in/settings.json",
        JSON.stringify({ db: { port: 5432, password: "j-pw" }, tags: ["a"] }),
      );
      const imported = await ok(box, [
        ...APP,
        "import",
        "--project",
        json,
        "--secret-keys",
        "*password",
      ]);
      assert.match(
        imported.stdout,
        /^imported 3 keys from .* into the project layer .*, 1 sealed\n$/,
      );
      const project = box.read(path.join(box.project, ".demo.toml"));
      assert.match(project, /^port = 5432$/m);
      assert.match(project, /^password = "enc:v1:/m);
      assert.equal((await ok(box, [...APP, "get", "db.password", "--reveal"])).stdout, "j-pw\n");
      const toml = box.write("in/legacy.toml", '[smtp]\nhost = "mail"\nport = 25\n');
      await ok(box, [...APP, "import", toml]);
      assert.equal((await ok(box, [...APP, "get", "smtp.port", "--json"])).stdout, "25\n");
      // One write per import: one backup, each key journaled with it.
      const history = JSON.parse((await ok(box, [...APP, "history", "--json"])).stdout) as {
        key: string;
        backup?: string;
        program: string;
      }[];
      const last = history.slice(-2);
      assert.deepEqual(last.map((e) => [e.key, e.program]), [
        ["smtp.host", "strata import"],
        ["smtp.port", "strata import"],
      ]);
      assert.equal(last[0].backup, last[1].backup);
      // A variable name matches a key the configuration has, whatever its case and dashes.
      await ok(box, [...APP, "set", "Db.Max-Conn", "5", "--type", "int"]);
      const dotenv = box.write("in/more.env", "DEMO_DB__MAX_CONN=9\nNEW_ONE=x\n");
      await ok(box, [...APP, "import", dotenv]);
      assert.equal((await ok(box, [...APP, "get", "Db.Max-Conn", "--json"])).stdout, "9\n");
      assert.equal((await ok(box, [...APP, "get", "new_one"])).stdout, "x\n");
      const broken = box.write("in/bad.env", "GOOD=1\nthis line has no equals\n");
      const refused = await runWatched(box, [...APP, "import", broken]);
      assert.equal(refused.code, 3);
      assert.match(refused.stderr, /bad\.env.*2.*expected NAME=value/);
    } finally {
      box.cleanup();
    }
  },
);

test(
  "edit shows sealed values as stored and refuses a damaged one; --file mode seals too",
  slow,
  async () => {
    const box = makeSandbox();
    try {
      await withSecret(box);
      const file = `${box.configHome}/demo/config.toml`;
      const before = box.read(file);
      const editor = box.write(
        "bin/cut",
        `#!/bin/sh\ngrep -q 'enc:v1:' "$1" || exit 9\nsed -i 's/"enc:v1:\\(.\\{20\\}\\)[^"]*"/"enc:v1:\\1"/' "$1"\n`,
      );
      fs.chmodSync(editor, 0o755);
      const r = await runWatched(box, [...APP, "edit"], { env: { EDITOR: editor } });
      assert.equal(r.code, 3, r.stderr);
      assert.match(
        r.stderr,
        /db\.password: the sealed value is damaged: it holds 15 bytes, fewer than the 61/,
      );
      assert.equal(box.read(file), before);
      // Nor does an edit (or undo, or restore) put a secret back in plaintext.
      const unseal = box.write(
        "bin/unseal",
        `#!/bin/sh\nsed -i 's/^password = .*/password = "plain-typed"/' "$1"\n`,
      );
      fs.chmodSync(unseal, 0o755);
      const plain = await runWatched(box, [...APP, "edit"], { env: { EDITOR: unseal } });
      assert.equal(plain.code, 2, plain.stderr);
      assert.match(
        plain.stderr,
        /^strata: db\.password holds a secret, and this change would write it in plaintext; nothing was written\. To fix: keep its sealed value \(or remove the key\), and set it with strata --app demo set --secret db\.password\n/,
      );
      assert.equal(box.read(file), before);

      const single = path.join(box.project, "app.toml");
      await ok(box, ["--file", single, "key", "init"]);
      await ok(box, ["--file", single, "set", "--secret", "token"], { input: "file-mode-token" });
      assert.match(fs.readFileSync(single, "utf8"), /^token = "enc:v1:/m);
      assert.equal(
        (await ok(box, ["--file", single, "get", "token", "--reveal"])).stdout,
        "file-mode-token\n",
      );
      // Bound to the key, not to the file's name: a renamed file still opens.
      const moved = path.join(box.project, "renamed.toml");
      fs.renameSync(single, moved);
      assert.equal(
        (await ok(box, ["--file", moved, "get", "token", "--reveal"])).stdout,
        "file-mode-token\n",
      );
    } finally {
      box.cleanup();
    }
  },
);

test(
  "a writer with only the recipient seals values it cannot read; key init and show say where",
  slow,
  async () => {
    const owner = makeSandbox();
    const writer = makeSandbox();
    try {
      const init = await ok(owner, [...APP, "key", "init"]);
      const recipient = /recipient: (\S+)\n/.exec(init.stdout)![1];
      const again = await runWatched(owner, [...APP, "key", "init"]);
      assert.equal(again.code, 2);
      assert.match(
        again.stderr,
        /^strata: app demo already has an identity \(the key file .*demo\.key\); nothing was changed\. To see its recipient: strata --app demo key show; to replace it: strata --app demo key rotate\n$/,
      );
      const shown = await ok(owner, [...APP, "key", "show"]);
      assert.match(
        shown.stdout,
        new RegExp(
          `^recipient: ${recipient}\nidentity:  the key file .*/strata/keys/demo\\.key\n$`,
        ),
      );

      // The writer's machine has no identity: only the recipient, in strata's configuration.
      const none = await runWatched(writer, [...APP, "key", "show"]);
      assert.equal(none.code, 1);
      assert.equal(
        none.stderr,
        "strata: app demo has no recipient and no identity here. To make one: strata --app demo key init\n",
      );
      const noRecipient = await runWatched(writer, [...APP, "set", "--secret", "db.password"], {
        input: "x",
      });
      assert.equal(noRecipient.code, 2);
      assert.match(noRecipient.stderr, /no recipient key to seal values of app demo for/);
      await ok(writer, ["--app", "strata", "set", "recipients.demo", recipient]);
      assert.equal(
        (await ok(writer, [...APP, "key", "show"])).stdout,
        `recipient: ${recipient}\nidentity:  none here (values can be sealed here, not opened)\n`,
      );
      await ok(writer, [...APP, "set", "--secret", "db.password"], { input: "from-the-writer" });
      const cannot = await runWatched(writer, [...APP, "get", "db.password", "--reveal"]);
      assert.equal(cannot.code, 2);
      assert.match(cannot.stderr, /^strata: no identity to open the sealed values of app demo/);
      // The owner's identity opens it (here handed over as STRATA_IDENTITY_FILE).
      const keyFile = path.join(owner.configHome, "strata", "keys", "demo.key");
      const opened = await ok(writer, [...APP, "get", "db.password", "--reveal"], {
        env: { STRATA_IDENTITY_FILE: keyFile },
      });
      assert.equal(opened.stdout, "from-the-writer\n");
    } finally {
      owner.cleanup();
      writer.cleanup();
    }
  },
);

// End to end: sealed secrets through the real CLI. Every input path stores
// the value sealed, --reveal reads it back, and the plaintext is found in no
// file of the machine (config, backups, journal, parse cache, temp folder)
// and on no strata command line seen in /proc while the commands ran.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  allFiles,
  cliOnTerminal,
  filesHolding,
  hasPty,
  makeSandbox,
  type OnTerminal,
  type Sandbox,
} from "../_support/mod.ts";
import { procReadable, runWatched, type Seen } from "./_secret_cli.ts";

const APP = ["--app", "demo"];
// Each test runs the CLI tens of times: generous under a loaded machine.
const slow = { timeout: 300_000 };
const STACK = /^\s+at /m;

async function ok(box: Sandbox, args: string[], options: Parameters<typeof runWatched>[2] = {}) {
  const r = await runWatched(box, args, options);
  assert.equal(r.code, 0, `strata ${args.join(" ")}: ${r.stderr}`);
  return r;
}

async function keyInit(box: Sandbox, seen?: Seen) {
  const r = await ok(box, [...APP, "key", "init"], { seen });
  const keyFile = path.join(box.configHome, "strata", "keys", "demo.key");
  assert.match(r.stdout, new RegExp(`^identity of app demo: stored in the key file ${keyFile} `));
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
  const recipient = /recipient: (strata-recipient-v1:[A-Za-z0-9_-]{43})\n/.exec(r.stdout)?.[1];
  assert.ok(recipient, r.stdout);
  return { keyFile, recipient };
}

/** Types `text` and Enter at strata's no-echo prompt on a pseudo-terminal; returns what the terminal showed. */
function typeAtPrompt(box: Sandbox, args: string[], text: string): OnTerminal {
  return cliOnTerminal(args, {
    cwd: box.project,
    env: { ...box.env, STRATA_KEYCHAIN: "0" },
    answers: [{ after: "(not shown): ", send: `${text}\r` }],
  });
}

const onPty = hasPty();

test(
  "a secret set through each input path reads back with --reveal and is in plaintext nowhere",
  slow,
  async () => {
    const box = makeSandbox();
    // Input files live outside the sandbox: they hold the plaintext on purpose.
    const inputs = fs.mkdtempSync(path.join(os.tmpdir(), "strata-secret-in-"));
    const seen: Seen = new Set();
    try {
      await keyInit(box, seen);
      const secrets: Record<string, string> = {
        "db.password": "pw-from-stdin-7Qx",
        "api.token": "tok-from-env-9Zk",
        "smtp.pass": "pass-from-file-3Jd",
        "cache.key": "key-from-import-5Lp",
      };
      await ok(box, [...APP, "set", "--secret", "db.password"], {
        input: `${secrets["db.password"]}\n`,
        seen,
      });
      await ok(box, [...APP, "set", "--secret", "api.token", "--from-env", "TOKEN_IN"], {
        env: { TOKEN_IN: secrets["api.token"] },
        seen,
      });
      const file = path.join(inputs, "smtp");
      fs.writeFileSync(file, `${secrets["smtp.pass"]}\n`);
      const set = await ok(box, [...APP, "set", "--secret", "smtp.pass", "--from-file", file], {
        seen,
      });
      assert.equal(
        set.stdout,
        `smtp.pass = (sealed)  (user: ${box.configHome}/demo/config.toml)\n`,
      );
      const dotenv = path.join(inputs, "legacy.env");
      fs.writeFileSync(dotenv, `DEMO_CACHE__KEY=${secrets["cache.key"]}\nDEMO_CACHE__TTL=60\n`);
      const imported = await ok(box, [...APP, "import", dotenv, "--secret-keys", "*.key"], {
        seen,
      });
      assert.match(imported.stdout, /^imported 2 keys from .* into the user layer .*, 1 sealed\n$/);
      if (onPty) {
        secrets["ldap.bind"] = "typed-at-prompt-8Wm";
        const typed = typeAtPrompt(
          box,
          [...APP, "set", "--secret", "ldap.bind"],
          secrets["ldap.bind"],
        );
        assert.equal(typed.code, 0, typed.out);
        assert.match(typed.out, /value for ldap\.bind \(not shown\): /);
        assert.ok(!typed.out.includes(secrets["ldap.bind"]), `echoed: ${typed.out}`);
      }
      // A plain key in the same file, read the plain way.
      await ok(box, [...APP, "set", "db.host", "db.example.com"], { seen });

      const stored = box.read(`${box.configHome}/demo/config.toml`);
      for (const [key, value] of Object.entries(secrets)) {
        const hidden = await ok(box, [...APP, "get", key], { seen });
        assert.equal(hidden.stdout, "(sealed)\n", key);
        const shown = await ok(box, [...APP, "get", key, "--reveal"], { seen });
        assert.equal(shown.stdout, `${value}\n`, key);
        assert.ok(!stored.includes(value), `${key} in plaintext in the config file`);
      }
      assert.equal((await ok(box, [...APP, "get", "cache.ttl"])).stdout, "60\n");
      assert.equal((await ok(box, [...APP, "get", "db.host"])).stdout, "db.example.com\n");
      assert.equal(
        stored.match(/= "enc:v1:[A-Za-z0-9_-]+"$/gm)?.length,
        Object.keys(secrets).length,
      );

      // Every command that shows values shows that a secret is there, never its value.
      const list = await ok(box, [...APP, "list"], { seen });
      assert.match(list.stdout, /^db\.password = \(sealed\)$/m);
      const history = await ok(box, [...APP, "history"], { seen });
      assert.match(history.stdout, /db\.password = \(sealed\) \(new\)/);
      const historyJson = await ok(box, [...APP, "history", "--json"], { seen });
      const explain = await ok(box, [...APP, "explain", "api.token"], { seen });
      assert.match(explain.stdout, /^api\.token = \(sealed\) {2}\(from user /);
      const diff = await ok(box, [...APP, "diff"], { seen });
      const env = await ok(box, [...APP, "env"], { seen });
      assert.match(env.stderr, /secrets left out \(.*db\.password.*\): add --reveal/);
      const listJson = await ok(box, [...APP, "list", "--json"], { seen });
      for (const [key, value] of Object.entries(secrets)) {
        for (const r of [list, history, historyJson, explain, diff, env, listJson]) {
          assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value), `${key} shown`);
        }
      }

      // No file of the machine holds a plaintext: config, backups, journal, caches, temp folder.
      const files = allFiles(box.root);
      assert.ok(files.some((f) => f.includes(`${path.sep}backups${path.sep}`)), files.join("\n"));
      assert.ok(files.some((f) => f.includes(`${path.sep}journal${path.sep}`)), files.join("\n"));
      for (const value of Object.values(secrets)) {
        assert.deepEqual(filesHolding(box.root, value), [], value);
      }
      // Nor did a strata command line while it ran (and strata processes were seen).
      if (procReadable) {
        assert.ok(seen.size >= 10, `only ${seen.size} strata command lines seen`);
        for (const line of seen) {
          for (const value of Object.values(secrets)) assert.ok(!line.includes(value), line);
        }
      }
    } finally {
      box.cleanup();
      fs.rmSync(inputs, { recursive: true, force: true });
    }
  },
);

test(
  "a sealed value moved to another key does not open, and says where it was sealed",
  slow,
  async () => {
    const box = makeSandbox();
    try {
      await keyInit(box);
      await ok(box, [...APP, "set", "--secret", "db.password"], { input: "hunter2" });
      await ok(box, [...APP, "set", "db.user", "ana"]);
      const file = `${box.configHome}/demo/config.toml`;
      const text = box.read(file);
      const sealed = /password = ("enc:v1:[^"]+")/.exec(text)![1];
      box.write(file, text.replace('user = "ana"', `user = ${sealed}`));
      const r = await runWatched(box, [...APP, "get", "db.user", "--reveal"]);
      assert.equal(r.code, 3);
      assert.equal(r.stdout, "");
      assert.equal(
        r.stderr,
        "strata: cannot open the sealed value of key db.user (app demo, layer user): it was sealed " +
          "for key db.password (app demo, layer user) and copied here; a sealed value opens only " +
          "where it was sealed: set it again here: strata --app demo set --secret db.user\n",
      );
      // The same text in a project file (another layer) does not open either.
      box.write(path.join(box.project, ".demo.toml"), `[db]\npassword = ${sealed}\n`);
      const project = await runWatched(box, [...APP, "get", "db.password", "--reveal"]);
      assert.equal(project.code, 3);
      assert.match(
        project.stderr,
        /layer project\): it was sealed for key db\.password \(app demo, layer user\)/,
      );
    } finally {
      box.cleanup();
    }
  },
);

test(
  "a wrong, missing or exposed identity is a clear error, never a stack trace",
  slow,
  async () => {
    const box = makeSandbox();
    try {
      const { keyFile } = await keyInit(box);
      await ok(box, [...APP, "set", "--secret", "db.password"], { input: "hunter2" });
      // The identity of PROTOCOL.md's test vectors: not the one these values were sealed for.
      const other = "strata-identity-v1:XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os";
      const wrong = await runWatched(box, [...APP, "get", "db.password", "--reveal"], {
        env: { STRATA_IDENTITY: other },
      });
      assert.equal(wrong.code, 3);
      assert.match(
        wrong.stderr,
        /^strata: cannot open the sealed value of key db\.password \(app demo, layer user\): it was sealed for another identity, not for strata-recipient-v1:3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08 \(STRATA_IDENTITY\)/,
      );
      const garbled = await runWatched(box, [...APP, "get", "db.password", "--reveal"], {
        env: { STRATA_IDENTITY: "strata-identity-v1:zzzQQQ" },
      });
      assert.equal(garbled.code, 2);
      assert.match(garbled.stderr, /STRATA_IDENTITY is not a strata identity: the part after/);
      assert.ok(!garbled.stderr.includes("zzzQQQ"), "the identity text is not repeated");

      fs.chmodSync(keyFile, 0o644);
      const exposed = await runWatched(box, [...APP, "get", "db.password", "--reveal"]);
      assert.equal(exposed.code, 5);
      assert.equal(
        exposed.stderr,
        `strata: the key file ${keyFile} is readable by others (mode 644): a private key must be ` +
          `readable by its owner only, so it is not used. To fix: chmod 600 ${keyFile} (and ` +
          `consider the key exposed: strata --app demo key rotate)\n`,
      );
      fs.rmSync(keyFile);
      const missing = await runWatched(box, [...APP, "get", "db.password", "--reveal"]);
      assert.equal(missing.code, 2);
      assert.equal(
        missing.stderr,
        `strata: no identity to open the sealed values of app demo: none in STRATA_IDENTITY, ` +
          `STRATA_IDENTITY_FILE, the key file ${keyFile} or an OS keychain. To fix: give strata ` +
          `the identity they were sealed for (STRATA_IDENTITY_FILE=PATH), or start one for new ` +
          `secrets: strata --app demo key init\n`,
      );
      // Without --reveal nothing needs the identity.
      const plain = await runWatched(box, [...APP, "get", "db.password"]);
      assert.equal(plain.stdout, "(sealed)\n");
      for (const r of [wrong, garbled, exposed, missing]) assert.doesNotMatch(r.stderr, STACK);
    } finally {
      box.cleanup();
    }
  },
);

test(
  "key rotate re-seals every value: all open with the new identity, none with the old",
  slow,
  async () => {
    const box = makeSandbox();
    const keep = fs.mkdtempSync(path.join(os.tmpdir(), "strata-oldkey-"));
    try {
      const { keyFile, recipient } = await keyInit(box);
      await ok(box, [...APP, "set", "--secret", "db.password"], { input: "user-layer-pw" });
      await ok(box, [...APP, "set", "--secret", "--project", "db.port", "--type", "int"], {
        input: "5432",
      });
      await ok(box, [...APP, "set", "db.host", "h"]);
      const old = path.join(keep, "old.key");
      fs.copyFileSync(keyFile, old);
      const rotated = await ok(box, [...APP, "key", "rotate"]);
      assert.match(
        rotated.stdout,
        /^rotated the identity of app demo: 2 sealed values re-sealed in 2 files\n/,
      );
      const fresh = /recipient: (strata-recipient-v1:\S+)\n/.exec(rotated.stdout)![1];
      assert.notEqual(fresh, recipient);
      assert.notEqual(fs.readFileSync(keyFile, "utf8"), fs.readFileSync(old, "utf8"));
      assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
      assert.deepEqual(fs.readdirSync(path.dirname(keyFile)), ["demo.key"]);
      assert.equal((await ok(box, [...APP, "key", "show", "--recipient"])).stdout, `${fresh}\n`);
      assert.equal(
        (await ok(box, [...APP, "get", "db.password", "--reveal"])).stdout,
        "user-layer-pw\n",
      );
      // The type survives sealing and re-sealing: a port stays an integer.
      const port = await ok(box, [...APP, "get", "db.port", "--reveal", "--json"]);
      assert.equal(port.stdout, "5432\n");
      for (const key of ["db.password", "db.port"]) {
        const r = await runWatched(box, [...APP, "get", key, "--reveal"], {
          env: { STRATA_IDENTITY_FILE: old },
        });
        assert.equal(r.code, 3, key);
        assert.match(r.stderr, /it was sealed for another identity/);
      }
      // Re-sealing went through the write protocol: journaled, ciphertext only.
      const history = await ok(box, [...APP, "history", "--json"]);
      const entries = JSON.parse(history.stdout) as { changes?: { key: string }[] }[];
      assert.ok(entries.length >= 3);
      assert.ok(!history.stdout.includes("user-layer-pw"));
      assert.deepEqual(filesHolding(box.root, "user-layer-pw"), []);
    } finally {
      box.cleanup();
      fs.rmSync(keep, { recursive: true, force: true });
    }
  },
);

// End to end: a secret's plaintext never reaches what strata keeps on disk
// (the journal, the parse cache, backups, the config file) through any edge
// that carries values: argv (`set KEY VALUE`), stdin (`set KEY -`), `--set`,
// an environment variable (the environment layer may hold a secret in
// plaintext), a `.env` import, and a value printed by `--reveal` fed back
// into any of those.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { allFiles, filesHolding, makeSandbox, type Sandbox } from "../_support/mod.ts";
import { runWatched } from "./_secret_cli.ts";

const APP = ["--app", "demo"];
const slow = { timeout: 300_000 };

function run(box: Sandbox, args: string[], options: Parameters<typeof runWatched>[2] = {}) {
  return runWatched(box, args, options);
}

async function ok(box: Sandbox, args: string[], options: Parameters<typeof runWatched>[2] = {}) {
  const r = await run(box, args, options);
  assert.equal(r.code, 0, `strata ${args.join(" ")}: ${r.stderr}`);
  return r;
}

test(
  "no edge puts a secret's plaintext into the journal, the cache or a backup",
  slow,
  async () => {
    const box = makeSandbox();
    const inputs = fs.mkdtempSync(path.join(os.tmpdir(), "strata-secret-stored-"));
    const sealedPlain = "sealed-plain-4Hq";
    const envPlain = "env-plain-8Rt";
    try {
      await ok(box, [...APP, "key", "init"]);
      await ok(box, [...APP, "set", "--secret", "db.password"], { input: `${sealedPlain}\n` });
      // A file big enough for the parse cache.
      const config = path.join(box.configHome, "demo", "config.toml");
      const filler = Array.from({ length: 2000 }, (_, i) => `k${i} = "value number ${i}"`);
      fs.appendFileSync(config, `\n[filler]\n${filler.join("\n")}\n`);

      const revealed = (await ok(box, [...APP, "get", "db.password", "--reveal"])).stdout;
      assert.equal(revealed, `${sealedPlain}\n`);
      const plain = revealed.trimEnd();
      const env = { DEMO_DB__PASSWORD: envPlain };

      // The revealed value fed back through every edge that writes.
      const results: Record<string, { code: number; stdout: string; stderr: string }> = {};
      results.argv = await run(box, [...APP, "set", "db.password", plain]);
      results.stdin = await run(box, [...APP, "set", "db.password", "-"], { input: revealed });
      results.dashSet = await run(box, [...APP, "--set", `db.password=${plain}`, "set", "a", "1"]);
      const dotenv = path.join(inputs, "revealed.env");
      fs.writeFileSync(dotenv, `DEMO_DB__PASSWORD=${plain}\n`);
      results.import = await run(box, [...APP, "import", dotenv]);
      // Writes and reads while the environment layer holds a plaintext secret.
      results.envSet = await run(box, [...APP, "set", "db.host", "db.example.com"], { env });
      results.envGet = await run(box, [...APP, "get", "db.password", "--reveal"], { env });
      results.envList = await run(box, [...APP, "list", "--json"], { env });
      results.envEnv = await run(box, [...APP, "env", "--reveal"], { env });
      results.envRun = await run(box, [...APP, "run", "--", "true"], { env });
      results.envRotate = await run(box, [...APP, "key", "rotate"], { env });
      results.envStdin = await run(box, [...APP, "set", "db.password", "-"], {
        env,
        input: envPlain,
      });
      results.after = await run(box, [...APP, "get", "db.password", "--reveal"]);

      const refused =
        `strata: db.password holds a secret (stored sealed, or marked "x-strata-secret" by the ` +
        `schema): its value is written sealed, never as plaintext; nothing was written. To fix: ` +
        `strata --app demo set --secret db.password (it reads the value from a prompt, stdin, ` +
        `--from-env or --from-file, never from the command line)\n`;
      for (const name of ["argv", "stdin", "envStdin"]) {
        assert.deepEqual([results[name].code, results[name].stderr], [2, refused], name);
      }
      assert.equal(results.dashSet.code, 2);
      assert.equal(
        results.dashSet.stderr,
        "strata: --set db.password=...: db.password holds a secret, and a value on the command " +
          "line is seen by every user (ps); nothing was read or written. To fix: give it in the " +
          "environment for one run (DEMO_DB__PASSWORD), or store it sealed: strata --app demo " +
          "set --secret db.password\n",
      );
      assert.equal(results.import.code, 0, results.import.stderr);
      assert.match(
        results.import.stdout,
        /^imported 1 key from .* into the user layer .*, 1 sealed\n$/,
      );
      assert.equal(results.envSet.code, 0, results.envSet.stderr);
      assert.equal(results.envGet.stdout, `${envPlain}\n`);
      assert.match(results.envList.stdout, /^ {2}"db\.password": "\(secret\)",$/m);
      assert.match(
        results.envEnv.stdout,
        new RegExp(`^export DEMO_DB__PASSWORD='${envPlain}'$`, "m"),
      );
      assert.equal(results.envRun.code, 0, results.envRun.stderr);
      assert.equal(results.envRotate.code, 0, results.envRotate.stderr);
      assert.match(
        results.envRotate.stdout,
        /^rotated the identity of app demo: 1 sealed value re-sealed in 1 file\n/,
      );
      // The import sealed the revealed value again: it still opens to the same text.
      assert.equal(results.after.stdout, revealed);
      const report = Object.entries(results).map(([k, r]) => `${k}: ${r.code} ${r.stderr}`).join(
        "\n",
      );

      // What strata keeps: journal, cache, backups, the config file.
      const kept = allFiles(box.root).filter((f) => !f.startsWith(inputs));
      const under = (folder: string) =>
        kept.filter((f) => f.includes(`${path.sep}${folder}${path.sep}`));
      assert.ok(under("journal").length > 0, kept.join("\n"));
      assert.ok(under("cache").length > 0, kept.join("\n"));
      assert.ok(under("backups").length > 0, kept.join("\n"));
      assert.deepEqual(filesHolding(box.root, sealedPlain), [], report);
      assert.deepEqual(filesHolding(box.root, envPlain), [], report);
    } finally {
      box.cleanup();
      fs.rmSync(inputs, { recursive: true, force: true });
    }
  },
);

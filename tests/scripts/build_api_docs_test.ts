import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { docArgs, entryPoints, lintErrorCount } from "../../scripts/_api_docs.ts";
import { REPO, runScript, tempDir } from "../_support/mod.ts";

const SCRIPT = path.join(REPO, "scripts/build-api-docs.ts");

test("the entry points are deno.json's exports, without repeats", () => {
  assert.deepEqual(entryPoints({ exports: "./src/mod.ts" }), ["./src/mod.ts"]);
  assert.deepEqual(
    entryPoints({
      exports: { ".": "./src/mod.ts", "./keys": "./src/keys.ts", "./k": "./src/keys.ts" },
    }),
    ["./src/mod.ts", "./src/keys.ts"],
  );
  assert.throws(() => entryPoints({}), /deno\.json has no `exports`/);
  const denoJson = JSON.parse(fs.readFileSync(path.join(REPO, "deno.json"), "utf8"));
  assert.deepEqual(entryPoints(denoJson), ["./src/mod.ts"]);
});

test("deno doc arguments and the lint count", () => {
  assert.deepEqual(docArgs("lint", ["./a.ts", "./b.ts"]), ["doc", "--lint", "./a.ts", "./b.ts"]);
  assert.deepEqual(docArgs("html", ["./a.ts"], "/out"), [
    "doc",
    "--html",
    "--name=strata",
    "--output=/out",
    "./a.ts",
  ]);
  assert.throws(() => docArgs("html", ["./a.ts"]), /html needs an output folder/);
  assert.equal(lintErrorCount("error: Found 59 documentation lint errors.\n"), 59);
  assert.equal(
    lintErrorCount("\x1b[1m\x1b[31merror\x1b[0m: Found \x1b[1m1\x1b[0m documentation lint error."),
    1,
  );
  assert.equal(lintErrorCount("Checked 1 file\n"), 0);
});

test("deno doc --lint is clean over the package's entry points", async () => {
  const r = await runScript(SCRIPT, ["--lint"]);
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "deno doc --lint: clean (./src/mod.ts)\n");
  assert.equal(r.code, 0);
});

test("an undocumented export fails the check, named with its file and line", async () => {
  using dir = tempDir({ prefix: "strata-apidocs-" });
  fs.writeFileSync(path.join(dir.path, "deno.json"), JSON.stringify({ exports: "./mod.ts" }));
  fs.writeFileSync(
    path.join(dir.path, "mod.ts"),
    "/** A documented one. */\nexport function good(): number {\n  return 1;\n}\n\nexport function bad(): number {\n  return 2;\n}\n",
  );
  const r = await runScript(SCRIPT, ["--lint", "--root", dir.path]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /error\[missing-jsdoc\]/);
  assert.match(r.stderr, /mod\.ts:6:1/);
  assert.match(
    r.stderr,
    /deno doc --lint: 1 documentation lint error in \.\/mod\.ts; document the symbols named above/,
  );
});

test("the HTML pages are written into the folder given, with a page per public symbol", async () => {
  using dir = tempDir({ prefix: "strata-apidocs-" });
  const out = path.join(dir.path, "api");
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "stale.html"), "from an older build");
  const r = await runScript(SCRIPT, ["--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `deno doc --lint: clean (./src/mod.ts)\nAPI docs: ${path.join(out, "index.html")}\n`,
  );
  assert.equal(fs.existsSync(path.join(out, "stale.html")), false);
  const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
  assert.match(
    index,
    /layered \(&quot;waterfall&quot;\) configuration|layered \("waterfall"\) configuration/,
  );
  for (const symbol of ["openConfig", "Config", "StrataError", "TomlDocument", "ConfigKey"]) {
    assert.ok(fs.existsSync(path.join(out, "~", `${symbol}.html`)), `no page for ${symbol}`);
  }
});

test("a wrong option is a usage error", async () => {
  const r = await runScript(SCRIPT, ["--outdir", "x"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "unknown option --outdir; use --out DIR, --root DIR or --lint\n");
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { UI_ASSETS } from "../../src/ui/_assets.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

test("the embedded page, script and stylesheet are built from src/ui/client as it is now", {
  timeout: 90_000,
}, () => {
  // Bun compiles the client, under either test runner.
  const bun = path.join(REPO, "node_modules", ".bin", "bun");
  const r = spawnSync(bun, ["scripts/build-ui.ts", "--check"], { cwd: REPO, encoding: "utf8" });
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "src/ui/_assets.ts is up to date\n");
  assert.equal(r.status, 0);
});

test("the page loads its script and stylesheet from this server only, with no inline code", () => {
  assert.match(UI_ASSETS.html, /<script src="\/app\.js" defer><\/script>/);
  assert.match(UI_ASSETS.html, /<link rel="stylesheet" href="\/app\.css">/);
  assert.equal((UI_ASSETS.html.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(UI_ASSETS.html, / style=| on[a-z]+=/);
  // A classic script wrapped in one function: it runs as loaded.
  assert.match(UI_ASSETS.js, /^\(\(\)=>\{/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { chosenLayer, shadowNote } from "../../src/cli/_layer_flags.ts";
import type { CommandContext } from "../../src/cli/_commands.ts";

function context(flags: Record<string, boolean>, file?: string): CommandContext {
  return {
    name: "set",
    global: { set: [], debug: false, strict: false, help: false, version: false, file },
    flags,
    positionals: [],
    env: {},
    out: () => {},
    err: () => {},
  };
}

test("chosenLayer: one of --project/--system/--user, none with --file", () => {
  assert.equal(chosenLayer(context({})), undefined);
  assert.equal(chosenLayer(context({ project: true })), "project");
  assert.equal(chosenLayer(context({ system: true })), "system");
  assert.throws(() => chosenLayer(context({ project: true, system: true })), {
    message: "--project and --system cannot be used together\nrun 'strata set --help' for usage",
  });
  assert.throws(() => chosenLayer(context({ system: true }, "f.toml")), {
    message: "--system cannot be used with --file (it writes that file)\n" +
      "run 'strata set --help' for usage",
  });
});

test("shadowNote: only when a higher layer still decides the key", () => {
  assert.equal(
    shadowNote("k", "user", { layer: "environment", where: "DEMO_K" }),
    "note: k is still decided by the environment layer (DEMO_K), which is above the user layer",
  );
  assert.equal(shadowNote("k", "user", { layer: "user", where: "/c.toml:1" }), undefined);
  assert.equal(shadowNote("k", "project", { layer: "user", where: "/c.toml:1" }), undefined);
  assert.equal(
    shadowNote("k", "file", { layer: "command-line", where: "--set k=1" }) !== undefined,
    true,
  );
  assert.equal(shadowNote("k", "user", undefined), undefined);
});

// The schema as Config uses it: found beside the defaults or given, its
// descriptions, its types, and Config.update (the writer restore/undo/edit use).
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { makeHome } from "./_fixture.ts";

test("Config finds schema.json beside the defaults file, or takes one given", () => {
  const home = makeHome();
  try {
    const defaults = home.write(
      path.join(home.env.XDG_DATA_DIRS, "demo", "defaults.toml"),
      "port = 1\n",
    );
    const file = home.write(
      path.join(home.env.XDG_DATA_DIRS, "demo", "schema.json"),
      '{"properties": {"port": {"type": "integer", "description": "TCP port"}}}',
    );
    const config = home.open();
    assert.equal(config.schema()?.file, file);
    assert.equal(config.describe("port"), "TCP port");
    assert.equal(config.explain("port").description, "TCP port");
    assert.equal(config.typeOf("port")?.source, `schema ${file}`);
    const given = home.open({ schema: { properties: { x: { description: "given" } } } });
    assert.equal(given.schema()?.file, undefined);
    assert.equal(given.describe("x"), "given");
    assert.equal(home.open({ defaults: { a: 1 } }).schema(), undefined);
    assert.ok(defaults);
  } finally {
    home.cleanup();
  }
});

test("a schema that is not valid refuses writes and is reported once by reads", async () => {
  const home = makeHome();
  try {
    home.write(path.join(home.env.XDG_DATA_DIRS, "demo", "defaults.toml"), "port = 1\n");
    home.write(path.join(home.env.XDG_DATA_DIRS, "demo", "schema.json"), '{"oneOf": []}');
    const config = home.open();
    assert.equal(config.get("port"), 1);
    assert.equal(config.typeOf("port")?.type, "int"); // from the defaults: the schema is skipped
    assert.equal(config.describe("port"), undefined);
    const warnings = config.warnings();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /"oneOf" must be a non-empty array of schemas.*the schema is not applied/,
    );
    await assert.rejects(config.set("port", 2), { code: "schema" });
  } finally {
    home.cleanup();
  }
});

test("Config.update writes a caller's edit through the protocol and names the backup", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    const r = await config.update((current) => ({
      text: `${current}b = 2\n`,
      changes: [{ key: "b", new: 2 }],
    }));
    assert.equal(r.changed, true);
    assert.equal(r.file, home.userFile);
    assert.match(r.backupId!, /^\d{8}T\d{6}\.\d{3}Z-\d+$/);
    assert.equal(config.get("b"), 2);
    const same = await config.update(() => null);
    assert.deepEqual(same, { file: home.userFile, changed: false });
  } finally {
    home.cleanup();
  }
});

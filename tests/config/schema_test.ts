// The application's schema in the waterfall: found beside the defaults,
// types keys (binding), refuses a set that breaks it (file untouched),
// describes keys, combines arrays across layers; Config.update.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StrataError } from "../../src/mod.ts";
import { sandbox } from "./_sandbox.ts";

const schema = {
  type: "object",
  properties: {
    port: { type: "integer", minimum: 1, maximum: 65535, description: "TCP port to listen on" },
    mode: { type: "string", enum: ["fast", "safe"] },
    plugins: { type: "array", items: { type: "string" }, "x-strata-merge": "union" },
    paths: { type: "array", "x-strata-merge": "append" },
    tags: { type: "array" },
    ratio: { type: "number" },
  },
};

function withSchema() {
  const sb = sandbox();
  sb.write(sb.defaultsFile, 'mode = "safe"\nplugins = ["core"]\npaths = ["/a"]\ntags = ["d"]\n');
  const schemaFile = sb.write(
    path.join(path.dirname(sb.defaultsFile), "schema.json"),
    JSON.stringify(schema),
  );
  return { sb, schemaFile };
}

test("the schema beside the defaults types keys, bindingly", async () => {
  const { sb, schemaFile } = withSchema();
  try {
    const config = sb.open({ env: { ...sb.env, DEMO_PORT: "8080", DEMO_RATIO: "2" } });
    assert.equal(config.get("port"), 8080);
    assert.equal(config.get("ratio"), 2);
    assert.deepEqual(config.typeOf("port"), { type: "int", source: `schema ${schemaFile}` });
    assert.deepEqual(config.schema()?.file, schemaFile);
    await assert.rejects(
      config.set("port", "80", { raw: true, type: "string" }),
      /--type string does not fit port: it is an integer \(from schema /,
    );
    await config.set("ratio", "3", { raw: true });
    assert.equal(sb.read(sb.userFile), "ratio = 3.0\n");
  } finally {
    sb.cleanup();
  }
});

test("a set that breaks the schema is refused and writes nothing", async () => {
  const { sb, schemaFile } = withSchema();
  try {
    sb.write(sb.userFile, "# mine\nport = 80\n");
    const before = sb.read(sb.userFile);
    const config = sb.open();
    await assert.rejects(config.set("port", "70000", { raw: true }), (e: unknown) => {
      assert.ok(e instanceof StrataError);
      assert.equal(e.code, "schema");
      assert.match(
        e.message,
        new RegExp(`^port: .*65535.* \\(the schema ${schemaFile}\\); nothing was written$`),
      );
      return true;
    });
    await assert.rejects(config.set("mode", "turbo", { raw: true }), (e: unknown) => {
      assert.ok(e instanceof StrataError && e.code === "schema", String(e));
      return true;
    });
    assert.equal(sb.read(sb.userFile), before);
    await config.set("mode", "fast", { raw: true });
    assert.equal(config.get("mode"), "fast");
  } finally {
    sb.cleanup();
  }
});

test("arrays combine across layers as the schema says (union, append; replace by default)", () => {
  const { sb } = withSchema();
  try {
    sb.write(sb.systemFile, 'plugins = ["core", "sys"]\npaths = ["/s"]\ntags = ["s"]\n');
    sb.write(sb.userFile, 'plugins = ["mine", "sys"]\npaths = ["/u"]\ntags = ["u"]\n');
    const config = sb.open({ overrides: ['plugins=["cli"]'] });
    assert.deepEqual(config.get("plugins"), ["core", "sys", "mine", "cli"]);
    assert.deepEqual(config.get("paths"), ["/a", "/s", "/u"]);
    assert.deepEqual(config.get("tags"), ["u"]);
    const listed = Object.fromEntries(config.list().map((r) => [r.key, r.value]));
    assert.deepEqual(listed.plugins, ["core", "sys", "mine", "cli"]);
    assert.deepEqual(listed.paths, ["/a", "/s", "/u"]);
  } finally {
    sb.cleanup();
  }
});

test("describe and explain give the schema's description", () => {
  const { sb } = withSchema();
  try {
    const config = sb.open();
    assert.equal(config.describe("port"), "TCP port to listen on");
    assert.equal(config.describe("mode"), undefined);
    assert.equal(config.explain("port").description, "TCP port to listen on");
  } finally {
    sb.cleanup();
  }
});

test("a broken schema: reads go on with a warning once, writes refuse; schema() says where", async () => {
  const { sb, schemaFile } = withSchema();
  try {
    fs.writeFileSync(schemaFile, "{ not json");
    const config = sb.open({ env: { ...sb.env, DEMO_PORT: "8080" } });
    assert.equal(config.get("port"), "8080");
    const warnings = config.warnings();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      new RegExp(
        `^${schemaFile}: the schema is not valid JSON .*; the schema is not applied until it is mended$`,
      ),
    );
    assert.throws(
      () => config.schema(),
      (e: unknown) => e instanceof StrataError && e.code === "schema",
    );
    await assert.rejects(config.set("port", 1), (e: unknown) => {
      assert.ok(e instanceof StrataError && e.code === "schema");
      assert.match(e.message, /; nothing was written \(a broken schema cannot check the change\)$/);
      return true;
    });
    assert.equal(fs.existsSync(sb.userFile), false);
  } finally {
    sb.cleanup();
  }
});

test("a schema given by path or value; none without defaults", () => {
  const sb = sandbox();
  try {
    assert.equal(sb.open().schema(), undefined);
    const file = sb.write(path.join(sb.dir, "s.json"), JSON.stringify(schema));
    assert.equal(sb.open({ schema: file }).schema()?.file, file);
    assert.throws(
      () => sb.open({ schema: path.join(sb.dir, "none.json") }).schema(),
      /cannot read the schema/,
    );
    const byValue = sb.open({
      schema: { properties: { n: { type: "integer" } } },
      env: { ...sb.env, DEMO_N: "0x10" },
    });
    assert.equal(byValue.get("n"), 16);
    assert.deepEqual(byValue.typeOf("n"), { type: "int", source: "the program's schema" });
  } finally {
    sb.cleanup();
  }
});

test("Config.update: the caller's edit through the write protocol, with a backup", async () => {
  const sb = sandbox();
  try {
    sb.write(sb.userFile, "a = 1\n");
    const config = sb.open();
    const r = await config.update((current) => ({
      text: (current ?? "") + "b = 2\n",
      changes: [{ key: "b", new: 2, via: "test" }],
    }));
    assert.equal(r.file, sb.userFile);
    assert.equal(r.changed, true);
    assert.match(r.backupId!, /^\d{8}T\d{6}\.\d{3}Z-\d+$/);
    assert.equal(sb.read(sb.userFile), "a = 1\nb = 2\n");
    assert.equal(config.get("b"), 2);
    const none = await config.update(() => null, { layer: "system" });
    assert.deepEqual(none, { file: sb.systemFile, changed: false });
    await assert.rejects(
      config.update(() => {
        throw new StrataError("parse", "refused");
      }),
      /refused/,
    );
    assert.equal(sb.read(sb.userFile), "a = 1\nb = 2\n");
  } finally {
    sb.cleanup();
  }
});

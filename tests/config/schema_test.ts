// The application's schema in the waterfall: found beside the defaults,
// types keys (binding), refuses a set that breaks it (file untouched),
// describes keys, combines arrays across layers; Config.update.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { StrataError } from "../../src/mod.ts";
import { librarySandbox } from "../_support/mod.ts";

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
  const sb = librarySandbox();
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
  const sb = librarySandbox();
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
  const sb = librarySandbox();
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

test("a value that breaks the schema in any layer is skipped: get throws, list falls back, rejected() names it", () => {
  const { sb, schemaFile } = withSchema();
  try {
    sb.write(sb.userFile, "port = 8080\n");
    const config = sb.open({ env: { ...sb.env, DEMO_PORT: "99999" } });
    const message =
      `DEMO_PORT: port: 99999 is greater than the maximum 65535 (schema ${schemaFile}#/properties/port/maximum); fix or unset DEMO_PORT`;
    assert.throws(() => config.get("port"), { code: "schema", message });
    assert.throws(() => config.resolve("port"), { code: "schema", message });
    assert.equal(config.list().find((r) => r.key === "port")?.value, 8080);
    assert.deepEqual(config.rejected().map((r) => [r.key, r.origin, r.code, r.message]), [
      ["port", { layer: "environment", env: "DEMO_PORT" }, "schema", message],
    ]);
    const explained = config.explain("port");
    assert.equal(explained.winner?.value, 8080);
    assert.equal(explained.winner?.origin.layer, "user");
    assert.equal(explained.rejected?.[0].message, message);
    const step = explained.walk.find((s) => s.layer === "environment");
    assert.deepEqual([step?.refused, step?.detail], [true, message]);
    // A bad user value under a valid --set is overridden: nothing to report.
    sb.write(sb.userFile, "port = 0\n");
    const over = sb.open({ overrides: ["port=443"] });
    assert.equal(over.get("port"), 443);
    assert.deepEqual(over.rejected(), []);
    assert.match(
      sb.open().rejected()[0].message,
      /^the user layer .*config\.toml:1: port: 0 is less than the minimum 1 /,
    );
  } finally {
    sb.cleanup();
  }
});

test("the schema's defaults: the bottom layer, typed, with the default's JSON pointer", () => {
  const sb = librarySandbox();
  try {
    const config = sb.open({
      defaults: { mode: "fast" },
      schema: {
        properties: {
          mode: { enum: ["fast", "safe"], default: "safe" },
          retries: { type: "integer", default: 3 },
        },
      },
      env: { ...sb.env, DEMO_RETRIES: "5" },
    });
    assert.equal(config.get("mode"), "fast");
    assert.equal(config.get("retries"), 5);
    assert.deepEqual(config.layers().map((l) => l.layer).slice(-2), [
      "defaults",
      "schema-defaults",
    ]);
    const none = sb.open({ schema: { properties: { retries: { type: "integer", default: 3 } } } });
    assert.deepEqual(none.resolve("retries"), {
      key: "retries",
      path: ["retries"],
      value: 3,
      origin: { layer: "schema-defaults", pointer: "/properties/retries/default" },
    });
    assert.deepEqual(none.unknownEnvVariables(), []);
    // A default that breaks its own schema is not used either.
    const bad = sb.open({
      schema: { properties: { p: { type: "integer", maximum: 3, default: 9 } } },
    });
    const message =
      `the schema's default #/properties/p/default (the program's schema): p: 9 is greater than the maximum 3 ` +
      `(the program's schema at #/properties/p/maximum); fix the default in the schema`;
    assert.throws(() => bad.get("p"), { code: "schema", message });
    assert.deepEqual(bad.list(), []);
    assert.deepEqual(bad.rejected().map((r) => [r.origin, r.rule]), [
      [{ layer: "schema-defaults", pointer: "/properties/p/default" }, "#/properties/p/maximum"],
    ]);
  } finally {
    sb.cleanup();
  }
});

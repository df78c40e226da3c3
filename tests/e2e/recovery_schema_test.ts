// End to end: an application's schema (schema.json beside its defaults file):
// set refuses what breaks it, its types convert text, x-strata-merge combines
// arrays across layers, edit and doctor check every layer against it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeSandbox } from "../_support/mod.ts";

const SCHEMA = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", description: "what the service calls itself" },
    port: { type: "integer", minimum: 1, maximum: 65535, description: "TCP port to listen on" },
    mode: { enum: ["fast", "safe"] },
    plugins: { type: "array", items: { type: "string" }, "x-strata-merge": "union" },
    hosts: { type: "array", items: { type: "string" }, "x-strata-merge": "append" },
    tags: { type: "array", items: { type: "string" } },
  },
};

function setup(box: ReturnType<typeof makeSandbox>) {
  const defaults = box.write(
    "app/defaults.toml",
    'name = "svc"\nplugins = ["core"]\nhosts = ["d"]\ntags = ["d"]\n',
  );
  box.write("app/schema.json", JSON.stringify(SCHEMA, null, 2));
  return ["--app", "demo", "--defaults", defaults];
}

test("set refuses a value that breaks the schema; the schema's type converts text", () => {
  const box = makeSandbox();
  try {
    const app = setup(box);
    const ok = box.run([...app, "set", "port", "8080"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(box.run([...app, "get", "port", "--json"]).stdout, "8080\n");
    const user = `${box.configHome}/demo/config.toml`;
    const before = fs.readFileSync(user);
    const high = box.run([...app, "set", "port", "70000"]);
    assert.equal(high.code, 3);
    assert.equal(
      high.stderr,
      `strata: port: 70000 is greater than the maximum 65535 (the schema ${
        path.join(box.root, "app", "schema.json")
      }); nothing was written\n`,
    );
    const text = box.run([...app, "set", "port", "eighty"]);
    assert.equal(text.code, 3);
    assert.match(text.stderr, /port is an integer \(from schema .*schema\.json\)/);
    assert.equal(box.run([...app, "set", "mode", "slow"]).code, 3);
    assert.deepEqual(fs.readFileSync(user), before);
    const env = box.run([...app, "get", "port"], { env: { DEMO_PORT: "abc" } });
    assert.equal(env.code, 3);
    assert.match(env.stderr, /DEMO_PORT/);
  } finally {
    box.cleanup();
  }
});

test("x-strata-merge: union and append combine a key's arrays across layers; replace stays", () => {
  const box = makeSandbox();
  try {
    const app = setup(box);
    box.write(
      `${box.systemDir}/demo/config.toml`,
      'plugins = ["auth", "core"]\nhosts = ["s"]\ntags = ["s"]\n',
    );
    box.write(
      `${box.configHome}/demo/config.toml`,
      'plugins = ["metrics", "auth"]\nhosts = ["u"]\ntags = ["u"]\n',
    );
    const get = (key: string) => JSON.parse(box.run([...app, "get", key, "--json"]).stdout);
    assert.deepEqual(get("plugins"), ["core", "auth", "metrics"]);
    assert.deepEqual(get("hosts"), ["d", "s", "u"]);
    assert.deepEqual(get("tags"), ["u"]);
    const list = JSON.parse(box.run([...app, "list", "--json"]).stdout);
    assert.deepEqual(list.plugins, ["core", "auth", "metrics"]);
    assert.deepEqual(list.hosts, ["d", "s", "u"]);
    const env = box.run([...app, "get", "hosts", "--json"], { env: { DEMO_HOSTS: '["e"]' } });
    assert.deepEqual(JSON.parse(env.stdout), ["d", "s", "u", "e"]);
  } finally {
    box.cleanup();
  }
});

test(
  "edit and doctor check each layer against the schema",
  { skip: process.platform === "win32" },
  () => {
    const box = makeSandbox();
    try {
      const app = setup(box);
      assert.equal(box.run([...app, "set", "port", "80"]).code, 0);
      const script = box.write("bin/bad", `#!/bin/sh\nprintf 'port = 0\\n' > "$1"\n`);
      fs.chmodSync(script, 0o755);
      const edit = box.run([...app, "edit"], { env: { EDITOR: script } });
      assert.equal(edit.code, 3);
      assert.match(
        edit.stderr,
        /does not match the schema .*:\n {2}port: 0 is less than the minimum 1\n/,
      );
      assert.equal(box.read(`${box.configHome}/demo/config.toml`), "port = 80\n");
      box.write(`${box.project}/.demo.toml`, 'mode = "slow"\n');
      const doctor = box.run([...app, "doctor"]);
      assert.equal(doctor.code, 3);
      assert.match(
        doctor.stdout,
        /problem \[project schema\] .*: mode: "slow" is not one of "fast", "safe"/,
      );
    } finally {
      box.cleanup();
    }
  },
);

test("--schema names the schema; explain and list --describe show descriptions", () => {
  const box = makeSandbox();
  try {
    const schema = box.write("elsewhere/my.schema.json", JSON.stringify(SCHEMA));
    const app = ["--app", "demo", "--schema", schema];
    assert.equal(box.run([...app, "set", "port", "8080"]).code, 0);
    assert.equal(box.run([...app, "set", "name", "svc"]).code, 0);
    assert.equal(box.run([...app, "set", "port", "0"]).code, 3);
    const explain = box.run([...app, "explain", "port"]);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(
      explain.stdout,
      new RegExp(
        `\\ntype: int \\(from schema ${schema}\\)\\ndescription: TCP port to listen on\\n`,
      ),
    );
    assert.equal(
      JSON.parse(box.run([...app, "explain", "port", "--json"]).stdout).description,
      "TCP port to listen on",
    );
    const list = box.run([...app, "list", "--describe"]);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(
      list.stdout,
      'name = "svc"  # what the service calls itself\nport = 8080  # TCP port to listen on\n',
    );
    const json = JSON.parse(box.run([...app, "list", "--describe", "--json"]).stdout);
    assert.deepEqual(json.port, { value: 8080, description: "TCP port to listen on" });
    // Without --schema (and no defaults), there is no schema: 0 is a fine port.
    assert.equal(box.run(["--app", "demo", "set", "port", "0"]).code, 0);
    const missing = box.run(["--app", "demo", "--schema", "nope.json", "set", "port", "1"]);
    assert.equal(missing.code, 3);
    assert.match(
      missing.stderr,
      /cannot read the schema .*nope\.json: no such file; nothing was written/,
    );
  } finally {
    box.cleanup();
  }
});

test(
  "a broken schema: reads go on, set and edit refuse before anything is opened, restore and doctor work",
  {
    skip: process.platform === "win32",
  },
  () => {
    const box = makeSandbox();
    try {
      const app = setup(box);
      assert.equal(box.run([...app, "set", "port", "80"]).code, 0);
      assert.equal(box.run([...app, "set", "port", "81"]).code, 0);
      box.write("app/schema.json", '{"type": "object", "oneOf": []}');
      const get = box.run([...app, "get", "port"]);
      assert.equal(get.code, 0);
      assert.equal(get.stdout, "81\n");
      // Where the schema is needed (types, descriptions), reads say once that it is not applied.
      assert.match(
        box.run([...app, "explain", "port"]).stderr,
        /"oneOf" must be a non-empty array of schemas/,
      );
      assert.equal(box.run([...app, "set", "port", "82"]).code, 3);
      const edit = box.run([...app, "edit"], { env: { EDITOR: "/no/such/editor" } });
      assert.equal(edit.code, 3);
      assert.match(edit.stderr, /"oneOf" must be a non-empty array of schemas/);
      assert.deepEqual(
        fs.readdirSync(path.join(box.stateHome, "strata", "_shared")).includes("edits"),
        false,
      );
      const restore = box.run([...app, "restore", "latest"]);
      assert.equal(restore.code, 0, restore.stderr);
      assert.match(restore.stderr, /the restored version was not checked against it/);
      const doctor = box.run([...app, "doctor"]);
      assert.equal(doctor.code, 3);
      assert.match(
        doctor.stdout,
        /problem \[schema schema\]: .*"oneOf" must be a non-empty array of schemas/,
      );
    } finally {
      box.cleanup();
    }
  },
);

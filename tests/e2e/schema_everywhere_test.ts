// End to end: the schema guards every read, not only writes. A value from
// any layer that breaks it is not used (the next valid layer wins) and is
// reported with its layer and origin: get/explain exit 3, list warns, doctor
// lists it. The schema's defaults are the bottom layer. Keywords, formats,
// $ref and the load-time checks, through the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";

const SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  $defs: { port: { type: "integer", minimum: 1, maximum: 65535 } },
  properties: {
    server: {
      type: "object",
      properties: {
        port: { $ref: "#/$defs/port", description: "TCP port" },
        timeout: { type: "integer", default: 30 },
        host: { type: "string", format: "hostname", default: "localhost" },
      },
    },
    admin: { type: "string", format: "email" },
    mode: { oneOf: [{ const: "fast" }, { const: "safe" }], default: "safe" },
  },
};

/** The app `svc` with defaults and schema.json beside them, found in $XDG_DATA_DIRS. */
function setup(box: Sandbox, defaults = "[server]\nport = 8080\n", schema: unknown = SCHEMA) {
  box.write(path.join(box.dataDir, "svc", "defaults.toml"), defaults);
  return box.write(path.join(box.dataDir, "svc", "schema.json"), JSON.stringify(schema, null, 2));
}

const svc = ["--app", "svc"];
// Several CLI runs each: past bun test's 5 s default on a loaded machine.
const slow = { timeout: 120_000 };

test(
  "an environment value that breaks the schema: get and explain exit 3, list warns and shows the next valid value, doctor lists it",
  slow,
  () => {
    const box = makeSandbox();
    try {
      const schema = setup(box);
      const env = { SVC_SERVER__PORT: "99999" };
      const message =
        `SVC_SERVER__PORT: server.port: 99999 is greater than the maximum 65535 (schema ${schema}#/$defs/port/maximum); fix or unset SVC_SERVER__PORT`;
      assert.deepEqual(box.run([...svc, "get", "server.port"], { env }), {
        code: 3,
        stdout: "",
        stderr: `strata: ${message}\n`,
      });
      // The table holding it fails the same way: the value would be in it.
      assert.equal(box.run([...svc, "get", "server"], { env }).code, 3);
      // Other keys are not affected.
      assert.deepEqual(box.run([...svc, "get", "server.timeout"], { env }), {
        code: 0,
        stdout: "30\n",
        stderr: "",
      });
      const explain = box.run([...svc, "explain", "server.port"], { env });
      assert.equal(explain.code, 3);
      assert.equal(explain.stderr, "");
      const lines = explain.stdout.split("\n");
      assert.equal(
        lines[0],
        "server.port: a value that would win cannot be used (refused, see below); the next valid one is shown",
      );
      assert.match(lines[1], /^server\.port = 8080 {2}\(from defaults .*defaults\.toml:2\)$/);
      assert.match(explain.stdout, /\n {3}environment +SVC_SERVER__PORT +"99999" {2}\(refused\)\n/);
      assert.ok(explain.stdout.includes(`\n     ${message}\n`), explain.stdout);
      assert.match(explain.stdout, /\n\* +defaults +\S+defaults\.toml:2 +8080\n/);
      const json = JSON.parse(
        box.run([...svc, "explain", "server.port", "--json"], { env }).stdout,
      );
      assert.deepEqual(json.rejected, [{
        key: "server.port",
        path: ["server", "port"],
        origin: { layer: "environment", env: "SVC_SERVER__PORT" },
        value: "99999",
        code: "schema",
        reason: "server.port: 99999 is greater than the maximum 65535",
        rule: `${schema}#/$defs/port/maximum`,
        message,
      }]);
      assert.equal(json.winner.value, 8080);
      const list = box.run([...svc, "list"], { env });
      assert.equal(list.code, 0);
      assert.equal(
        list.stdout,
        'mode = "safe"\nserver.host = "localhost"\nserver.port = 8080\nserver.timeout = 30\n',
      );
      assert.equal(list.stderr, `strata: warning: not used: ${message}\n`);
      const doctor = box.run([...svc, "doctor"], { env });
      assert.equal(doctor.code, 3);
      assert.ok(
        doctor.stdout.includes(
          `problem [environment schema]: not used: ${message}\n  mend: fix or unset SVC_SERVER__PORT\n`,
        ),
        doctor.stdout,
      );
      // Without the variable all is well again.
      assert.equal(box.run([...svc, "get", "server.port"]).stdout, "8080\n");
      assert.equal(box.run([...svc, "doctor"]).code, 0);
    } finally {
      box.cleanup();
    }
  },
);

test(
  "--set, a hand-edited file and the defaults are checked the same way, each named with its origin",
  slow,
  () => {
    const box = makeSandbox();
    try {
      const schema = setup(box, "[server]\nport = 70000\n");
      const defaults = path.join(box.dataDir, "svc", "defaults.toml");
      // The defaults themselves break the schema: the key is unset, and get says why.
      assert.deepEqual(box.run([...svc, "get", "server.port"]), {
        code: 3,
        stdout: "",
        stderr:
          `strata: the defaults layer ${defaults}:2: server.port: 70000 is greater than the maximum 65535 (schema ${schema}#/$defs/port/maximum); the defaults are the application's: fix ${defaults} or the schema\n`,
      });
      const user = box.write(
        path.join(box.configHome, "svc", "config.toml"),
        "# by hand\n[server]\nport = 99999\n",
      );
      assert.deepEqual(box.run([...svc, "get", "server.port"]), {
        code: 3,
        stdout: "",
        stderr:
          `strata: the user layer ${user}:3: server.port: 99999 is greater than the maximum 65535 (schema ${schema}#/$defs/port/maximum); fix it there (strata --app svc edit)\n`,
      });
      // A valid --set wins over both; an invalid one is refused in its turn.
      assert.equal(
        box.run([...svc, "--set", "server.port=443", "get", "server.port"]).stdout,
        "443\n",
      );
      assert.deepEqual(box.run([...svc, "--set", "server.port=0", "get", "server.port"]), {
        code: 3,
        stdout: "",
        stderr:
          `strata: --set server.port=0: server.port: 0 is less than the minimum 1 (schema ${schema}#/$defs/port/minimum); fix the --set value\n`,
      });
      // A valid user value wins; the bad default below it is overridden, so get is fine.
      fs.writeFileSync(user, "[server]\nport = 8443\n");
      assert.deepEqual(box.run([...svc, "get", "server.port"]), {
        code: 0,
        stdout: "8443\n",
        stderr: "",
      });
      // doctor still names the defaults file.
      const doctor = box.run([...svc, "doctor"]);
      assert.equal(doctor.code, 3);
      assert.match(
        doctor.stdout,
        /problem \[defaults schema\] .*defaults\.toml: server\.port: 70000 is greater than the maximum 65535/,
      );
    } finally {
      box.cleanup();
    }
  },
);

test(
  "--schema PATH: a wrong-typed value and a value that breaks the schema fall back to the next valid layer in list",
  slow,
  () => {
    const box = makeSandbox();
    try {
      const schema = box.write("elsewhere/svc.schema.json", JSON.stringify(SCHEMA));
      const file = box.write(
        "one.toml",
        'admin = "nobody"\nmode = "turbo"\n[server]\nport = "eighty"\n',
      );
      const run = (args: string[]) => box.run(["--file", file, "--schema", schema, ...args]);
      const get = run(["get", "admin"]);
      assert.equal(get.code, 3);
      assert.equal(
        get.stderr,
        `strata: the file ${file}:1: admin: "nobody" is not a valid email (schema ${schema}#/properties/admin/format); fix it there (strata --file ${file} edit)\n`,
      );
      assert.equal(run(["get", "mode"]).code, 3);
      assert.match(run(["get", "mode"]).stderr, /"turbo" matches none of the oneOf choices/);
      const list = run(["list", "--show-origin"]);
      assert.equal(list.code, 0);
      assert.deepEqual(
        list.stdout.split("\n").map((line) => line.split(/ {2,}/)),
        [
          ["schema-defaults", `${schema}#/properties/mode/default`, 'mode = "safe"'],
          [
            "schema-defaults",
            `${schema}#/properties/server/properties/host/default`,
            'server.host = "localhost"',
          ],
          [
            "schema-defaults",
            `${schema}#/properties/server/properties/timeout/default`,
            "server.timeout = 30",
          ],
          [""],
        ],
      );
      assert.deepEqual(list.stderr.split("\n").filter(Boolean).map((l) => l.replace(/:.*/, "")), [
        "strata",
        "strata",
        "strata",
      ]);
      assert.match(
        list.stderr,
        /not used: the file .*:4: server\.port: expected integer, found a string "eighty"/,
      );
    } finally {
      box.cleanup();
    }
  },
);

test(
  "the schema's defaults are the bottom layer: below the application's defaults, shown with the schema file and JSON pointer",
  slow,
  () => {
    const box = makeSandbox();
    try {
      const schema = setup(box, 'mode = "fast"\n');
      assert.deepEqual(box.run([...svc, "get", "server.timeout"]), {
        code: 0,
        stdout: "30\n",
        stderr: "",
      });
      assert.deepEqual(box.run([...svc, "get", "mode"]), { code: 0, stdout: "fast\n", stderr: "" });
      const explain = box.run([...svc, "explain", "server.timeout"]);
      assert.equal(explain.code, 0);
      const pointer = `${schema}#/properties/server/properties/timeout/default`;
      assert.equal(
        explain.stdout.split("\n")[0],
        `server.timeout = 30  (from schema-defaults ${pointer})`,
      );
      assert.match(
        explain.stdout,
        new RegExp(
          `\\n   defaults +\\S+ +not set\\n\\* +schema-defaults +${
            pointer.replace(/[.$]/g, "\\$&")
          } +30\\n$`,
        ),
      );
      const mode = box.run([...svc, "explain", "mode"]).stdout;
      assert.match(
        mode,
        /\n {3}schema-defaults +\S+#\/properties\/mode\/default +"safe" {2}\(overridden\)\n$/,
      );
      const origin =
        JSON.parse(box.run([...svc, "list", "--show-origin", "--json"]).stdout)["server.timeout"]
          .origin;
      assert.deepEqual(origin, {
        layer: "schema-defaults",
        file: schema,
        pointer: "/properties/server/properties/timeout/default",
      });
      // An environment variable for a key only the schema knows is matched without a warning.
      const env = box.run([...svc, "list"], { env: { SVC_SERVER__TIMEOUT: "60" } });
      assert.equal(env.stderr, "");
      assert.match(env.stdout, /\nserver\.timeout = 60\n/);
    } finally {
      box.cleanup();
    }
  },
);

test(
  "formats and keywords refuse a set; keywords strata does not check are reported by doctor, not by every command",
  slow,
  () => {
    const box = makeSandbox();
    try {
      const schema = setup(box, "", {
        ...SCHEMA,
        properties: {
          ...SCHEMA.properties,
          uuid: { format: "uuid" },
          window: { type: "string", format: "duration" },
          tls: {
            type: "object",
            properties: { on: { type: "boolean" }, port: { type: "integer" } },
            if: { properties: { on: { const: true } } },
            then: { properties: { port: { const: 443 } } },
            unevaluatedProperties: false,
          },
        },
      });
      const warnings =
        `strata: warning: ${schema}: the schema keyword "unevaluatedProperties" at #/properties/tls is not checked by strata (it is ignored); express the rule with the supported keywords or remove it\n` +
        `strata: warning: ${schema}: the format "duration" at #/properties/window/format is not checked by strata (checked: email, hostname, ipv4, ipv6, uri, date-time, date, time, uuid, regex)\n`;
      // Said by doctor (without making it unhealthy), not by every command.
      assert.deepEqual(box.run([...svc, "get", "mode"]), { code: 0, stdout: "safe\n", stderr: "" });
      assert.equal(box.run([...svc, "list"]).stderr, "");
      const checkup = box.run([...svc, "doctor"]);
      assert.equal(checkup.code, 0, checkup.stdout);
      assert.equal(checkup.stderr, "");
      assert.ok(
        checkup.stdout.includes(warnings.replaceAll("strata: warning: ", "warning: ")),
        checkup.stdout,
      );
      assert.deepEqual(
        JSON.parse(box.run([...svc, "doctor", "--json"]).stdout).warnings,
        warnings.trimEnd().split("\n").map((w) => w.replace("strata: warning: ", "")),
      );
      const bad = box.run([...svc, "set", "admin", "nobody"]);
      assert.equal(bad.code, 3);
      assert.ok(
        bad.stderr.endsWith(
          `strata: admin: "nobody" is not a valid email (the schema ${schema}); nothing was written\n`,
        ),
        bad.stderr,
      );
      assert.equal(box.run([...svc, "set", "admin", "ops@example.org"]).code, 0);
      assert.equal(box.run([...svc, "set", "uuid", "not-a-uuid"]).code, 3);
      assert.equal(box.run([...svc, "set", "server.host", "bad_host"]).code, 3);
      assert.equal(box.run([...svc, "set", "mode", "turbo"]).code, 3);
      assert.equal(box.run([...svc, "get", "admin"]).stdout, "ops@example.org\n");
      // if/then over a table is a rule on the merged configuration: doctor reports it.
      box.write(path.join(box.configHome, "svc", "config.toml"), "[tls]\non = true\nport = 8443\n");
      const doctor = box.run([...svc, "doctor", "--json"]);
      assert.equal(doctor.code, 3);
      const findings = JSON.parse(doctor.stdout).findings.filter((f: { layer: string }) =>
        f.layer === "merged"
      );
      assert.deepEqual(findings.map((f: { problem: string }) => f.problem), [
        `tls.port: 8443 is not 443 (the merged configuration; schema ${schema}#/properties/tls/then/properties/port/const)`,
      ]);
    } finally {
      box.cleanup();
    }
  },
);

test(
  "a $ref cycle and a schema nested 20,000 deep are clear errors: reads warn and go on, writes are refused",
  slow,
  () => {
    const box = makeSandbox();
    try {
      const schema = setup(box, "port = 1\n", {
        $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } },
        $ref: "#/$defs/a",
      });
      const cycle =
        `${schema}: the schema refers to itself without reaching a part of the value (#/$defs/a -> #/$defs/b -> #/$defs/a): checking would never end; mend the schema file`;
      assert.deepEqual(box.run([...svc, "get", "port"]), {
        code: 0,
        stdout: "1\n",
        stderr: `strata: warning: ${cycle}; the schema is not applied until it is mended\n`,
      });
      const set = box.run([...svc, "set", "port", "2"]);
      assert.equal(set.code, 3);
      assert.ok(set.stderr.includes(`strata: ${cycle}; nothing was written`), set.stderr);
      fs.writeFileSync(schema, '{"properties":{"a":'.repeat(20000) + "{}" + "}}".repeat(20000));
      const deep = box.run([...svc, "set", "port", "2"]);
      assert.equal(deep.code, 3);
      assert.match(
        deep.stderr,
        /strata: \S+schema\.json: the schema nests more than 256 levels deep \(at #\/properties\/a\/properties\/a\/.*\.\.\.\); strata does not follow it further: flatten it, sharing parts through \$defs and \$ref; nothing was written/,
      );
      assert.equal(box.run([...svc, "get", "port"]).code, 0);
    } finally {
      box.cleanup();
    }
  },
);

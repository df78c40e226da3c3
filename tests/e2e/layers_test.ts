// End-to-end: the waterfall read through the real CLI (get, list, explain,
// paths): every layer wins over the one below it, provenance, project
// discovery from a subfolder, environment mapping.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";

/**
 * Six keys, one per layer count: `l1` is set in defaults only, `l2` in
 * defaults and system, ..., `l6` in every layer. So key `lN` must come
 * from the N-th layer from the bottom.
 */
function sixLayers(box: Sandbox) {
  const lines = (from: number, value: string) =>
    ["l1", "l2", "l3", "l4", "l5", "l6"].slice(from).map((k) => `${k} = "${value}"`).join("\n");
  const defaults = box.write("app/defaults.toml", `# shipped\n${lines(0, "defaults")}\n`);
  const system = box.write(`${box.systemDir}/demo/config.toml`, `${lines(1, "system")}\n`);
  const user = box.write(`${box.configHome}/demo/config.toml`, `\n# mine\n${lines(2, "user")}\n`);
  const project = box.write(`${box.project}/.demo.toml`, `${lines(3, "project")}\n`);
  const sub = path.join(box.project, "src", "deep");
  box.write(`${sub}/.keep`, "");
  const env = { DEMO_L5: "environment", DEMO_L6: "environment" };
  const args = ["--app", "demo", "--defaults", defaults, "--set", "l6=command-line"];
  return { defaults, system, user, project, sub, env, args };
}

test("every layer wins over the one below it; list --show-origin names each origin", () => {
  const box = makeSandbox();
  try {
    const s = sixLayers(box);
    const list = box.run([...s.args, "list", "--show-origin", "--json"], {
      cwd: s.sub,
      env: s.env,
    });
    assert.equal(list.stderr, "");
    assert.equal(list.code, 0);
    const origins = JSON.parse(list.stdout);
    assert.deepEqual(origins, {
      l1: { value: "defaults", origin: { layer: "defaults", file: s.defaults, line: 2 } },
      l2: { value: "system", origin: { layer: "system", file: s.system, line: 1 } },
      l3: { value: "user", origin: { layer: "user", file: s.user, line: 3 } },
      l4: { value: "project", origin: { layer: "project", file: s.project, line: 1 } },
      l5: { value: "environment", origin: { layer: "environment", env: "DEMO_L5" } },
      l6: { value: "command-line", origin: { layer: "command-line", arg: "l6=command-line" } },
    });

    // The same through `get`, one key per layer (the project found from a subfolder).
    for (const [key, value] of [["l6", "command-line"], ["l4", "project"], ["l1", "defaults"]]) {
      const get = box.run([...s.args, "get", key], { cwd: s.sub, env: s.env });
      assert.deepEqual(get, { code: 0, stdout: `${value}\n`, stderr: "" }, key);
    }

    // For people: one line per key, the origin first.
    const people = box.run([...s.args, "list", "--show-origin"], { cwd: s.sub, env: s.env });
    assert.equal(people.code, 0);
    const lines = people.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 6);
    assert.match(lines[2], new RegExp(`^user +${s.user}:3 +l3 = "user"$`));
    assert.match(lines[4], /^environment +DEMO_L5 +l5 = "environment"$/);
    assert.match(lines[5], /^command-line +--set l6=command-line +l6 = "command-line"$/);
  } finally {
    box.cleanup();
  }
});

test("explain shows the whole walk with file:line, the winner marked; exit 1 when unset", () => {
  const box = makeSandbox();
  try {
    const s = sixLayers(box);
    const noSet = s.args.slice(0, 4); // without --set: the environment wins l6
    const json = box.run([...noSet, "explain", "l6", "--json"], { cwd: s.sub, env: s.env });
    assert.equal(json.code, 0);
    const explanation = JSON.parse(json.stdout);
    assert.equal(explanation.key, "l6");
    assert.deepEqual(explanation.winner.origin, { layer: "environment", env: "DEMO_L6" });
    const walk = explanation.walk.map((step: Record<string, unknown>) => [
      step.layer,
      step.status,
      step.value,
      step.line,
    ]);
    assert.deepEqual(walk, [
      ["command-line", "absent", undefined, undefined],
      ["environment", "set", "environment", undefined],
      ["project", "set", "project", 3],
      ["user", "set", "user", 6],
      ["system", "set", "system", 5],
      ["defaults", "set", "defaults", 7],
    ]);

    const people = box.run([...noSet, "explain", "l4"], { cwd: s.sub, env: s.env });
    assert.equal(people.code, 0);
    const lines = people.stdout.split("\n");
    assert.equal(lines[0], `l4 = "project"  (from project ${s.project}:1)`);
    const winner = lines.filter((line) => line.startsWith("*"));
    assert.equal(winner.length, 1);
    assert.match(winner[0], new RegExp(`^\\* +project +${s.project}:1 +"project"$`));
    assert.ok(
      lines.some((line) => /^ +user +.*config\.toml:4 +"user" +\(overridden\)$/.test(line)),
    );
    assert.ok(lines.some((line) => /^ +environment +DEMO_L4 +not set$/.test(line)));

    const missing = box.run([...noSet, "explain", "nope"], { cwd: s.sub, env: s.env });
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /^nope is not set in any layer\n/);
  } finally {
    box.cleanup();
  }
});

test("environment: __ nests, a known key matches case-insensitively, unknown variables warn", () => {
  const box = makeSandbox();
  try {
    box.write(
      `${box.configHome}/demo/config.toml`,
      `[db]\nhost = "localhost"\nport = 5432\n\n[Cache]\nTTL = 60\n`,
    );
    const env = {
      DEMO_DB__HOST: "db.example",
      DEMO_DB__PORT: "6543",
      DEMO_CACHE__TTL: "90",
      DEMO_DB__HOTS: "typo",
      OTHER_DB__HOST: "not ours",
    };
    const list = box.run(["--app", "demo", "list", "--json"], { env });
    assert.equal(list.code, 0);
    // The port stays an integer (its type is known from the user file); the
    // unknown variable becomes a lower-case key, and a warning.
    assert.equal(
      list.stdout,
      '{\n  "Cache.TTL": 90,\n  "db.host": "db.example",\n  "db.hots": "typo",\n  "db.port": 6543\n}\n',
    );
    assert.match(list.stderr, /^strata: warning: .*DEMO_DB__HOTS/m);

    const explain = box.run(["--app", "demo", "explain", "db.host"], { env });
    assert.equal(explain.code, 0);
    assert.match(
      explain.stdout,
      /^db\.host = "db\.example" {2}\(from environment DEMO_DB__HOST\)$/m,
    );
    assert.match(explain.stderr, /DEMO_DB__HOTS/);

    // STRATA_APP names the app when --app is absent.
    const get = box.run(["get", "Cache.TTL"], { env: { ...env, STRATA_APP: "demo" } });
    assert.deepEqual(get, { code: 0, stdout: "90\n", stderr: "" });
  } finally {
    box.cleanup();
  }
});

test("get prints strings as is, scalars as TOML literals, tables as TOML, --json as JSON", () => {
  const box = makeSandbox();
  try {
    box.write(
      `${box.configHome}/demo/config.toml`,
      [
        `name = "T.E. Maxson"`,
        `version = "1.10"`,
        `big = 9007199254740993`,
        `ratio = 0.5`,
        `whole = 2.0`,
        `on = true`,
        `when = 1979-05-27T07:32:00Z`,
        `list = [1, "two"]`,
        `[db]`,
        `host = "h"`,
        `port = 1`,
        ``,
      ].join("\n"),
    );
    const expected: [string, string, string][] = [
      ["name", "T.E. Maxson\n", '"T.E. Maxson"\n'],
      ["version", "1.10\n", '"1.10"\n'],
      ["big", "9007199254740993\n", "9007199254740993\n"],
      ["ratio", "0.5\n", "0.5\n"],
      ["whole", "2.0\n", "2\n"], // a float stays a float (JSON cannot tell)
      ["on", "true\n", "true\n"],
      ["when", "1979-05-27T07:32:00Z\n", '"1979-05-27T07:32:00Z"\n'],
      ["list", '[1, "two"]\n', '[\n  1,\n  "two"\n]\n'],
      ["db", 'host = "h"\nport = 1\n', '{\n  "host": "h",\n  "port": 1\n}\n'],
    ];
    for (const [key, text, json] of expected) {
      assert.deepEqual(box.run(["--app", "demo", "get", key]), {
        code: 0,
        stdout: text,
        stderr: "",
      });
      assert.deepEqual(box.run(["--app", "demo", "get", key, "--json"]), {
        code: 0,
        stdout: json,
        stderr: "",
      });
    }
    assert.deepEqual(box.run(["--app", "demo", "get", "db.nope"]), {
      code: 1,
      stdout: "",
      stderr: "",
    });
  } finally {
    box.cleanup();
  }
});

test("paths lists every layer's location and whether it exists", () => {
  const box = makeSandbox();
  try {
    const user = box.write(`${box.configHome}/demo/config.toml`, `a = 1\n`);
    // Shipped defaults are found under $XDG_DATA_DIRS without --defaults.
    const defaults = box.write(`${box.dataDir}/demo/defaults.toml`, `# shipped\nb = "d"\n`);
    assert.deepEqual(
      box.run(["--app", "demo", "list", "--show-origin", "--json"]).stdout,
      JSON.stringify(
        {
          a: { value: 1, origin: { layer: "user", file: user, line: 1 } },
          b: { value: "d", origin: { layer: "defaults", file: defaults, line: 2 } },
        },
        null,
        2,
      ) + "\n",
    );
    const result = box.run(["--app", "demo", "paths", "--json"]);
    assert.equal(result.code, 0);
    const { layers } = JSON.parse(result.stdout);
    const byLayer = Object.fromEntries(
      layers.map((l: { layer: string }) => [l.layer, l]),
    );
    assert.deepEqual(layers.map((l: { layer: string }) => l.layer).slice(0, 2), [
      "command-line",
      "environment",
    ]);
    assert.equal(byLayer.user.file, user);
    assert.equal(byLayer.user.exists, true);
    assert.equal(byLayer.user.writable, true);
    assert.equal(byLayer.project.exists, false);
    assert.equal(byLayer.project.file, path.join(box.project, ".demo.toml"));
    assert.equal(byLayer.system.file, path.join(box.systemDir, "demo", "config.toml"));
    assert.equal(byLayer.system.exists, false);
    assert.deepEqual(byLayer.defaults, {
      layer: "defaults",
      file: defaults,
      exists: true,
      writable: false,
      format: "toml",
    });

    const people = box.run(["--app", "demo", "paths"]);
    assert.equal(people.code, 0);
    assert.match(people.stdout, new RegExp(`^user +${user} +exists, writable$`, "m"));
    assert.match(people.stdout, /^environment +\(environment variables\)$/m);
  } finally {
    box.cleanup();
  }
});

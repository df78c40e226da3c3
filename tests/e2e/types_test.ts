import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeSandbox } from "../_support/mod.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SCHEMA = JSON.stringify({
  type: "object",
  properties: {
    db: {
      type: "object",
      description: "Where the data lives",
      properties: {
        host: { type: "string", default: "localhost" },
        port: { type: "integer", minimum: 1, maximum: 65535 },
      },
    },
    tags: { type: "array", items: { type: "string" } },
  },
});

const EXPECTED = (file: string) =>
  `// Written by \`strata types\` from ${file}.
// Do not edit: run \`strata types\` again after changing the schema.

export interface DemoAppConfig {
  /** Where the data lives */
  db: {
    host: string;
    port?: number;
  };
  tags?: string[];
}
`;

test(
  "strata types prints the schema's TypeScript type; a program typed by it that mistypes a key fails deno check",
  { timeout: 120_000 },
  () => {
    const box = makeSandbox();
    try {
      const schema = box.write("project/schema.json", SCHEMA);
      const run = box.run(["--app", "demo-app", "--schema", "./schema.json", "types"]);
      assert.deepEqual(run, { code: 0, stdout: EXPECTED(schema), stderr: "" });
      // The schema beside the application's defaults is found without --schema.
      box.write("data/demo-app/defaults.toml", "");
      const beside = box.write("data/demo-app/schema.json", SCHEMA);
      const found = box.run(["--app", "demo-app", "types", "--name", "Settings"]);
      assert.deepEqual(found, {
        code: 0,
        stdout: EXPECTED(beside).replace("DemoAppConfig", "Settings"),
        stderr: "",
      });

      box.write("project/demo_config.ts", run.stdout);
      const program = (key: string) =>
        `import { openConfig } from ${JSON.stringify(path.join(REPO, "src", "mod.ts"))};
import type { DemoAppConfig } from "./demo_config.ts";
const config = openConfig<DemoAppConfig>({ app: "demo-app" });
const host: string = config.get(${JSON.stringify(key)});
console.log(host);
`;
      box.write("project/good.ts", program("db.host"));
      box.write("project/bad.ts", program("db.hots"));
      const deno = path.join(REPO, "node_modules", ".bin", "deno");
      const check = (file: string) =>
        spawnSync(deno, ["check", "--quiet", "--config", path.join(REPO, "deno.json"), file], {
          cwd: box.project,
          env: { ...box.env, DENO_NO_UPDATE_CHECK: "1" },
          encoding: "utf8",
        });
      const good = check("good.ts");
      assert.equal(good.status, 0, good.stderr);
      const bad = check("bad.ts");
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /Argument of type '"db\.hots"' is not assignable/);
    } finally {
      box.cleanup();
    }
  },
);

test("strata types: no schema is exit 1 saying where to put one; a bad --name is exit 2", () => {
  const box = makeSandbox();
  try {
    assert.deepEqual(box.run(["--app", "demo", "types"]), {
      code: 1,
      stdout: "",
      stderr:
        "strata: application demo has no schema: give --schema PATH, or put schema.json beside its defaults (see docs/schema.md)\n",
    });
    box.write("project/schema.json", SCHEMA);
    const bad = box.run(["--app", "demo", "--schema", "schema.json", "types", "--name", "my-type"]);
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      'strata: --name wants a TypeScript identifier (like DemoConfig), not "my-type"\n' +
        "run 'strata types --help' for usage\n",
    );
  } finally {
    box.cleanup();
  }
});

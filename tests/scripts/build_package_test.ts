import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../scripts/_build_compile.ts";
import { rewriteTsSpecifiers } from "../../scripts/_package_types.ts";
import { makeSandbox } from "../_support/mod.ts";

const BIN = path.join(REPO_ROOT, "node_modules", ".bin");

/** What the package's build reads: a copy, so the pack builds outside the working tree. */
const SOURCES = [
  "package.json",
  "deno.json",
  "main.ts",
  "src",
  "defaults",
  "scripts",
  "README.md",
  "PROTOCOL.md",
  "CHANGELOG.md",
];

const TYPED_APP = `import { openConfig } from "strata-config";

interface App {
  db: { host: string; port: number };
}
const config = openConfig<App>({ app: "demo", defaults: { db: { host: "localhost", port: 5432 } } });
const port: number = config.get("db.port");
const host: string = config.get("db.host");
await config.set("db.port", port + 1);
console.log(JSON.stringify({ host, port, after: config.get("db.port"), values: config.values() }));
`;

const NODE_APP = `import { openConfig } from "strata-config";
const config = openConfig({ app: "demo", defaults: { db: { host: "localhost", port: 5432 } } });
const port = config.get("db.port");
const host = config.get("db.host");
await config.set("db.port", port + 1);
console.log(JSON.stringify({ host, port, after: config.get("db.port"), values: config.values() }));
`;

function run(cmd: string, args: string[], cwd: string, env: Record<string, string>) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function expectOk(r: { code: number; stdout: string; stderr: string }, what: string): string {
  assert.equal(r.code, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test("rewriteTsSpecifiers turns relative .ts imports into .js and leaves the rest", () => {
  const text = [
    'import type { A } from "./a.ts";',
    "export { b } from '../b/c.ts';",
    'type D = import("./d.ts").D;',
    'import x from "node:fs";',
    'export * from "pkg/e.ts";',
    "// see ./f.ts",
  ].join("\n");
  assert.equal(
    rewriteTsSpecifiers(text),
    [
      'import type { A } from "./a.js";',
      "export { b } from '../b/c.js';",
      'type D = import("./d.js").D;',
      'import x from "node:fs";',
      'export * from "pkg/e.ts";',
      "// see ./f.ts",
    ].join("\n"),
  );
});

test(
  "npm pack, installed offline into an empty folder: no dependency comes along; Node, Bun and Deno read the layers, write and read back; a mistyped key fails tsc and deno check",
  { timeout: 240_000 },
  () => {
    const box = makeSandbox();
    try {
      const src = path.join(box.root, "src");
      const packed = path.join(box.root, "packed");
      const app = path.join(box.root, "app");
      for (const dir of [src, packed, app]) fs.mkdirSync(dir);
      for (const entry of SOURCES) {
        fs.cpSync(path.join(REPO_ROOT, entry), path.join(src, entry), { recursive: true });
      }
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(src, "node_modules"));
      const env = {
        ...box.env,
        npm_config_cache: path.join(box.root, "npm-cache"),
        npm_config_update_notifier: "false",
        npm_config_audit: "false",
        npm_config_fund: "false",
        DENO_NO_UPDATE_CHECK: "1",
      };

      expectOk(
        run("npm", ["pack", "--offline", "--pack-destination", packed], src, env),
        "npm pack",
      );
      assert.deepEqual(fs.readdirSync(packed), ["strata-config-0.1.0.tgz"]);
      const tarball = path.join(packed, "strata-config-0.1.0.tgz");
      const listing = expectOk(run("tar", ["tzf", tarball], box.root, env), "tar").split("\n");
      for (
        const file of [
          "package/package.json",
          "package/dist/npm/mod.js",
          "package/dist/npm/cli/main.js",
          "package/dist/npm/types/mod.d.ts",
          "package/dist/npm/types/typed/key_path.d.ts",
          "package/dist/npm/strata.1",
        ]
      ) assert.ok(listing.includes(file), `${file} is in the tarball`);
      assert.equal(listing.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).length, 0);

      fs.writeFileSync(
        path.join(app, "package.json"),
        '{ "name": "app", "private": true, "type": "module" }\n',
      );
      expectOk(run("npm", ["install", "--offline", tarball], app, env), "npm install");
      assert.deepEqual(
        fs.readdirSync(path.join(app, "node_modules")).filter((n) => !n.startsWith(".")),
        ["strata-config"],
      );

      fs.writeFileSync(path.join(app, "app.ts"), TYPED_APP);
      fs.writeFileSync(path.join(app, "app.mjs"), NODE_APP);
      fs.writeFileSync(
        path.join(app, "bad.ts"),
        TYPED_APP.replace('config.get("db.host")', 'config.get("db.hots")'),
      );
      fs.writeFileSync(path.join(app, "deno.json"), '{ "nodeModulesDir": "manual" }\n');
      const tsconfig = (file: string) =>
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: "nodenext",
            moduleResolution: "nodenext",
            target: "es2022",
            noEmit: true,
            skipLibCheck: true,
            types: [],
          },
          files: [file],
        });
      fs.writeFileSync(path.join(app, "tsconfig.json"), tsconfig("app.ts"));
      fs.writeFileSync(path.join(app, "tsconfig.bad.json"), tsconfig("bad.ts"));
      const user = box.write("config/demo/config.toml", "# mine\n[db]\nport = 6000\n");
      const appEnv = { ...env, DEMO_DB__HOST: "env.example" };
      const expected = (port: number) =>
        JSON.stringify({
          host: "env.example",
          port,
          after: port + 1,
          values: { db: { host: "env.example", port: port + 1 } },
        }) + "\n";

      const node = run("node", ["app.mjs"], app, appEnv);
      assert.equal(expectOk(node, "node app.mjs"), expected(6000));
      const bun = run(path.join(BIN, "bun"), ["--no-env-file", "app.ts"], app, appEnv);
      assert.equal(expectOk(bun, "bun app.ts"), expected(6001));
      const deno = run(
        path.join(BIN, "deno"),
        [
          "run",
          "--quiet",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-sys=uid,hostname",
          "app.ts",
        ],
        app,
        appEnv,
      );
      assert.equal(expectOk(deno, "deno run app.ts"), expected(6002));
      assert.equal(fs.readFileSync(user, "utf8"), "# mine\n[db]\nport = 6003\n");

      // The command comes along too, and runs on Node.
      const cli = run(
        path.join(app, "node_modules", ".bin", "strata"),
        [
          "get",
          "db.port",
          "--app",
          "demo",
        ],
        app,
        appEnv,
      );
      assert.deepEqual(cli, { code: 0, stdout: "6003\n", stderr: "" });

      expectOk(run(path.join(BIN, "tsc"), ["-p", "tsconfig.json"], app, env), "tsc app.ts");
      const tscBad = run(path.join(BIN, "tsc"), ["-p", "tsconfig.bad.json"], app, env);
      assert.notEqual(tscBad.code, 0);
      assert.match(tscBad.stdout, /^bad\.ts\(8,33\): error TS\d+: .*'"db\.hots"'/m);
      expectOk(run(path.join(BIN, "deno"), ["check", "--quiet", "app.ts"], app, env), "deno check");
      const denoBad = run(path.join(BIN, "deno"), ["check", "--quiet", "bad.ts"], app, env);
      assert.equal(denoBad.code, 1);
      assert.match(denoBad.stderr, /'"db\.hots"' is not assignable/);
      assert.match(denoBad.stderr, /bad\.ts:8:33/);
    } finally {
      box.cleanup();
    }
  },
);

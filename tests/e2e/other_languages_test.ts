// The writers in examples/ (Rust, Python, POSIX sh) and strata itself, at
// once, on one application's user file: nothing lost, one journal, and the
// Rust program reads the layered value as strata does. The Rust program is
// built offline against Debian's packaged crates (examples/rust/.cargo).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import { makeSandbox } from "../_support/mod.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const RUST = path.join(REPO, "examples", "rust");
const PYTHON = path.join(REPO, "examples", "python", "strata_writer.py");
const SH = path.join(REPO, "examples", "sh", "strata_set.sh");

function missing(): string | false {
  if (spawnSync("cargo", ["--version"]).status !== 0) {
    return "cargo is not installed: the Rust example cannot be built " +
      "(apt-get install cargo librust-toml-edit-dev librust-libc-dev)";
  }
  if (!fs.existsSync("/usr/share/cargo/registry")) {
    return "Debian's Rust crates are not installed (apt-get install librust-toml-edit-dev librust-libc-dev)";
  }
  if (spawnSync("python3", ["--version"]).status !== 0) return "python3 is not installed";
  return false;
}

/** Builds the Rust example (offline; a second build only checks it is up to date). */
function buildRust(): string {
  const r = spawnSync("cargo", ["build", "--quiet", "--offline"], {
    cwd: RUST,
    encoding: "utf8",
    timeout: 900_000,
  });
  assert.equal(r.status, 0, `cargo build: ${r.stderr}`);
  return path.join(RUST, "target", "debug", "strata-rs");
}

function run(command: string, args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const skip = missing();

test("Rust, Python, sh and strata write one file at once and lose nothing; Rust reads the layers", {
  skip,
  timeout: 900_000,
}, async () => {
  const rust = buildRust();
  const box = makeSandbox();
  try {
    const file = box.write("config/demo/config.toml", "# shared by four languages\n");
    box.write("data/demo/defaults.toml", '[db]\nhost = "localhost"\n');
    const stateDir = path.join(box.stateHome, "strata", "_shared");
    const writes = 4;
    const loop = (command: string) =>
      run(
        "sh",
        [
          "-c",
          `i=1; while [ $i -le ${writes} ]; do ${command} || exit 1; i=$((i+1)); done`,
        ],
        box.env,
        box.project,
      );
    const strata = "Deno" in globalThis
      ? `"${process.execPath}" run -A --quiet --config "${path.join(REPO, "deno.json")}" "${
        path.join(REPO, "main.ts")
      }"`
      : `"${process.execPath}" --no-env-file "${path.join(REPO, "main.ts")}"`;
    const writers: [string, string][] = [
      ["rs0", `"${rust}" --app demo set rs0 $i --type int >/dev/null`],
      ["rs1", `"${rust}" --app demo set rs1 $i --type int >/dev/null`],
      [
        "py0",
        `python3 "${PYTHON}" --file "${file}" --state-dir "${stateDir}" --layer user ` +
        `--program py set py0 $i --type int >/dev/null`,
      ],
      ["sh0", `sh "${SH}" -t int -p sh "${file}" "${stateDir}" sh0 $i >/dev/null`],
      ["ts0", `${strata} --app demo set ts0 $i --type int >/dev/null`],
    ];
    const runs = await Promise.all(writers.map(([, command]) => loop(command)));
    runs.forEach((done, i) => assert.equal(done.code, 0, `${writers[i][0]}: ${done.stderr}`));

    const text = box.read(file);
    assert.ok(text.startsWith("# shared by four languages\n"), text);
    const keys = writers.map(([key]) => key);
    assert.deepEqual(
      text.trim().split("\n").slice(1).sort(),
      keys.map((key) => `${key} = ${writes}`).sort(),
      text,
    );
    assert.deepEqual(
      fs.readdirSync(path.dirname(file)).filter((n) => /\.(lock|tmp|break)$/.test(n)),
      [],
    );
    const { entries, skipped } = readJournal(statePaths(stateDir, file).journal);
    assert.deepEqual(skipped, []);
    assert.equal(entries.length, keys.length * writes);
    for (const key of keys) {
      const mine = entries.filter((entry) => entry.key === key);
      assert.deepEqual(mine.map((e) => e.new), [1, 2, 3, 4], key);
    }
    const rustLines = entries.filter((e) => e.program === "strata-rs");
    assert.equal(rustLines.length, 2 * writes);
    assert.ok(rustLines.every((e) => e.layer === "user" && typeof e.backup === "string"));

    // The Rust program reads the layered value: environment, user file, defaults.
    const get = (key: string, env: Record<string, string> = {}) =>
      spawnSync(rust, ["--app", "demo", "get", key], {
        env: { ...box.env, ...env },
        cwd: box.project,
        encoding: "utf8",
      });
    assert.deepEqual(pick(get("rs1")), { status: 0, stdout: "4\n", stderr: "" });
    assert.deepEqual(pick(get("db.host")), { status: 0, stdout: "localhost\n", stderr: "" });
    assert.deepEqual(pick(get("rs1", { DEMO_RS1: "9" })), { status: 0, stdout: "9\n", stderr: "" });
    box.write("project/.demo.toml", "rs1 = 7\n");
    assert.deepEqual(pick(get("rs1")), { status: 0, stdout: "7\n", stderr: "" });
    assert.deepEqual(pick(get("nope")), {
      status: 1,
      stdout: "",
      stderr: "strata-rs: nope is not set in any layer\n",
    });

    // A file that does not parse is refused, byte for byte.
    fs.writeFileSync(file, "a = [\n");
    const refused = spawnSync(rust, ["--app", "demo", "set", "b", "1"], {
      env: box.env,
      encoding: "utf8",
    });
    assert.equal(refused.status, 3);
    assert.match(
      refused.stderr,
      /config\.toml does not parse \(line 1, column 7: Unexpected end of input; Expected `\]`\); nothing written: mend it with strata edit or strata restore latest\n$/,
    );
    assert.equal(box.read(file), "a = [\n");
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["config.toml"]);
  } finally {
    box.cleanup();
  }
});

function pick(r: { status: number | null; stdout: string; stderr: string }) {
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

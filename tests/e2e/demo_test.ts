// The three-language demo (examples/demo/demo.ts) run as a person runs it:
// strata, `strata ui` in headless Chromium, the Python writer and the Rust
// program (built offline against Debian's packaged crates, as
// other_languages_test.ts builds it), real processes in a folder of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { readJournal } from "../../src/store/journal.ts";
import { statePaths } from "../../src/store/state_paths.ts";
import { REPO, runScript, tempDir } from "../_support/mod.ts";

const DEMO = path.join(REPO, "examples", "demo", "demo.ts");
const RUST = path.join(REPO, "examples", "rust");

function missing(): string | false {
  if (spawnSync("cargo", ["--version"]).status !== 0) {
    return "cargo is not installed: the Rust program cannot be built " +
      "(apt-get install cargo librust-toml-edit-dev librust-libc-dev)";
  }
  if (!fs.existsSync("/usr/share/cargo/registry")) {
    return "Debian's Rust crates are not installed (apt-get install librust-toml-edit-dev librust-libc-dev)";
  }
  return false;
}

/** Builds the Rust program (offline; cached in examples/rust/target, so usually a check). */
function buildRust(): void {
  const r = spawnSync("cargo", ["build", "--quiet", "--offline"], {
    cwd: RUST,
    encoding: "utf8",
    timeout: 900_000,
  });
  assert.equal(r.status, 0, `cargo build: ${r.stderr}`);
}

/** Escapes `text` for a regular expression. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("the demo: the page shows what strata, Python and Rust write; history lists all three", {
  skip: missing(),
  timeout: 900_000,
}, async () => {
  buildRust();
  using dir = tempDir({ prefix: "strata-demo-test-" });
  const r = await runScript(DEMO, ["--keep", dir.path]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^demo:/m);

  const userFile = path.join(dir.path, "config", "demo", "config.toml");
  assert.equal(
    fs.readFileSync(userFile, "utf8"),
    '[db]\nhost = "db.internal"\nport = 5433\nreplica_port = 5434\n',
  );
  const out = r.stdout;
  // What the browser read in the page: value, layer and file:line of each row.
  assert.match(
    out,
    new RegExp(`^page: db\\.host = "db\\.internal"   \\[user\\] ${literal(userFile)}:2$`, "m"),
  );
  assert.match(
    out,
    new RegExp(
      `^page: db\\.port = 5433   \\[user\\] ${
        literal(userFile)
      }:3   \\(shown \\d+ ms after the writer exited\\)$`,
      "m",
    ),
  );
  assert.match(
    out,
    new RegExp(
      `^page: db\\.replica_port = 5434   \\[user\\] ${
        literal(userFile)
      }:4   \\(shown \\d+ ms after the writer exited\\)$`,
      "m",
    ),
  );
  // The Rust program read the value the Python writer wrote.
  assert.match(out, /^\$ strata-rs --app demo get db\.port\n5433\n/m);

  // strata history, as printed: one line per writer, in order.
  const history = out.slice(out.indexOf("$ strata --app demo history\n")).split("\n").slice(1, 4);
  assert.equal(history.length, 3, out);
  const expected: [string, string][] = [
    ['db.host = "db.internal" (new)', "strata set"],
    ["db.port = 5433 (new)", "strata_writer.py"],
    ["db.replica_port = 5434 (new)", "strata-rs"],
  ];
  history.forEach((line, i) => {
    const [change, program] = expected[i];
    assert.match(
      line,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  user  ${literal(change)} +${
          literal(program)
        } +\\S+@\\S+$`,
      ),
      line,
    );
  });

  // The journal behind it, in the demo's own state folder.
  const stateDir = path.join(dir.path, "state", "strata", "_shared");
  const { entries, skipped } = readJournal(statePaths(stateDir, userFile).journal);
  assert.deepEqual(skipped, []);
  assert.deepEqual(
    entries.map((e) => [e.key, e.new, e.layer, e.program]),
    [
      ["db.host", "db.internal", "user", "strata set"],
      ["db.port", 5433, "user", "strata_writer.py"],
      ["db.replica_port", 5434, "user", "strata-rs"],
    ],
  );
  // The demo stopped strata ui and left no lock or temp file behind.
  assert.deepEqual(
    fs.readdirSync(path.dirname(userFile)).filter((n) => /\.(lock|tmp|break)$/.test(n)),
    [],
  );
});

test("the demo refuses an unknown argument, saying how to run it", async () => {
  const r = await runScript(DEMO, ["--fast"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "usage: bun examples/demo/demo.ts [--keep DIR]\n");
});

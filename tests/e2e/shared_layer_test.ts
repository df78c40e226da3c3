// End-to-end: a value of the shared layer names the scope and server its
// snapshot copies, then the snapshot's file and line (explain, list).
import assert from "node:assert/strict";
import { test } from "node:test";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";

const HEADER = [
  "# The shared layer, copied from the server by strata; edits here are replaced at the next sync.",
  "# Change a value with: strata set --shared KEY VALUE",
  '# source = "postgres://ana@db.example.com:5433/config"',
  '# scope = "team:ops/demo"',
  "# revision = 3",
  "# time = 2026-01-01T00:00:00Z",
  "",
].join("\n");

function layOut(box: Sandbox) {
  const snapshot = box.write(
    `${box.configHome}/demo/shared.toml`,
    `${HEADER}\ndb.host = "shared-host"\ndb.pool = 20\n`,
  );
  const user = box.write(`${box.configHome}/demo/config.toml`, '[db]\nhost = "mine"\n');
  return { snapshot, user };
}

const REMOTE = "team:ops/demo @ db.example.com:5433";

test("explain names the shared layer's scope and server, in the winner and in the walk", () => {
  const box = makeSandbox();
  try {
    const { snapshot, user } = layOut(box);
    const pool = box.run(["--app", "demo", "explain", "db.pool"]);
    assert.equal(pool.code, 0, pool.stderr);
    assert.equal(
      pool.stdout.split("\n")[0],
      `db.pool = 20  (from shared ${REMOTE}, snapshot ${snapshot}:9)`,
    );
    assert.match(
      pool.stdout,
      new RegExp(`^\\*  shared +${REMOTE}, snapshot ${snapshot}:9 +20$`, "m"),
    );
    const host = box.run(["--app", "demo", "explain", "db.host"]);
    assert.equal(host.stdout.split("\n")[0], `db.host = "mine"  (from user ${user}:2)`);
    assert.match(
      host.stdout,
      new RegExp(
        `^   shared +${REMOTE}, snapshot ${snapshot}:8 +"shared-host"  \\(overridden\\)$`,
        "m",
      ),
    );
    const json = JSON.parse(box.run(["--app", "demo", "explain", "db.pool", "--json"]).stdout);
    assert.deepEqual(json.winner.origin, {
      layer: "shared",
      file: snapshot,
      line: 9,
      remote: REMOTE,
    });
    assert.deepEqual(json.walk.find((s: { layer: string }) => s.layer === "shared"), {
      layer: "shared",
      status: "set",
      file: snapshot,
      value: 20,
      line: 9,
      remote: REMOTE,
    });
  } finally {
    box.cleanup();
  }
});

test("list --show-origin names the shared layer's scope and server (text and JSON)", () => {
  const box = makeSandbox();
  try {
    const { snapshot, user } = layOut(box);
    const text = box.run(["--app", "demo", "list", "--show-origin"]);
    assert.equal(text.code, 0, text.stderr);
    const rows = text.stdout.trimEnd().split("\n").map((l) => l.split(/ {2,}/));
    assert.deepEqual(rows, [
      ["user", `${user}:2`, 'db.host = "mine"'],
      ["shared", `${REMOTE}, snapshot ${snapshot}:9`, "db.pool = 20"],
    ]);
    const json = JSON.parse(box.run(["--app", "demo", "list", "--show-origin", "--json"]).stdout);
    assert.deepEqual(json["db.pool"], {
      value: 20,
      origin: { layer: "shared", file: snapshot, line: 9, remote: REMOTE },
    });
  } finally {
    box.cleanup();
  }
});

test("a snapshot whose header names no server keeps the plain file:line origin", () => {
  const box = makeSandbox();
  try {
    const snapshot = box.write(`${box.configHome}/demo/shared.toml`, "db.pool = 20\n");
    const r = box.run(["--app", "demo", "explain", "db.pool"]);
    assert.equal(r.stdout.split("\n")[0], `db.pool = 20  (from shared ${snapshot}:1)`);
  } finally {
    box.cleanup();
  }
});

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import type { MirrorState } from "../../src/remote/local_state.ts";
import { readSnapshotHeader, renderSnapshot, writeSnapshot } from "../../src/remote/snapshot.ts";
import { parse } from "../../src/toml/parse.ts";

function mirror(revision: number, rows: Record<string, string>): MirrorState {
  const m: MirrorState = {
    source: "postgres://ana@db/cfg",
    scope: "team:ops/app",
    revision,
    rows: {},
  };
  for (const [key, text] of Object.entries(rows)) {
    m.rows[key] = { text, kind: "string", version: 1, revision, deleted: false };
  }
  return m;
}

describe("snapshot", () => {
  it("renders a TOML file with a header; a key under another key's value is left out", () => {
    const m = mirror(7, { "db.host": '"h"', 'servers."eu.west".port': "80", a: "1", "a.b": "2" });
    m.rows.gone = { text: '"x"', kind: "string", version: 2, revision: 7, deleted: true };
    const { text, skipped } = renderSnapshot(m, "2026-01-02T03:04:05.000Z");
    assert.deepEqual(skipped, ["a.b"]);
    assert.equal(
      text,
      [
        "# The shared layer, copied from the server by strata; edits here are replaced at the next sync.",
        "# Change a value with: strata set --shared KEY VALUE",
        '# source = "postgres://ana@db/cfg"',
        '# scope = "team:ops/app"',
        "# revision = 7",
        "# time = 2026-01-02T03:04:05.000Z",
        "# left out (under another key's value): a.b",
        "",
        "a = 1",
        'db.host = "h"',
        'servers."eu.west".port = 80',
        "",
      ].join("\n"),
    );
    assert.deepEqual(JSON.parse(JSON.stringify(parse(text))), {
      a: 1,
      db: { host: "h" },
      servers: { "eu.west": { port: 80 } },
    });
    assert.deepEqual(readSnapshotHeader(text), {
      source: "postgres://ana@db/cfg",
      scope: "team:ops/app",
      revision: 7,
      time: "2026-01-02T03:04:05.000Z",
    });
  });

  it("is written through the write protocol, journaled, and never stepped back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-snap-"));
    try {
      const file = path.join(dir, "cfg", "shared.toml");
      const options = { stateDir: path.join(dir, "state"), program: "test", time: "T" };
      const first = await writeSnapshot(file, mirror(2, { k: '"new"' }), {}, options);
      assert.equal(first.changed, true);
      const newer = await writeSnapshot(
        file,
        mirror(5, { k: '"newer"' }),
        mirror(2, { k: '"new"' }).rows,
        options,
      );
      assert.equal(newer.changed, true);
      assert.ok(newer.backupId, "the previous snapshot is kept as a backup");
      const older = await writeSnapshot(file, mirror(3, { k: '"old"' }), {}, options);
      assert.equal(older.changed, false);
      assert.match(fs.readFileSync(file, "utf8"), /^k = "newer"$/m);
      const journalDir = path.join(options.stateDir, "journal");
      const [journal] = fs.readdirSync(journalDir);
      const entries = fs.readFileSync(path.join(journalDir, journal), "utf8").trim().split("\n")
        .map((l) => JSON.parse(l));
      assert.deepEqual(entries.map((e) => [e.layer, e.key, e.old, e.new]), [
        ["shared", "k", undefined, "new"],
        ["shared", "k", "new", "newer"],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

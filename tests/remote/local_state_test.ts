// Where a machine keeps its replica of a shared scope: the state folder is
// shared by every application, so each snapshot file gets a folder of its own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { replicaPaths } from "../../src/remote/local_state.ts";
import { statePaths } from "../../src/store/state_paths.ts";

test("each snapshot file has its own replica folder in the one state folder", () => {
  const state = "/s/strata/_shared";
  const demo = replicaPaths(state, "/home/me/.config/demo/shared.toml");
  const other = replicaPaths(state, "/home/me/.config/other/shared.toml");
  assert.notEqual(demo.dir, other.dir);
  assert.equal(
    demo.dir,
    `${state}/remote/${statePaths(state, "/home/me/.config/demo/shared.toml").name}`,
  );
  assert.match(demo.dir, /\/remote\/shared\.toml-[0-9a-f]{8}$/);
  assert.deepEqual(
    [demo.mirror, demo.outbox, demo.conflicts, demo.lock],
    ["mirror.json", "outbox.json", "conflicts.json", "replica"].map((f) => `${demo.dir}/${f}`),
  );
});

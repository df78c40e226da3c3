// A page's set and unset through runAction: the value the person saw is checked under the
// write's lock, so a writer landing before the write is a conflict, never overwritten.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { runAction } from "../../src/ui/_actions.ts";
import { librarySandbox } from "../_support/mod.ts";

test("a set from the page checked against what it showed: written when unchanged", async () => {
  using sb = librarySandbox();
  sb.write(sb.userFile, "port = 1 # the port\n");
  const config = sb.open();
  const done = await runAction(config, {
    op: "set",
    key: "port",
    value: "2",
    layer: "user",
    expected: "1",
  });
  assert.deepEqual(done, { ok: true, message: "port = 2 (user)" });
  assert.equal(sb.read(sb.userFile), "port = 2 # the port\n");
});

test("a writer between the page's check and the lock: a conflict with their value, nothing written", async () => {
  using sb = librarySandbox();
  sb.write(sb.userFile, 'port = 1\nhost = "a"\n');
  const config = sb.open();
  // The file still holds what the page showed when the change starts; the other writer lands
  // before the write takes its lock.
  const set = runAction(config, {
    op: "set",
    key: "port",
    value: "3",
    layer: "user",
    expected: "1",
  });
  fs.writeFileSync(sb.userFile, 'port = 2\nhost = "a"\n');
  const outcome = await set;
  assert.equal(outcome.ok, false);
  assert.ok("conflict" in outcome && outcome.conflict);
  assert.equal(outcome.current?.text, "2");
  assert.match(
    outcome.message,
    /^port changed in user while you were editing: another writer set it to 2/,
  );
  assert.equal(sb.read(sb.userFile), 'port = 2\nhost = "a"\n');

  const unset = runAction(config, { op: "unset", key: "host", layer: "user", expected: '"a"' });
  fs.writeFileSync(sb.userFile, "port = 2\n");
  const removed = await unset;
  assert.ok("conflict" in removed && removed.conflict);
  assert.equal(removed.current, null);
  assert.match(removed.message, /another writer removed it; nothing was written/);
  assert.equal(sb.read(sb.userFile), "port = 2\n");
});

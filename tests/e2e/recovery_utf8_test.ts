// End to end: a file that is not valid UTF-8 is mended by the commands strata
// names (restore latest, edit), and its bytes are kept as a backup.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { makeSandbox } from "../_support/mod.ts";

test("a file that is not UTF-8: restore latest and edit mend it, its bytes are kept", {
  skip: process.platform === "win32",
}, () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    assert.equal(box.run([...app, "set", "a", "1"]).code, 0);
    assert.equal(box.run([...app, "set", "a", "2"]).code, 0);
    const user = `${box.configHome}/demo/config.toml`;
    const bad = new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]); // a = "\xff"
    fs.writeFileSync(user, bad);
    const restore = box.run([...app, "restore", "latest"]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(box.read(user), 'a = "1"\n');
    const rows = JSON.parse(box.run([...app, "backups", "--json"]).stdout);
    assert.deepEqual(new Uint8Array(fs.readFileSync(rows[0].path)), bad);
    assert.equal(rows[0].valid, false);
    // edit shows the bad byte as U+FFFD; the person's fix is written.
    fs.writeFileSync(user, bad);
    const script = box.write(
      "bin/fix",
      `#!/bin/sh\ngrep -q '\u{FFFD}' "$1" && printf 'a = "3"\\n' > "$1"\n`,
    );
    fs.chmodSync(script, 0o755);
    const edit = box.run([...app, "edit"], { env: { EDITOR: script } });
    assert.equal(edit.code, 0, edit.stderr);
    assert.equal(box.read(user), 'a = "3"\n');
  } finally {
    box.cleanup();
  }
});

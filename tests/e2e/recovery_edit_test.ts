// End to end: `strata edit` with scripts as the editor (no terminal): a
// valid edit is written; garbage is refused with the old file kept and the
// text recoverable; `edit --from` resumes it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeSandbox } from "../_support/mod.ts";

/** A shell script editor that writes `text` over the file named by its last argument. */
function editorScript(box: ReturnType<typeof makeSandbox>, name: string, text: string): string {
  const script = box.write(
    `bin/${name}`,
    `#!/bin/sh\n# the file is the last argument\nfor f; do :; done\nprintf '%s' '${text}' > "$f"\n`,
  );
  fs.chmodSync(script, 0o755);
  return script;
}

test(
  "edit writes a valid text through the protocol",
  { skip: process.platform === "win32" },
  () => {
    const box = makeSandbox();
    try {
      const app = ["--app", "demo"];
      assert.equal(box.run([...app, "set", "a", "1"]).code, 0);
      const editor = editorScript(box, "good", '# edited\na = "2"\nb = 3\n');
      // EDITOR holds words: the script gets an extra argument before the file.
      const r = box.run([...app, "edit"], { env: { EDITOR: `${editor} --wait` } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^wrote .*config\.toml \(the previous version is backup \S+; undo with: strata --app demo undo\)\n {2}~ a: "1" -> "2"\n {2}\+ b = 3\n$/,
      );
      assert.equal(box.read(`${box.configHome}/demo/config.toml`), '# edited\na = "2"\nb = 3\n');
      const history = JSON.parse(box.run([...app, "history", "--json"]).stdout);
      assert.deepEqual(
        history.slice(1).map((e: { key: string; action: string }) => [e.key, e.action]),
        [
          ["a", "edit"],
          ["b", "edit"],
        ],
      );
      // VISUAL wins over EDITOR; saving the same text writes nothing.
      const same = box.run([...app, "edit"], {
        env: { VISUAL: editorScript(box, "same", '# edited\na = "2"\nb = 3\n'), EDITOR: "false" },
      });
      assert.equal(same.code, 0, same.stderr);
      assert.match(same.stdout, /unchanged\n$/);
    } finally {
      box.cleanup();
    }
  },
);

test("an editor that saves garbage: refused, old file kept, the text recoverable", {
  skip: process.platform === "win32",
}, () => {
  const box = makeSandbox();
  try {
    const app = ["--app", "demo"];
    assert.equal(box.run([...app, "set", "a", "1"]).code, 0);
    const user = `${box.configHome}/demo/config.toml`;
    const before = fs.readFileSync(user);
    const garbage = 'a = "2"\n[[[ not toml\n';
    const r = box.run([...app, "edit"], { env: { EDITOR: editorScript(box, "bad", garbage) } });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, new RegExp(`${user}:2:\\d+: `));
    assert.match(r.stderr, /Nothing was written: .* is as it was\. Your text is kept in (\S+);/);
    const kept = r.stderr.match(/Your text is kept in (\S+);/)![1];
    assert.equal(fs.readFileSync(kept, "utf8"), garbage);
    assert.equal(fs.statSync(kept).mode & 0o777, 0o600);
    assert.ok(kept.startsWith(path.join(box.stateHome, "strata", "_shared", "edits")));
    assert.deepEqual(fs.readFileSync(user), before);
    // The person goes on from their text and mends it.
    const fix = editorScript(box, "fix", 'a = "2"\nnot_toml = true\n');
    const resumed = box.run([...app, "edit", "--from", kept], { env: { EDITOR: fix } });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(box.read(user), 'a = "2"\nnot_toml = true\n');
    // An editor that cannot be started: exit 2, nothing written.
    const missing = box.run([...app, "edit"], { env: { EDITOR: "/no/such/editor" } });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot start the editor "\/no\/such\/editor"/);
  } finally {
    box.cleanup();
  }
});

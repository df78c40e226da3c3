// The edit session: valid text written through the protocol; invalid text
// refused with the old file kept and the text recoverable; re-open on ask;
// a file changed meanwhile is not overwritten.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeHome } from "./_fixture.ts";
import { editLayer, layerFile, readHistory } from "../../src/recovery/mod.ts";
import type { EditorExit } from "../../src/recovery/mod.ts";

/** An editor that replaces the file's text with each of `texts` in turn. */
function fakeEditor(texts: string[], seen: string[] = []) {
  return (words: string[]): EditorExit => {
    const file = words[words.length - 1];
    seen.push(fs.readFileSync(file, "utf8"));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    fs.writeFileSync(file, texts.shift()!);
    return { status: 0 };
  };
}

test("a valid edit is written, backed up and journaled as an edit", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    const target = layerFile(config);
    const seen: string[] = [];
    const r = await editLayer(config, target, {
      editor: ["my-editor", "--wait"],
      runEditor: fakeEditor(['# mine\na = "2"\nb = 3\n'], seen),
    });
    assert.equal(r.status, "written");
    assert.deepEqual(seen, ['a = "1"\n']);
    assert.equal(home.read(home.userFile), '# mine\na = "2"\nb = 3\n');
    assert.deepEqual(r.changes.map((c) => c.path[0]), ["a", "b"]);
    const lines = readHistory([target]).entries.slice(1);
    assert.deepEqual(lines.map((e) => [e.key, e.action, e.old, e.new]), [
      ["a", "edit", "1", "2"],
      ["b", "edit", undefined, 3],
    ]);
    assert.ok(r.backupId);
    // The working copy is gone.
    assert.deepEqual(fs.readdirSync(path.join(home.stateDir, "edits")), []);
    // Saving it unchanged writes nothing.
    const same = await editLayer(config, target, {
      editor: ["ed"],
      runEditor: fakeEditor(['# mine\na = "2"\nb = 3\n']),
    });
    assert.equal(same.status, "unchanged");
  } finally {
    home.cleanup();
  }
});

test("garbage is refused: the old file stays, the text is kept, --from resumes it", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    const target = layerFile(config);
    const before = fs.readFileSync(home.userFile);
    let kept = "";
    const reports: string[] = [];
    await assert.rejects(
      editLayer(config, target, {
        editor: ["ed"],
        runEditor: fakeEditor(['a = "2"\nb = = 3\n']),
        report: (m) => reports.push(m),
      }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "parse");
        assert.match(e.message, new RegExp(`^${home.userFile}:2:5: `));
        kept = e.message.match(/Your text is kept in (\S+);/)![1];
        assert.match(e.message, /to go on editing it: strata --app demo edit --from \S+$/);
        return true;
      },
    );
    // Not asked: the problem is said once, in the refusal, not reported before it too.
    assert.deepEqual(reports, []);
    assert.deepEqual(fs.readFileSync(home.userFile), before);
    assert.equal(fs.readFileSync(kept, "utf8"), 'a = "2"\nb = = 3\n');
    assert.equal(fs.statSync(kept).mode & 0o777, 0o600);
    const seen: string[] = [];
    const r = await editLayer(config, target, {
      editor: ["ed"],
      from: kept,
      runEditor: fakeEditor(['a = "2"\nb = 3\n'], seen),
    });
    assert.equal(r.status, "written");
    assert.deepEqual(seen, ['a = "2"\nb = = 3\n']);
    assert.equal(home.read(home.userFile), 'a = "2"\nb = 3\n');
  } finally {
    home.cleanup();
  }
});

test("asked, the person re-opens the editor on their broken text and mends it", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    const questions: string[] = [];
    const seen: string[] = [];
    const r = await editLayer(config, layerFile(config), {
      editor: ["ed"],
      runEditor: fakeEditor(["a = [\n", "a = [1]\n"], seen),
      ask: (q) => (questions.push(q), true),
    });
    assert.equal(r.status, "written");
    assert.deepEqual(seen, ['a = "1"\n', "a = [\n"]);
    assert.deepEqual(questions, ["Re-open the editor to fix it? [Y/n] "]);
    assert.equal(home.read(home.userFile), "a = [1]\n");
  } finally {
    home.cleanup();
  }
});

test("a text that breaks the schema is refused like a syntax error", async () => {
  const home = makeHome();
  try {
    const config = home.open({}, {
      type: "object",
      properties: { port: { type: "integer", maximum: 65535 } },
    });
    await assert.rejects(
      editLayer(config, layerFile(config), {
        editor: ["ed"],
        runEditor: fakeEditor(["port = 70000\n"]),
      }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "schema");
        assert.match(
          e.message,
          /does not match the schema:\n {2}port: 70000 is greater than the maximum 65535\n/,
        );
        return true;
      },
    );
    assert.equal(fs.existsSync(home.userFile), false);
  } finally {
    home.cleanup();
  }
});

test("a file changed while the editor was open is not overwritten", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    const other = home.open({ program: "other" });
    await assert.rejects(
      editLayer(config, layerFile(config), {
        editor: ["ed"],
        runEditor: (words) => {
          fs.writeFileSync(words[words.length - 1], 'a = "mine"\n');
          // Another program writes meanwhile (synchronously here: the lock is free).
          fs.writeFileSync(home.userFile, 'a = "theirs"\n');
          return { status: 0 };
        },
      }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "type");
        assert.match(e.message, /was changed by someone else while the editor was open/);
        const kept = e.message.match(/Your text is kept in (\S+);/)![1];
        assert.equal(fs.readFileSync(kept, "utf8"), 'a = "mine"\n');
        return true;
      },
    );
    assert.equal(home.read(home.userFile), 'a = "theirs"\n');
    assert.ok(other);
  } finally {
    home.cleanup();
  }
});

test("an editor that cannot start, or fails, writes nothing", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    const target = layerFile(config);
    await assert.rejects(
      editLayer(config, target, { editor: ["/no/such/editor-strata"] }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "usage");
        assert.match(e.message, /^cannot start the editor "\/no\/such\/editor-strata"/);
        return true;
      },
    );
    await assert.rejects(
      editLayer(config, target, { editor: ["ed"], runEditor: () => ({ status: 1 }) }),
      /^StrataError: the editor exited with status 1; nothing was written$/,
    );
    assert.equal(home.read(home.userFile), 'a = "1"\n');
    assert.deepEqual(fs.readdirSync(path.join(home.stateDir, "edits")), []);
  } finally {
    home.cleanup();
  }
});

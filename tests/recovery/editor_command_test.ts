import { test } from "node:test";
import assert from "node:assert/strict";
import { editorCommand, splitCommand } from "../../src/recovery/editor_command.ts";

test("an editor command is split into words like a shell would, without running one", () => {
  assert.deepEqual(splitCommand("code --wait"), ["code", "--wait"]);
  assert.deepEqual(splitCommand("  vim   -f  "), ["vim", "-f"]);
  assert.deepEqual(splitCommand(`"/opt/My Editor/bin/ed" -n`), ["/opt/My Editor/bin/ed", "-n"]);
  assert.deepEqual(splitCommand(`emacsclient -a '' -t`), ["emacsclient", "-a", "", "-t"]);
  assert.deepEqual(splitCommand(`ed a\\ b "x\\"y" 'it''s'`), ["ed", "a b", 'x"y', "its"]);
  assert.deepEqual(splitCommand(`sh -c 'vi "$1"; rm -rf /' --`), [
    "sh",
    "-c",
    'vi "$1"; rm -rf /',
    "--",
  ]);
  assert.deepEqual(splitCommand("ed $HOME `x`; rm"), ["ed", "$HOME", "`x`;", "rm"]);
  assert.throws(() => splitCommand(`code "--wait`), (e: Error & { code?: string }) => {
    assert.equal(e.code, "usage");
    assert.match(e.message, /has an unclosed "; fix \$VISUAL or \$EDITOR/);
    return true;
  });
});

test("VISUAL, then EDITOR, then vi (notepad on Windows)", () => {
  assert.deepEqual(editorCommand({ VISUAL: "code -w", EDITOR: "nano" }, "linux"), ["code", "-w"]);
  assert.deepEqual(editorCommand({ VISUAL: " ", EDITOR: "nano" }, "linux"), ["nano"]);
  assert.deepEqual(editorCommand({}, "linux"), ["vi"]);
  assert.deepEqual(editorCommand({}, "win32"), ["notepad"]);
});

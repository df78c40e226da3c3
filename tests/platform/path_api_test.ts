import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { posixPath, win32Path } from "../../src/platform/path_api.ts";

test("POSIX operations match node:path", () => {
  const joins = [["/a", "b", "c.toml"], ["/a/", "./b/../c"], ["a", "..", "..", "b"], ["/", ".."], [
    "",
    "",
  ], ["a/"]];
  for (const parts of joins) {
    assert.equal(posixPath.join(...parts), path.posix.join(...parts), parts.join(","));
  }
  for (const p of ["/a/b/c", "/a", "/", "a/b", "a", "/a/b/"]) {
    assert.equal(posixPath.dirname(p), path.posix.dirname(p), p);
  }
  const resolves = [["/w", "x"], ["/w", "/abs", "y/../z"], ["/w/./q/.."], ["rel"]];
  for (const parts of resolves) {
    assert.equal(posixPath.resolve(...parts), path.posix.resolve(...parts), parts.join(","));
  }
  assert.equal(posixPath.isAbsolute("/x"), true);
  assert.equal(posixPath.isAbsolute("x"), false);
});

test("Windows operations match node:path", () => {
  const joins = [
    ["C:\\Users\\ann", "AppData", "Roaming"],
    ["C:\\a", "..", "b"],
    ["D:/PD", "demo"],
    ["\\\\srv\\share", "x"],
    ["C:\\", "x\\y\\"],
  ];
  for (const parts of joins) {
    assert.equal(win32Path.join(...parts), path.win32.join(...parts), parts.join(","));
  }
  for (const p of ["C:\\w\\p", "C:\\w", "C:\\", "\\\\srv\\share\\x", "\\\\srv\\share\\"]) {
    assert.equal(win32Path.dirname(p), path.win32.dirname(p), p);
  }
  const resolves = [["C:\\w", "x"], ["C:\\w", "D:\\abs", "y\\..\\z"], ["C:/w/./q/.."]];
  for (const parts of resolves) {
    assert.equal(win32Path.resolve(...parts), path.win32.resolve(...parts), parts.join(","));
  }
  for (const p of ["C:\\x", "C:/x", "\\\\s\\h", "\\x", "x", "C:x"]) {
    assert.equal(win32Path.isAbsolute(p), path.win32.isAbsolute(p), p);
  }
});

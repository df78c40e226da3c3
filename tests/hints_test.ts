// Hints as data, worded without naming a command (the library's default).
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Hint, hintTarget, plainHintWords } from "../src/hints.ts";

test("every hint is worded in plain words, naming its file", () => {
  const user = { app: "demo", layer: "user" };
  const file = { file: "/w/app.conf", format: "toml" as const, layer: "file" };
  const cases: [Hint, string][] = [
    [{ ...user, action: "edit" }, "edit the user file of demo"],
    [{ ...file, action: "edit", from: "/s/kept.toml" }, "edit /w/app.conf from /s/kept.toml"],
    [
      { ...user, action: "restore", which: "latest" },
      "restore the latest backup of the user file of demo",
    ],
    [
      { ...file, action: "restore", which: "20260101T000000.000Z-1" },
      "restore backup 20260101T000000.000Z-1 of /w/app.conf",
    ],
    [{ ...user, action: "backups" }, "list the backups of the user file of demo"],
    [{ ...user, action: "history" }, "see the history of the user file of demo"],
    [
      { ...user, action: "history", key: "db.port" },
      "see the history of db.port in the user file of demo",
    ],
    [{ ...user, action: "diff" }, "see what changed in the user file of demo"],
    [{ ...user, action: "undo" }, "undo the last change of the user file of demo"],
    [
      { ...user, action: "set", key: "n", value: "123", type: "string" },
      "set n to 123 as a string in the user file of demo",
    ],
    [
      { ...user, action: "set-secret", key: "db.password" },
      "store db.password sealed in the user file of demo",
    ],
    [{ app: "demo", action: "explain", key: "KEY" }, "see which layer sets KEY"],
    [{ app: "demo", action: "doctor-fix" }, "run doctor with fix"],
  ];
  for (const [hint, words] of cases) assert.equal(plainHintWords(hint), words);
});

test("a hint's target names the file of --file mode, else the application", () => {
  assert.deepEqual(hintTarget({ app: "demo", layer: "project" }), {
    app: "demo",
    layer: "project",
  });
  assert.deepEqual(hintTarget({ app: "demo", file: "/w/a.conf", format: "json", layer: "file" }), {
    file: "/w/a.conf",
    format: "json",
    layer: "file",
  });
});

// The CLI words a hint as the strata command line that does it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cliHintWords } from "../../src/cli/hint_words.ts";
import type { Hint } from "../../src/hints.ts";

test("each hint is the command that does it, with the layer's option", () => {
  const cases: [Hint, string][] = [
    [{ app: "demo", layer: "user", action: "edit" }, "strata --app demo edit"],
    [{ app: "demo", layer: "project", action: "edit" }, "strata --app demo edit --project"],
    [
      { app: "demo", layer: "system", action: "restore", which: "latest" },
      "strata --app demo restore latest --system",
    ],
    [
      { app: "demo", layer: "user", action: "restore", which: "20260101T000000.000Z-7" },
      "strata --app demo restore 20260101T000000.000Z-7",
    ],
    [
      { app: "demo", layer: "user", action: "edit", from: "/s/kept.toml" },
      "strata --app demo edit --from /s/kept.toml",
    ],
    [{ app: "demo", layer: "project", action: "backups" }, "strata --app demo backups --project"],
    [
      { app: "demo", layer: "user", action: "history", key: "db.port" },
      "strata --app demo history db.port",
    ],
    [{ app: "demo", layer: "user", action: "diff" }, "strata --app demo diff"],
    [{ app: "demo", layer: "user", action: "undo" }, "strata --app demo undo"],
    [
      { app: "demo", layer: "project", action: "set", key: "KEY", value: "VALUE" },
      "strata --app demo set KEY VALUE --project",
    ],
    [
      { app: "demo", layer: "user", action: "set", key: "n", value: "123", type: "string" },
      "strata --app demo set --type string n 123",
    ],
    [
      { app: "demo", layer: "system", action: "set-secret", key: "db.password" },
      "strata --app demo set --secret db.password --system",
    ],
    // doctor and explain look at every layer: no layer option.
    [{ app: "demo", layer: "project", action: "doctor-fix" }, "strata --app demo doctor --fix"],
    [{ app: "demo", action: "explain", key: "KEY" }, "strata --app demo explain KEY"],
  ];
  for (const [hint, words] of cases) assert.equal(cliHintWords(hint), words);
});

test("--file mode names the file (quoted for the shell) and a format its name does not say", () => {
  assert.equal(
    cliHintWords({ file: "/w/app.toml", layer: "file", action: "edit" }),
    "strata --file /w/app.toml edit",
  );
  assert.equal(
    cliHintWords({
      file: "/w/my app.conf",
      format: "json",
      layer: "file",
      action: "restore",
      which: "latest",
    }),
    "strata --file '/w/my app.conf' --format json restore latest",
  );
  assert.equal(
    cliHintWords({ app: "it's", layer: "user", action: "undo" }),
    "strata --app 'it'\\''s' undo",
  );
});

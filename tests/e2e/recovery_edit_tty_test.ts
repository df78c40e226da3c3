// End to end, on a terminal (a pseudo-terminal made by Python's pty module):
// an edit that saves garbage is not written, strata asks whether to re-open
// the editor, and the person's second try is written.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { cliOnTerminal, hasPty, makeSandbox } from "../_support/mod.ts";

test("on a terminal, a broken edit offers to re-open the editor", {
  skip: !hasPty(),
}, () => {
  const box = makeSandbox();
  try {
    assert.equal(box.run(["--app", "demo", "set", "a", "1"]).code, 0);
    // First run of the editor saves garbage, the second a good text.
    const count = path.join(box.root, "count");
    const script = box.write(
      "bin/twice",
      `#!/bin/sh\nif [ -e ${count} ]; then printf 'a = "2"\\n' > "$1"; else : > ${count}; printf 'a = [\\n' > "$1"; fi\n`,
    );
    fs.chmodSync(script, 0o755);
    const { out, code } = cliOnTerminal(["--app", "demo", "edit"], {
      cwd: box.project,
      env: { ...box.env, EDITOR: script },
      answers: [{ after: "[Y/n]", send: "y\n", every: true }],
    });
    assert.equal(code, 0, out);
    assert.match(out, /config\.toml:2:1: /);
    assert.equal(out.split("Re-open the editor to fix it? [Y/n]").length, 2, out);
    assert.match(out, /wrote .*config\.toml/);
    assert.equal(box.read(`${box.configHome}/demo/config.toml`), 'a = "2"\n');
  } finally {
    box.cleanup();
  }
});

// End-to-end: a broken file. The advice given always works (no "restore
// latest" when no backup parses), and strict mode (--strict, STRATA_STRICT)
// fails the read, located, instead of serving the newest backup that parses.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";

const app = ["--app", "demo"];

/** A user file that was written once (one backup: the empty file before), then broken by hand. */
function brokenAfterWrites(box: Sandbox): string {
  assert.equal(box.run([...app, "set", "db.host", "db1"]).code, 0);
  assert.equal(box.run([...app, "set", "db.host", "db2"]).code, 0);
  const user = `${box.configHome}/demo/config.toml`;
  fs.writeFileSync(user, '[db]\nhost = "db3\n');
  return user;
}

test("a broken file with no backup that parses: the advice names what works, not restore", () => {
  const box = makeSandbox();
  try {
    const user = box.write(`${box.configHome}/demo/config.toml`, 'a = 1\nb = "x\n');
    const get = box.run([...app, "get", "a"]);
    assert.equal(get.code, 3);
    assert.equal(get.stdout, "");
    assert.match(
      get.stderr,
      new RegExp(
        `^strata: ${user}:2:\\d+: .*; no backup of it parses either, so it cannot be read\\. ` +
          `To mend it: strata --app demo edit \\(or open ${user} at line 2, column \\d+ in an editor\\)\\.\\n$`,
      ),
    );
    assert.ok(!get.stderr.includes("restore"), get.stderr);
    // The advice works: edit with an editor that mends the file.
    const editor = box.write("mend.sh", `#!/bin/sh\nprintf 'a = 1\\nb = "x"\\n' > "$1"\n`);
    fs.chmodSync(editor, 0o755);
    const edit = box.run([...app, "edit"], { env: { EDITOR: editor } });
    assert.equal(edit.code, 0, edit.stderr);
    assert.deepEqual(box.run([...app, "get", "b"]), { code: 0, stdout: "x\n", stderr: "" });
    // In --file mode the advice names the file the same way.
    const one = box.write("one.toml", "a = \n");
    const r = box.run(["--file", one, "get", "a"]);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      new RegExp(
        `To mend it: strata --file ${one} edit \\(or open ${one} at line 1, column \\d+ in an editor\\)\\.\\n$`,
      ),
    );
    assert.ok(!r.stderr.includes("restore"), r.stderr);
  } finally {
    box.cleanup();
  }
});

test("strict mode: --strict and STRATA_STRICT fail the read of a broken file (exit 3, located)", () => {
  const box = makeSandbox();
  try {
    const user = brokenAfterWrites(box);
    // By default the newest backup that parses is served, with a warning.
    const lenient = box.run([...app, "get", "db.host"]);
    assert.equal(lenient.code, 0);
    assert.equal(lenient.stdout, "db1\n");
    assert.match(lenient.stderr, /^strata: warning: .*using its backup of /);
    const strictText = new RegExp(
      `^strata: ${user}:2:\\d+: .*; strict mode does not fall back to its backup of [^ ]+\\. ` +
        `To mend it: strata --app demo edit \\(or go back to the last good version: ` +
        `strata --app demo restore latest\\)\\.\\n$`,
    );
    for (
      const [args, env] of [
        [["--strict", ...app, "get", "db.host"], {}],
        [[...app, "get", "db.host", "--strict"], {}],
        [[...app, "get", "db.host"], { STRATA_STRICT: "1" }],
        [[...app, "list"], { STRATA_STRICT: "true" }],
      ] as [string[], Record<string, string>][]
    ) {
      const r = box.run(args, { env });
      assert.equal(r.code, 3, `${args.join(" ")} ${JSON.stringify(env)}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, strictText);
    }
    // STRATA_STRICT=0 is the default; a value that is neither is a usage error.
    assert.equal(
      box.run([...app, "get", "db.host"], { env: { STRATA_STRICT: "0" } }).stdout,
      "db1\n",
    );
    assert.deepEqual(box.run([...app, "get", "db.host"], { env: { STRATA_STRICT: "maybe" } }), {
      code: 2,
      stdout: "",
      stderr: 'strata: STRATA_STRICT="maybe" is neither on nor off: set it to 1 (strict) or 0\n',
    });
    // The advice works: restore latest mends it, and the strict read succeeds.
    assert.equal(box.run([...app, "restore", "latest"]).code, 0);
    assert.deepEqual(box.run(["--strict", ...app, "get", "db.host"]), {
      code: 0,
      stdout: "db1\n",
      stderr: "",
    });
  } finally {
    box.cleanup();
  }
});

test("strict mode changes nothing for a file that parses", () => {
  const box = makeSandbox();
  try {
    assert.equal(box.run([...app, "set", "a", "1", "--type", "int"]).code, 0);
    assert.deepEqual(box.run(["--strict", ...app, "get", "a"]), {
      code: 0,
      stdout: "1\n",
      stderr: "",
    });
    assert.equal(box.run(["--strict", ...app, "set", "a", "2"]).code, 0);
    assert.equal(
      fs.readFileSync(path.join(box.configHome, "demo", "config.toml"), "utf8"),
      "a = 2\n",
    );
  } finally {
    box.cleanup();
  }
});

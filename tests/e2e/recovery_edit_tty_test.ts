// End to end, on a terminal (a pseudo-terminal made by Python's pty module):
// an edit that saves garbage is not written, strata asks whether to re-open
// the editor, and the person's second try is written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeSandbox } from "../_support/mod.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** Runs argv on a pseudo-terminal, answers "y" to the re-open question, returns output and status. */
const DRIVER = `
import os, pty, sys, json
argv = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b""
answered = 0
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if out.count(b"[Y/n]") > answered:
        answered += 1
        os.write(fd, b"y\\n")
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({"out": out.decode("utf8", "replace"), "code": os.waitstatus_to_exitcode(status)}))
`;

function python(): string | undefined {
  const found = spawnSync("python3", ["-c", "import pty"], { encoding: "utf8" });
  return found.status === 0 ? "python3" : undefined;
}

test("on a terminal, a broken edit offers to re-open the editor", {
  skip: process.platform === "win32" || python() === undefined,
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
    const runtime = "Deno" in globalThis
      ? [process.execPath, "run", "-A", "--quiet", MAIN]
      : [process.execPath, MAIN];
    const r = spawnSync(
      "python3",
      ["-c", DRIVER, JSON.stringify([...runtime, "--app", "demo", "edit"])],
      { cwd: box.project, env: { ...box.env, EDITOR: script }, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const { out, code } = JSON.parse(r.stdout);
    assert.equal(code, 0, out);
    assert.match(out, /config\.toml:2:1: /);
    assert.equal(out.split("Re-open the editor to fix it? [Y/n]").length, 2, out);
    assert.match(out, /wrote .*config\.toml/);
    assert.equal(box.read(`${box.configHome}/demo/config.toml`), 'a = "2"\n');
  } finally {
    box.cleanup();
  }
});

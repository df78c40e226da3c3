// End to end: rotation keeps the newest N backups (backups.keep, overridable
// through strata's own settings) and never deletes the newest copy that
// parses, even when the N newest are copies of broken files.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { makeSandbox } from "../_support/mod.ts";

interface Row {
  id: string;
  path: string;
  valid: boolean;
}

test(
  "rotation keeps N and never the newest valid copy",
  { skip: process.platform === "win32" },
  () => {
    const box = makeSandbox();
    try {
      const app = ["--app", "demo"];
      const env = { STRATA_BACKUPS__KEEP: "2" };
      const run = (args: string[], extra: Record<string, string> = {}) => {
        const r = box.run([...app, ...args], { env: { ...env, ...extra } });
        assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
        return r;
      };
      const backups = (): Row[] => JSON.parse(run(["backups", "--json"]).stdout);
      const text = (row: Row) => fs.readFileSync(row.path, "utf8");
      for (let i = 1; i <= 5; i++) run(["set", "a", String(i)]);
      // Five writes, four versions replaced, two kept: the newest two.
      assert.deepEqual(backups().map(text), ['a = "4"\n', 'a = "3"\n']);

      // Two broken hand edits, each mended with an editor script: the copies
      // of the broken texts become the newest backups.
      const user = `${box.configHome}/demo/config.toml`;
      const mend = (n: number) => {
        const script = box.write(`bin/mend${n}`, `#!/bin/sh\nprintf 'a = "${n}"\\n' > "$1"\n`);
        fs.chmodSync(script, 0o755);
        fs.writeFileSync(user, `a = "broken ${n}\n`);
        run(["edit"], { EDITOR: script });
      };
      mend(6);
      // a = "6" exists only in the file: a hand edit replaces it without a backup.
      assert.deepEqual(backups().map((r) => [text(r), r.valid]), [
        ['a = "broken 6\n', false],
        ['a = "4"\n', true],
      ]);
      mend(7);
      // N = 2 would keep only the two broken copies: the newest copy that
      // parses (a = "4") is kept as well.
      assert.deepEqual(backups().map((r) => [text(r), r.valid]), [
        ['a = "broken 7\n', false],
        ['a = "broken 6\n', false],
        ['a = "4"\n', true],
      ]);
      mend(8);
      assert.deepEqual(backups().map((r) => [text(r), r.valid]), [
        ['a = "broken 8\n', false],
        ['a = "broken 7\n', false],
        ['a = "4"\n', true],
      ]);
      // restore latest finds that valid copy (and keeps the current text as a backup).
      run(["restore", "latest"]);
      assert.equal(box.read(user), 'a = "4"\n');
    } finally {
      box.cleanup();
    }
  },
);

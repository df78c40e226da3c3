import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { COMMANDS } from "../../src/cli/_commands.ts";
import { overview } from "../../src/cli/help.ts";
import { renderManPage } from "../../src/cli/_man.ts";

test("man -l strata.1 renders every line of strata --help and of every command's --help", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-man-"));
  try {
    const page = await renderManPage();
    assert.ok(page.startsWith('.TH STRATA 1 "" "strata '), page.slice(0, 80));
    const file = path.join(dir, "strata.1");
    fs.writeFileSync(file, page);
    const shown = spawnSync("man", ["-l", file], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: dir,
        MANWIDTH: "200",
        MANPAGER: "cat",
        PAGER: "cat",
        LANG: "C.UTF-8",
      },
      encoding: "utf8",
    });
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(shown.stderr, "");
    const lines = new Set(shown.stdout.split("\n").map((line) => line.trim()));
    const texts = [
      overview(),
      ...await Promise.all(
        Object.values(COMMANDS).map(async (entry) => (await entry.load()).help),
      ),
    ];
    for (const text of texts) {
      for (const line of text.split("\n").slice(1)) {
        const wanted = line.trim().replace(/^Usage: /, "");
        if (wanted !== "") assert.ok(lines.has(wanted), `the man page shows: ${wanted}`);
      }
    }
    assert.ok(
      lines.has(
        "strata - plaintext, layered configuration that many programs can read and write safely",
      ),
    );
    assert.ok(lines.has("get"), "a section per command");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The README's examples, run: every fenced block after a `<!-- tested: console -->`
// line is run command by command (the lines starting with "$ ") in one shell,
// in an empty home folder, and its output compared with the block's; every
// block after `<!-- tested: sh -->` runs (bash -e) and must exit 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The fenced blocks of `text` marked `<!-- tested: KIND -->`, in order. */
export function markedBlocks(text: string, kind: "console" | "sh"): string[] {
  const found: string[] = [];
  const mark = new RegExp(`^<!-- tested: ${kind} -->\\n\\n\`\`\`\\w+\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  for (const match of text.matchAll(mark)) found.push(match[1]);
  return found;
}

/** A `strata` on PATH that runs main.ts under this runtime. */
function wrapper(box: Sandbox): string {
  const run = "Deno" in globalThis
    ? `"${process.execPath}" run -A --quiet --config "${path.join(REPO, "deno.json")}"`
    : `"${process.execPath}" --no-env-file`;
  const bin = path.join(box.root, "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, "strata"),
    `#!/bin/sh\nexec ${run} "${path.join(REPO, "main.ts")}" "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

/**
 * What may differ from machine to machine and run to run: times, user@host,
 * and the width of columns (the temporary home's path is longer than /home/me).
 */
function normalise(text: string): string {
  return text
    .replace(/ {2,}/g, "  ")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, "<time>")
    .replace(/\S+@\S+$/gm, "<who>");
}

const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");

test("the README's two-minute tour prints what the README shows", { timeout: 300_000 }, () => {
  const blocks = markedBlocks(README, "console");
  assert.ok(blocks.length >= 4, `${blocks.length} tested console blocks`);
  const box = makeSandbox();
  try {
    const home = path.join(box.root, "home", "me");
    const site = path.join(home, "site");
    fs.mkdirSync(site, { recursive: true });
    const lines = blocks.join("").split("\n").filter((l) => l !== "");
    const script = lines.filter((l) => l.startsWith("$ ")).map((line) => {
      const command = line.slice(2);
      return `printf '%s\\n' '${line.replaceAll("'", `'\\''`)}'\n${command} 2>&1\n`;
    }).join("");
    const r = spawnSync("bash", ["--norc", "-c", script], {
      cwd: site,
      env: {
        PATH: `${wrapper(box)}:/usr/bin:/bin`,
        HOME: home,
        NO_COLOR: "1",
        DENO_DIR: box.env.DENO_DIR,
      },
      encoding: "utf8",
    });
    assert.equal(r.stderr, "");
    const shown = r.stdout.replaceAll(box.root, "").split("\n").filter((l) => l !== "").join("\n");
    assert.equal(normalise(shown), normalise(lines.join("\n")));
  } finally {
    box.cleanup();
  }
});

test("every README shell example marked as tested runs and exits 0", { timeout: 300_000 }, () => {
  const blocks = markedBlocks(README, "sh");
  assert.ok(blocks.length >= 8, `${blocks.length} tested sh blocks`);
  const box = makeSandbox();
  try {
    // A machine where demo has a value, a schema and an editor that saves nothing new.
    box.write("config/demo/config.toml", '[db]\nhost = "db.example.com"\nport = 5432\n');
    const schema = JSON.stringify({
      type: "object",
      properties: { db: { type: "object", properties: { port: { type: "integer" } } } },
    });
    box.write("data/demo/defaults.toml", "");
    box.write("data/demo/schema.json", schema);
    box.write("project/schema.json", schema);
    const env = { ...box.env, PATH: `${wrapper(box)}:${box.env.PATH}`, EDITOR: "true" };
    for (const block of blocks) {
      const r = spawnSync("bash", ["--norc", "-e", "-c", block], {
        cwd: box.project,
        env,
        encoding: "utf8",
      });
      assert.equal(r.status, 0, `${block}\nexit ${r.status}\n${r.stdout}\n${r.stderr}`);
    }
    assert.match(box.read("project/demo_config.ts"), /^export interface DemoConfig \{$/m);
  } finally {
    box.cleanup();
  }
});

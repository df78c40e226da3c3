import { test } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS } from "../../src/cli/_commands.ts";
import { buildInfo } from "../../src/version.ts";
import { makeSandbox } from "../_support/mod.ts";

/** The commands that read and report: each has --json for scripts. */
const READING = [
  "get",
  "list",
  "explain",
  "paths",
  "backups",
  "history",
  "diff",
  "doctor",
  "watch",
  "version",
];

test("every reading command takes --json", async () => {
  for (const name of READING) {
    const command = await COMMANDS[name].load();
    assert.deepEqual(
      (command.options as Record<string, unknown>).json,
      { type: "boolean" },
      `${name} --json`,
    );
    assert.match(command.help, /^ {2}--json /m, `${name} --help names --json`);
  }
});

test("strata version --json prints the version, commit and target", () => {
  const box = makeSandbox();
  try {
    const run = box.run(["version", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const info = JSON.parse(run.stdout);
    assert.deepEqual(info, { ...buildInfo(), commit: info.commit });
    assert.equal(info.version, buildInfo().version);
    assert.equal(info.target, null);
    assert.ok(info.commit === null || /^[0-9a-f]{7}(-dirty)?$/.test(info.commit), info.commit);
    assert.equal(run.stdout, `${JSON.stringify(info)}\n`);
  } finally {
    box.cleanup();
  }
});

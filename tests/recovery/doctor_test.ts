// doctor: each check finds its problem with a mend; --fix mends the safe ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeHome } from "./_fixture.ts";
import { layerFile, runDoctor, unhealthy } from "../../src/recovery/mod.ts";
import { listBackups } from "../../src/store/backup.ts";

const posix = process.platform !== "win32";

test("a healthy configuration has no findings", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    await config.set("a", "2");
    const report = await runDoctor(config);
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.checked.map((c) => [c.layer, c.exists]), [
      ["project", false],
      ["user", true],
      ["system", false],
    ]);
  } finally {
    home.cleanup();
  }
});

test("doctor finds and --fix mends permissions, a stale lock, orphan temps, torn journal lines", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    await config.set("a", "2");
    const target = layerFile(config);
    const dir = path.dirname(home.userFile);
    if (posix) fs.chmodSync(home.userFile, 0o644);
    fs.writeFileSync(
      `${home.userFile}.lock`,
      JSON.stringify({ pid: 999999, host: os.hostname(), time: "", program: "gone", token: "t" }),
    );
    fs.writeFileSync(path.join(dir, ".config.toml.999999.ab12.tmp"), "half");
    fs.writeFileSync(path.join(target.backupDir, ".20260101T000000.000Z-999999.cd34.tmp"), "x", {
      mode: 0o600,
    });
    // (mode given: Deno's appendFileSync without one chmods an existing file to 0666)
    fs.appendFileSync(target.journal, `{"torn":`, { mode: 0o600 });
    const report = await runDoctor(config);
    const checks = report.findings.map((f) => f.check);
    assert.deepEqual(checks, [
      ...(posix ? ["permissions"] : []),
      "lock",
      "temp",
      "temp",
      "journal",
    ]);
    assert.ok(report.findings.every((f) => f.fixable && f.mend.includes("doctor --fix")));
    assert.equal(unhealthy(report), true);
    const fixed = await runDoctor(config, { fix: true });
    assert.ok(fixed.findings.every((f) => f.fixed));
    assert.equal(unhealthy(fixed), false);
    assert.deepEqual((await runDoctor(config)).findings, []);
    if (posix) assert.equal(fs.statSync(home.userFile).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["config.toml"]);
    assert.equal(fs.readFileSync(`${target.journal}.torn`, "utf8"), '{"torn":\n');
    assert.equal(fs.readFileSync(target.journal, "utf8").split("\n").length, 3);
  } finally {
    home.cleanup();
  }
});

test("a broken file, schema issues, a missing required key and a missing backup need a person", async () => {
  const home = makeHome();
  try {
    const schema = {
      type: "object" as const,
      required: ["name"],
      properties: { port: { type: "integer" as const }, name: { type: "string" as const } },
    };
    const config = home.open({}, schema);
    await config.set("port", "1", { type: "int", raw: true });
    await config.set("port", "2", { type: "int", raw: true });
    await config.set("port", "3", { type: "int", raw: true });
    home.write(path.join(home.projectDir, ".demo.toml"), 'port = "eighty"\n');
    fs.writeFileSync(home.userFile, "port = \n");
    const target = layerFile(config);
    fs.rmSync(listBackups(target.backupDir)[0].path);
    const report = await runDoctor(config, { fix: true });
    const found = report.findings.map((f) => [f.layer, f.check, f.fixed ?? false]);
    assert.deepEqual(found, [
      ["project", "schema", false],
      ["user", "parse", false],
      ["user", "backups", false],
      ["merged", "schema", false],
    ]);
    const [schemaIssue, parse, , required] = report.findings;
    assert.match(schemaIssue.problem, /^port: expected integer, found a string "eighty"/);
    assert.equal(
      schemaIssue.mend,
      "strata --app demo edit --project, or strata --app demo set KEY VALUE --project",
    );
    assert.match(parse.problem, new RegExp(`^${home.userFile}:1:8: `));
    assert.match(
      parse.mend,
      /^strata --app demo edit \(fix it by hand\), or strata --app demo restore latest/,
    );
    assert.equal(required.mend, "strata --app demo set name VALUE");
  } finally {
    home.cleanup();
  }
});

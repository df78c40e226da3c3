// End to end: doctor reports what reading the configuration warned about
// (without making the report unhealthy), once, and not what a finding says.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { makeSandbox } from "../_support/mod.ts";

const app = ["--app", "demo"];

test(
  "doctor reports read warnings: a config.json beside the config.toml",
  { timeout: 120_000 },
  () => {
    const box = makeSandbox();
    try {
      const toml = box.write(path.join(box.configHome, "demo", "config.toml"), "a = 1\n");
      const json = box.write(path.join(box.configHome, "demo", "config.json"), '{"a": 2}\n');
      fs.chmodSync(toml, 0o600); // the user layer is the owner's only: nothing else to find
      const warning =
        `both ${toml} and ${json} exist; strata reads ${toml} only: merge ${json} into it and remove it`;
      const get = box.run([...app, "get", "a"]);
      assert.deepEqual([get.code, get.stdout, get.stderr], [
        0,
        "1\n",
        `strata: warning: ${warning}\n`,
      ]);
      const doctor = box.run([...app, "doctor"]);
      assert.equal(doctor.code, 0, doctor.stdout);
      assert.equal(doctor.stderr, "");
      assert.equal(doctor.stdout.split("\n").filter((l) => l === `warning: ${warning}`).length, 1);
      assert.match(doctor.stdout, /\nhealthy\n$/);
      const json2 = JSON.parse(box.run([...app, "doctor", "--json"]).stdout);
      assert.deepEqual(json2.warnings, [warning]);
      assert.deepEqual(json2.findings, []);
    } finally {
      box.cleanup();
    }
  },
);

test(
  "doctor does not repeat as a warning what a finding says (a broken file read from its backup)",
  {
    timeout: 120_000,
  },
  () => {
    const box = makeSandbox();
    try {
      assert.equal(box.run([...app, "set", "a", "1"]).code, 0);
      assert.equal(box.run([...app, "set", "a", "2"]).code, 0);
      const file = path.join(box.configHome, "demo", "config.toml");
      box.write(file, 'a = "broken\n');
      const get = box.run([...app, "get", "a"]);
      assert.equal(get.code, 0, get.stderr);
      assert.match(get.stderr, /using its backup of/);
      const doctor = box.run([...app, "doctor", "--json"]);
      assert.equal(doctor.code, 3);
      const report = JSON.parse(doctor.stdout);
      assert.deepEqual(report.findings.map((f: { check: string }) => f.check), ["parse"]);
      assert.deepEqual(report.warnings, []);
    } finally {
      box.cleanup();
    }
  },
);

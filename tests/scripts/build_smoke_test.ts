import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { builtinDefaultProbe, programStrings } from "../../scripts/_build_smoke.ts";
import { REPO_ROOT } from "../../scripts/_build_compile.ts";

test("programStrings keeps the program's prose literals, not code between two literals", () => {
  const bundle =
    'var a="print the value of a key",b={x:"y"};if(e)throw Error("no space left on device");' +
    'let c="short one",d="NoSpacesInThisLongLiteral",f=`template ${"value has a space in it"}`;' +
    'let g="a:"+h+"b",i="print the value of a key";';
  assert.deepEqual(programStrings(bundle), [
    "no space left on device",
    "print the value of a key",
    "value has a space in it",
  ]);
});

test("programStrings of a bundle without prose is empty (the check then fails, not passes)", () => {
  assert.deepEqual(programStrings('console.log("hi")'), []);
});

test("builtinDefaultProbe finds the first integer key with its table, skipping comments and strings", () => {
  const toml =
    '# strata\'s own defaults\nname = "x"\n\n[backups]\n# how many\nkeep = 20 # versions\n' +
    "[lock]\ntimeout_ms = 10000\n";
  assert.deepEqual(builtinDefaultProbe(toml), { key: "backups.keep", value: "20" });
  assert.deepEqual(builtinDefaultProbe("retries = 3\n"), { key: "retries", value: "3" });
  assert.equal(builtinDefaultProbe('[a]\nb = "c"\n'), null);
});

test("builtinDefaultProbe reads the repository's defaults/strata.toml", () => {
  const file = path.join(REPO_ROOT, "defaults", "strata.toml");
  const probe = builtinDefaultProbe(fs.readFileSync(file, "utf8"));
  assert.notEqual(probe, null);
  assert.match(probe!.key, /^[A-Za-z0-9_.-]+$/);
});

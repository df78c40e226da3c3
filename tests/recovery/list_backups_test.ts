// describeBackups: program from the journal, keys changed vs the next version, validity.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { makeHome } from "./_fixture.ts";
import { openConfig } from "../../src/config/config.ts";
import { describeBackups, layerFile } from "../../src/recovery/mod.ts";

test("backups name the program that wrote each version and count the keys the next one changed", async () => {
  const home = makeHome();
  try {
    const gui = openConfig({
      app: "demo",
      env: home.env,
      cwd: home.projectDir,
      program: "demo-gui",
    });
    const cli = home.open({ program: "strata set" });
    await cli.set("a", "1"); // creates the file: no backup
    await gui.set("b", "2"); // backup 1 holds the version cli wrote
    await cli.set("a", "3");
    await cli.set("c", "4");
    fs.writeFileSync(home.userFile, 'a = "3"\nb = "2"\nc = "by hand"\n'); // a hand edit
    await cli.set("d", "5");
    fs.writeFileSync(home.userFile, "broken = \n"); // a hand edit
    const target = layerFile(cli);
    const info = describeBackups(target);
    assert.deepEqual(
      info.map((b) => [b.program, b.keysChanged, b.valid]),
      [
        // c = 4 was changed by hand to "by hand" before d was set; then the file was broken
        ["strata set, then by hand", undefined, true],
        ["strata set", 1, true], // a=3,b=2 -> c added
        ["demo-gui", 1, true], // a=1,b=2 -> a=3
        ["strata set", 1, true], // a=1 -> b added
      ],
    );
    assert.equal(info[3].size, fs.statSync(info[3].path).size);
    assert.ok(info[0].time > info[1].time);
  } finally {
    home.cleanup();
  }
});

test("a layer with no backups lists none", () => {
  const home = makeHome();
  try {
    assert.deepEqual(describeBackups(layerFile(home.open())), []);
  } finally {
    home.cleanup();
  }
});

test("a current file that is not UTF-8 does not stop the listing", async () => {
  const home = makeHome();
  try {
    const config = home.open();
    await config.set("a", "1");
    await config.set("a", "2");
    fs.writeFileSync(home.userFile, new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0xff, 0x0a]));
    const info = describeBackups(layerFile(config));
    assert.equal(info.length, 1);
    assert.equal(info[0].keysChanged, undefined);
    assert.equal(info[0].valid, true);
  } finally {
    home.cleanup();
  }
});

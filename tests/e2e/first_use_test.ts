// End-to-end: answers a new user gets right on the first try: a float
// written as 3 prints as 3.0, a file strata does not know how to write is
// refused unless its format is named, and --app with --file is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { listFiles, makeSandbox } from "../_support/mod.ts";

test("set of a whole number on a float key prints it as the file holds it: 3.0", () => {
  const box = makeSandbox();
  try {
    box.write("data/demo/defaults.toml", "ratio = 1.5\n");
    const set = box.run(["--app", "demo", "set", "ratio", "3"]);
    const file = `${box.configHome}/demo/config.toml`;
    assert.deepEqual(set, { code: 0, stdout: `ratio = 3.0  (user: ${file})\n`, stderr: "" });
    assert.equal(box.read(file), "ratio = 3.0\n");
    assert.equal(box.run(["--app", "demo", "get", "ratio"]).stdout, "3.0\n");
    const again = box.run(["--app", "demo", "set", "ratio", "3"]);
    assert.equal(again.stdout, `ratio = 3.0  (user: ${file}, unchanged)\n`);
    // An integer key still prints as an integer.
    box.write("data/demo/defaults.toml", "ratio = 1.5\ncount = 1\n");
    assert.equal(
      box.run(["--app", "demo", "set", "count", "3"]).stdout,
      `count = 3  (user: ${file})\n`,
    );
  } finally {
    box.cleanup();
  }
});

test("--file with a name strata does not read is refused for writes unless --format names one", () => {
  const box = makeSandbox();
  try {
    const yaml = `${box.root}/x.yaml`;
    const refused = box.run(["--file", yaml, "set", "port", "1"]);
    assert.deepEqual(refused, {
      code: 2,
      stdout: "",
      stderr: `strata: ${yaml} is not named .toml or .json, so strata does not know which format ` +
        `to write; nothing was written. To fix: name the format, --format toml or --format json\n`,
    });
    assert.deepEqual(listFiles(box.root).filter((f) => f.startsWith("x.")), []);
    // unset, edit and restore go through the same check.
    box.write(yaml, "port: 1\n");
    assert.equal(box.run(["--file", yaml, "unset", "port"]).code, 2);
    assert.equal(box.read(yaml), "port: 1\n");
    // Named explicitly: written in that format, and read back in it.
    const conf = `${box.root}/app.conf`;
    const json = box.run(["--file", conf, "--format", "json", "set", "port", "1", "--type", "int"]);
    assert.deepEqual(json, { code: 0, stdout: `port = 1  (file: ${conf})\n`, stderr: "" });
    assert.equal(box.read(conf), '{\n  "port": 1\n}\n');
    assert.deepEqual(box.run(["--file", conf, "--format", "json", "get", "port"]), {
      code: 0,
      stdout: "1\n",
      stderr: "",
    });
    // Advice for such a file names the format, so it works as printed.
    const broken = box.run(["--file", yaml, "get", "port"]);
    assert.equal(broken.code, 3);
    assert.match(
      broken.stderr,
      new RegExp(`To mend it: strata --file ${yaml} --format toml edit `),
    );
    const edit = box.run(["--file", yaml, "--format", "toml", "edit"], {
      env: { EDITOR: "sed -i s/:/=/" },
    });
    assert.equal(edit.code, 0, edit.stderr);
    assert.match(edit.stdout, new RegExp(`undo with: strata --file ${yaml} --format toml undo\\)`));
    assert.equal(box.read(yaml), "port= 1\n");
    // The file now parses: the mended value is read, with the format named or not.
    assert.equal(box.run(["--file", yaml, "--format", "toml", "get", "port"]).stdout, "1\n");
    box.write(yaml, "port: 1\n");
    const rc = `${box.root}/apprc`;
    assert.equal(box.run(["--file", rc, "--format", "toml", "set", "a.b", "x"]).code, 0);
    assert.equal(box.read(rc), '[a]\nb = "x"\n');
    // A known extension needs nothing; an unknown --format, or one without --file, is refused.
    assert.equal(box.run(["--file", `${box.root}/ok.toml`, "set", "a", "1"]).code, 0);
    const bad = box.run(["--file", conf, "--format", "yaml", "get", "port"]);
    assert.deepEqual(bad, {
      code: 2,
      stdout: "",
      stderr:
        `strata: --format wants toml or json, not "yaml"\nrun 'strata get --help' for usage\n`,
    });
    const alone = box.run(["--app", "demo", "--format", "json", "get", "port"]);
    assert.equal(alone.code, 2);
    assert.equal(
      alone.stderr,
      "strata: --format applies to --file only (layer files are named .toml or .json)\n" +
        "run 'strata get --help' for usage\n",
    );
  } finally {
    box.cleanup();
  }
});

test("--app with --file is refused: they name two different configurations", () => {
  const box = makeSandbox();
  try {
    const file = box.write("one.toml", "a = 1\n");
    for (const command of [["get", "a"], ["set", "a", "2"]]) {
      assert.deepEqual(box.run(["--app", "demo", "--file", file, ...command]), {
        code: 2,
        stdout: "",
        stderr: `strata: --app and --file name two different configurations: give --app demo ` +
          `for its layers, or --file ${file} for that one file, not both\n` +
          `run 'strata ${command[0]} --help' for usage\n`,
      });
    }
    assert.equal(box.read(file), "a = 1\n");
    // STRATA_APP is the usual application; an explicit --file replaces it.
    assert.deepEqual(box.run(["--file", file, "get", "a"], { env: { STRATA_APP: "demo" } }), {
      code: 0,
      stdout: "1\n",
      stderr: "",
    });
  } finally {
    box.cleanup();
  }
});

// End-to-end: a mistyped command, option or key gets the nearest real one
// suggested, and a value that starts with "-" is pointed to "--".
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeSandbox } from "../_support/mod.ts";

const COMMANDS = "get, set, unset, list, explain, paths, backups, restore, undo, history, diff, " +
  "edit, doctor, watch, key, run, env, import, ui, remote, types, completions, help, version";

test("a mistyped command or option: the nearest is suggested (exit 2)", () => {
  const box = makeSandbox();
  try {
    const cases: [string[], string][] = [
      [
        ["--app", "demo", "gte", "a"],
        `strata: unknown command "gte"; did you mean "get"? commands: ${COMMANDS}\n` +
        "run 'strata --help' for usage\n",
      ],
      [
        ["help", "expalin"],
        `strata: unknown command "expalin"; did you mean "explain"? commands: ${COMMANDS}\n` +
        "run 'strata --help' for usage\n",
      ],
      [
        ["--app", "demo", "--shema", "s.json", "get", "a"],
        "strata: unknown option '--shema'; did you mean '--schema'?\nrun 'strata --help' for usage\n",
      ],
      [
        ["--app", "demo", "get", "a", "--shema", "s.json"],
        "strata: unknown option '--shema'; did you mean '--schema'?\n" +
        "run 'strata get --help' for usage\n",
      ],
      [
        ["--app", "demo", "list", "--show-orgin"],
        "strata: unknown option '--show-orgin'; did you mean '--show-origin'?\n" +
        "run 'strata list --help' for usage\n",
      ],
      [
        ["--app", "demo", "set", "flags", "-v"],
        `strata: unknown option '-v'; to set a VALUE that starts with "-", put it after "--": ` +
        "strata set flags -- -v\nrun 'strata set --help' for usage\n",
      ],
    ];
    for (const [args, stderr] of cases) {
      assert.deepEqual(box.run(args), { code: 2, stdout: "", stderr }, args.join(" "));
    }
    // The advice works.
    assert.equal(box.run(["--app", "demo", "set", "flags", "--", "-v"]).code, 0);
    assert.deepEqual(box.run(["--app", "demo", "get", "flags"]), {
      code: 0,
      stdout: "-v\n",
      stderr: "",
    });
  } finally {
    box.cleanup();
  }
});

test("a key set nowhere: the key meant is named on stderr, exit 1, stdout empty", () => {
  const box = makeSandbox();
  try {
    const file = box.write("c.toml", '[db]\nport = 5432\n[servers."eu.west"]\nport = 1\n');
    const cases: [string[], string][] = [
      [["get", "DB.PORT"], "strata: DB.PORT is not set; did you mean db.port?\n"],
      [["get", "db.prot"], "strata: db.prot is not set; did you mean db.port?\n"],
      [["get", "DB"], "strata: DB is not set; did you mean db?\n"],
      [
        ["get", 'servers."eu.wset".port'],
        'strata: servers."eu.wset".port is not set; did you mean servers."eu.west".port?\n',
      ],
      // Nothing near: nothing said (a script's `|| fallback` stays quiet).
      [["get", "timeout"], ""],
    ];
    for (const [args, stderr] of cases) {
      assert.deepEqual(
        box.run(["--file", file, ...args]),
        { code: 1, stdout: "", stderr },
        args.join(" "),
      );
    }
    const explain = box.run(["--file", file, "explain", "DB.PORT"]);
    assert.equal(explain.code, 1);
    assert.equal(explain.stderr, "strata: DB.PORT is not set; did you mean db.port?\n");
    assert.match(explain.stdout, /^DB\.PORT is not set in any layer\n/);
    // The suggestion works.
    assert.equal(box.run(["--file", file, "get", "db.port"]).stdout, "5432\n");
  } finally {
    box.cleanup();
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { expectPositionals, findCommand, parseCall } from "../../src/cli/_args.ts";
import { StrataError } from "../../src/errors.ts";

const json = { json: { type: "boolean" } } as const;

test("findCommand skips global options and their values", () => {
  assert.equal(findCommand(["get", "k"]), 0);
  assert.equal(findCommand(["--app", "demo", "--set", "a=1", "get", "k"]), 4);
  assert.equal(findCommand(["--app=demo", "--debug", "list"]), 2);
  assert.equal(findCommand(["--help"]), -1);
  assert.equal(findCommand([]), -1);
  assert.equal(findCommand(["--", "get"]), 1);
});

test("parseCall takes global options before and after the command", () => {
  const call = parseCall(
    ["--app", "demo", "db.host", "--json", "--set", "a=1", "--set=b=2", "--file", "f.toml"],
    json,
    "get",
  );
  assert.deepEqual(call.positionals, ["db.host"]);
  assert.deepEqual(call.flags, { json: true });
  assert.equal(call.global.app, "demo");
  assert.equal(call.global.file, "f.toml");
  assert.deepEqual(call.global.set, ["a=1", "b=2"]);
  assert.equal(call.global.debug, false);
});

test("parseCall keeps negative numbers as values", () => {
  const call = parseCall(["offset", "-5", "--type", "int"], { type: { type: "string" } }, "set");
  assert.deepEqual(call.positionals, ["offset", "-5"]);
  assert.deepEqual(parseCall(["x", "-1.5e3"], {}, "set").positionals, ["x", "-1.5e3"]);
  assert.deepEqual(parseCall(["x", "-inf"], {}, "set").positionals, ["x", "-inf"]);
  assert.deepEqual(parseCall(["--", "x", "-v"], {}, "set").positionals, ["x", "-v"]);
  assert.deepEqual(parseCall(["--app=-odd", "-"], {}, "get").global.app, "-odd");
  assert.deepEqual(parseCall(["--app=-odd", "-"], {}, "get").positionals, ["-"]);
  const help = parseCall(["-h", "--debug"], {}, "get").global;
  assert.equal(help.help, true);
  assert.equal(help.debug, true);
});

test("parseCall turns unknown flags and missing values into usage errors with a hint", () => {
  for (
    const [args, text] of [
      [["--frob"], "unknown option '--frob'"],
      [["--app"], "option '--app <value>' argument missing"],
      [["--json=1"], "option '--json' does not take an argument"],
      [["-x"], "unknown option '-x'"],
      [
        ["--app", "--json"],
        `option '--app <value>' argument missing (for a value that starts with "-", write --app=VALUE)`,
      ],
    ] as const
  ) {
    assert.throws(() => parseCall(args, json, "get"), (error: unknown) => {
      assert.ok(error instanceof StrataError);
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, `${text}\nrun 'strata get --help' for usage`);
      return true;
    });
  }
});

test("expectPositionals names what is missing or extra", () => {
  assert.deepEqual(expectPositionals(["k", "v"], "set", ["KEY", "VALUE"]), ["k", "v"]);
  assert.deepEqual(expectPositionals([], "list", [], ["PREFIX"]), []);
  assert.throws(
    () => expectPositionals(["k"], "set", ["KEY", "VALUE"]),
    { message: "missing VALUE\nrun 'strata set --help' for usage" },
  );
  assert.throws(
    () => expectPositionals(["k", "x"], "get", ["KEY"]),
    { message: "unexpected argument \"x\"\nrun 'strata get --help' for usage" },
  );
});

// Colour: on a terminal (a pseudo-terminal made by Python's pty module)
// explain, diff and errors are coloured; with NO_COLOR set, or into a pipe,
// not a byte of escape sequence.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cliOnTerminal, hasPty, makeSandbox, type Sandbox } from "../_support/mod.ts";

const ESC = "\x1b[";

/** Escape characters as a visible "E" (the lint refuses control characters in patterns). */
function visible(text: string): string {
  return text.replaceAll("\x1b", "E");
}

function onTerminal(box: Sandbox, args: string[], env: Record<string, string>) {
  const { code, out } = cliOnTerminal(args, { cwd: box.project, env: { ...box.env, ...env } });
  return { code, out: out.replaceAll("\r\n", "\n") };
}

test("on a terminal: explain, diff and errors in colour; NO_COLOR or a pipe: none", {
  skip: !hasPty(),
}, () => {
  const box = makeSandbox();
  try {
    const colour = { NO_COLOR: "" };
    assert.equal(box.run(["--app", "demo", "set", "db.port", "5432"]).code, 0);
    assert.equal(box.run(["--app", "demo", "set", "db.port", "6543"]).code, 0);
    const file = `${box.configHome}/demo/config.toml`;

    const explain = onTerminal(box, ["--app", "demo", "explain", "db.port"], {
      ...colour,
      DEMO_DB__PORT: "7000",
    });
    assert.equal(explain.code, 0);
    assert.match(
      visible(explain.out),
      /^E\[1mdb\.port = "7000" {2}\(from environment DEMO_DB__PORT\)E\[0m\n/,
    );
    assert.match(visible(explain.out), /\nE\[32m\* {2}environment +DEMO_DB__PORT +"7000"E\[0m\n/);
    assert.match(
      visible(explain.out),
      /\nE\[2m {3}user +\S+config\.toml:2 +"6543" {2}\(overridden\)E\[0m\n/,
    );

    const diff = onTerminal(box, ["--app", "demo", "diff"], colour);
    assert.equal(diff.code, 0);
    assert.match(visible(diff.out), /\nE\[33m~ db\.port: "5432" -> "6543"E\[0m\n/);
    assert.ok(diff.out.includes(`${ESC}1m+++ current (${file})${ESC}0m\n`), diff.out);

    const error = onTerminal(box, ["nope"], colour);
    assert.equal(error.code, 2);
    assert.ok(error.out.startsWith(`${ESC}1;31mstrata:${ESC}0m unknown command "nope"`), error.out);

    for (
      const args of [["--app", "demo", "explain", "db.port"], ["--app", "demo", "diff"], ["nope"]]
    ) {
      const plain = onTerminal(box, args, { NO_COLOR: "1" });
      assert.ok(!plain.out.includes("\x1b"), `NO_COLOR: ${plain.out}`);
      const piped = box.run(args, { env: colour });
      assert.ok(
        !(piped.stdout + piped.stderr).includes("\x1b"),
        `pipe: ${piped.stdout}${piped.stderr}`,
      );
      assert.ok(plain.out.length > 0);
    }
  } finally {
    box.cleanup();
  }
});

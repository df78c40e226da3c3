import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDotenv } from "../../src/dotenv/parse.ts";

test("a .env file: bare, quoted and exported values, comments, blank lines", () => {
  const text = [
    "# database",
    "",
    "export DB_HOST = db.example.com   # the primary",
    "DB_PASS='a # not a comment'  # a comment",
    'MOTD="line one\\nline \\"two\\"\\t\\\\ \\$HOME"',
    "EMPTY=",
    "URL=http://x/#frag",
  ].join("\r\n");
  assert.deepEqual(parseDotenv(`\uFEFF${text}\r\n`).map((e) => [e.name, e.value, e.line]), [
    ["DB_HOST", "db.example.com", 3],
    ["DB_PASS", "a # not a comment", 4],
    ["MOTD", 'line one\nline "two"\t\\ $HOME', 5],
    ["EMPTY", "", 6],
    ["URL", "http://x/#frag", 7],
  ]);
});

test("a double-quoted value may span lines", () => {
  assert.deepEqual(parseDotenv('KEY="-----BEGIN-----\nabc\n-----END-----"\nNEXT=1\n'), [
    { name: "KEY", value: "-----BEGIN-----\nabc\n-----END-----", line: 1 },
    { name: "NEXT", value: "1", line: 4 },
  ]);
});

test("what is not NAME=value is refused with file, line and column", () => {
  assert.throws(() => parseDotenv("A=1\n  just words\n", "/x/.env"), {
    name: "ParseError",
    line: 2,
    column: 3,
    message: '/x/.env: line 2, column 3: expected NAME=value, found "just words"',
  });
  assert.throws(() => parseDotenv("1BAD=x"), { line: 1, column: 1 });
  assert.throws(() => parseDotenv("A='x'y"), {
    reason: 'unexpected text after the closing quote: "y"',
  });
  assert.throws(() => parseDotenv("A='open"), { reason: "a single-quoted value is not closed" });
  assert.throws(() => parseDotenv('A="open\nstill'), {
    reason: "a double-quoted value is not closed",
  });
});

// "Did you mean": edit distance with swaps, case-insensitive matches first,
// and nothing suggested for a word that is not near any candidate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { editDistance, nearest, unknownCommand } from "../../src/cli/_suggest.ts";

test("edit distance counts insertions, deletions, substitutions and neighbour swaps", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("get", "get"), 0);
  assert.equal(editDistance("gte", "get"), 1);
  assert.equal(editDistance("shema", "schema"), 1);
  assert.equal(editDistance("lst", "list"), 1);
  assert.equal(editDistance("sett", "set"), 1);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("", "abc"), 3);
});

test("nearest: same letters in another case first, then the nearest typo, else nothing", () => {
  const commands = ["get", "set", "unset", "list", "explain", "paths", "undo", "diff", "edit"];
  assert.equal(nearest("gte", commands), "get");
  assert.equal(nearest("expalin", commands), "explain");
  assert.equal(nearest("GET", commands), "get");
  assert.equal(nearest("frob", commands), undefined);
  assert.equal(nearest("x", commands), undefined);
  assert.equal(nearest("DB.PORT", ["db.host", "db.port"]), "db.port");
  // Case wins over a closer typo.
  assert.equal(nearest("Ab", ["ab", "Ac"]), "ab");
  assert.equal(
    unknownCommand("lsit", ["get", "list"]),
    'unknown command "lsit"; did you mean "list"? commands: get, list',
  );
  assert.equal(unknownCommand("frob", ["get"]), 'unknown command "frob"; commands: get');
});

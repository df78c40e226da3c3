import { test } from "node:test";
import assert from "node:assert/strict";
import { programStrings } from "../../scripts/_build_smoke.ts";

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

import assert from "node:assert/strict";
import { test } from "node:test";
import { compileArgs, RELEASE_FLAGS } from "../../scripts/_build_compile.ts";

const base = {
  entry: "main.ts",
  outfile: "dist/strata-linux-x64",
  bunTarget: "bun-linux-x64",
  defines: {},
};

test("release flags hold the JIT back from the first instruction, and keep the others", () => {
  const args = compileArgs({ ...base, flags: RELEASE_FLAGS });
  assert.equal(RELEASE_FLAGS.jitPolicy, 1000);
  assert.deepEqual(args.filter((a) => a.startsWith("--compile-jit-policy")), [
    "--compile-jit-policy=1000",
  ]);
  for (const flag of ["--minify", "--bytecode", "--format=esm", "--splitting"]) {
    assert.ok(args.includes(flag), flag);
  }
  // Flags come before the entry and the output.
  assert.deepEqual(args.slice(-2), ["main.ts", "--outfile=dist/strata-linux-x64"]);
});

test("no JIT policy flag when none is asked for, or the normal one (1)", () => {
  const plain = { minify: false, bytecode: false, sourcemap: false };
  for (const flags of [plain, { ...plain, jitPolicy: 1 }]) {
    const args = compileArgs({ ...base, flags });
    assert.equal(args.some((a) => a.startsWith("--compile-jit-policy")), false);
  }
  const args = compileArgs({ ...base, flags: { ...plain, jitPolicy: 50 } });
  assert.ok(args.includes("--compile-jit-policy=50"));
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { lddPaths } from "../../scripts/_build_scratch_root.ts";

test("lddPaths takes the resolved paths and the loader, not the vDSO", () => {
  const out = "\tlinux-vdso.so.1 (0x00007ffc)\n" +
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f25)\n" +
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f25)\n" +
    "\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f24)\n";
  assert.deepEqual(lddPaths(out), [
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/lib64/ld-linux-x86-64.so.2",
    "/lib/x86_64-linux-gnu/libm.so.6",
  ]);
});

test("lddPaths of a static binary's output is empty", () => {
  assert.deepEqual(lddPaths("\tnot a dynamic executable\n"), []);
});

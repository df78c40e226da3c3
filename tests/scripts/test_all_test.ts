// scripts/test-all.sh and scripts/count-junit.mjs: a test file that fails
// while loading counts as failed under both runtimes, though neither lists it
// in its JUnit report. Run on a temporary copy holding a passing test file
// and a deliberately broken one (never in the repository's own suite).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const PASSING = `import { test } from "node:test";
import assert from "node:assert/strict";
test("adds", () => assert.equal(1 + 1, 2));
`;

/** A copy of the scripts beside a tests/ folder holding `files` (and src/ holding `src`). */
function copy(files: Record<string, string>, src: Record<string, string> = {}): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "strata-test-all-")));
  fs.mkdirSync(path.join(root, "scripts"));
  for (const script of ["test-all.sh", "count-junit.mjs", "doc_test_preload.ts"]) {
    fs.copyFileSync(path.join(REPO, "scripts", script), path.join(root, "scripts", script));
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"));
  fs.mkdirSync(path.join(root, "tests"));
  for (const [name, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(root, "tests", name), text);
  }
  for (const [name, text] of Object.entries(src)) {
    fs.mkdirSync(path.join(root, "src"), { recursive: true });
    fs.writeFileSync(path.join(root, "src", name), text);
  }
  return root;
}

function runAll(root: string): { code: number | null; lines: string[] } {
  const r = spawnSync("bash", ["scripts/test-all.sh"], { cwd: root, encoding: "utf8" });
  if (r.error) throw r.error;
  return { code: r.status, lines: r.stdout.trimEnd().split("\n") };
}

test("a test file that throws while loading is one failure per runtime", () => {
  const root = copy({
    "a_test.ts": PASSING,
    "broken_test.ts": `import { test } from "node:test";
throw new Error("broken on purpose, while loading");
test("never runs", () => {});
`,
  });
  try {
    const { code, lines } = runAll(root);
    assert.equal(code, 1, lines.join("\n"));
    assert.equal(lines.at(-1), "2 passed, 2 failed");
    assert.ok(lines.includes(".test-results/bun.xml: 1 passed, 1 failed"), lines.join("\n"));
    assert.ok(lines.includes(".test-results/deno.xml: 1 passed, 1 failed"), lines.join("\n"));
    const named = lines.filter((l) => l === "FAILED tests/broken_test.ts");
    assert.equal(named.length, 2, lines.join("\n"));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a syntax error: Bun counts that file, Deno (which runs nothing) counts every file", () => {
  const root = copy({
    "a_test.ts": PASSING,
    "syntax_test.ts": `import { test } from "node:test";\ntest("x", () => { let = ; });\n`,
  });
  try {
    const { code, lines } = runAll(root);
    assert.equal(code, 1, lines.join("\n"));
    assert.ok(lines.includes(".test-results/bun.xml: 1 passed, 1 failed"), lines.join("\n"));
    assert.ok(
      lines.includes(
        ".test-results/deno.xml: no report (the runner stopped before writing it?): 2 failed",
      ),
      lines.join("\n"),
    );
    assert.equal(lines.at(-1), "1 passed, 3 failed");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("every file green: the count is the passing tests, exit 0", () => {
  const root = copy({ "a_test.ts": PASSING, "b_test.ts": PASSING });
  try {
    const { code, lines } = runAll(root);
    assert.equal(lines.at(-1), "4 passed, 0 failed");
    assert.equal(code, 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** A module whose one example checks that `add(1, 2)` is `sum`. */
function documented(name: string, sum: number): string {
  return `/**
 * Adds two numbers.
 *
 * @example
 * \`\`\`ts
 * import { add } from "./${name}";
 * console.assert(add(1, 2) === ${sum}, "add(1, 2) is ${sum}");
 * \`\`\`
 */
export function add(a: number, b: number): number {
  return a + b;
}
`;
}

test("every JSDoc example in src/ runs and counts: a false console.assert fails the run", () => {
  const root = copy({ "a_test.ts": PASSING }, {
    "good.ts": documented("good.ts", 3),
    "wrong.ts": documented("wrong.ts", 4),
  });
  try {
    const { code, lines } = runAll(root);
    assert.equal(code, 1, lines.join("\n"));
    assert.ok(lines.includes(".test-results/doc.xml: 1 passed, 1 failed"), lines.join("\n"));
    assert.ok(lines.some((l) => /^FAILED .*wrong\.ts/.test(l)), lines.join("\n"));
    assert.equal(lines.at(-1), "3 passed, 1 failed");
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("an example that does not type-check fails the run", () => {
  const root = copy({ "a_test.ts": PASSING }, {
    "typed.ts": documented("typed.ts", 3).replace("add(1, 2)", 'add(1, "2")'),
  });
  try {
    const { code, lines } = runAll(root);
    assert.equal(code, 1, lines.join("\n"));
    assert.match(lines.join("\n"), /doc\.xml: .*[1-9]\d* failed/);
    assert.match(lines.at(-1)!, /^2 passed, [1-9]\d* failed$/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

// Totals the leaf test cases of JUnit XML reports (bun's and deno's) and prints
// "N passed, N failed". Deno reports a describe()/parent test as a test case of
// its own as well as its steps ("parent > child"), so parents are not counted.
//
// Usage: node scripts/count-junit.mjs [--expect FILES.txt] REPORT.xml... [--doc DOC.xml]
//
// A test file that fails while loading (a throw at the top, a missing import)
// leaves no test case in the report: neither runtime lists it there. With
// --expect (a list of the test files run, one a line), each listed file that
// no test case or suite of a report names counts as one failure of that
// runtime. A report that is missing (the runner stopped before writing it,
// e.g. Deno on a syntax error in any file) counts every expected file as
// failed (or one failure without --expect): nothing ran, so nothing is green.
//
// --doc names the report of `deno test --doc` (the JSDoc examples): counted
// like the others but without --expect (no test file is named in it); when
// it is missing, that is one failure.
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
let expected = [];
const at = args.indexOf("--expect");
if (at !== -1) {
  expected = readFileSync(args[at + 1], "utf8").split("\n").map(normalize).filter(Boolean);
  args.splice(at, 2);
}
const docAt = args.indexOf("--doc");
const docReport = docAt === -1 ? undefined : args.splice(docAt, 2)[1];
const reports = args.map((file) => ({ file, expected }));
if (docReport !== undefined) reports.push({ file: docReport, expected: [] });

let passed = 0;
let failed = 0;
for (const { file, expected } of reports) {
  if (!existsSync(file)) {
    const lost = Math.max(1, expected.length);
    console.log(`${file}: no report (the runner stopped before writing it?): ${lost} failed`);
    failed += lost;
    continue;
  }
  const xml = readFileSync(file, "utf8");
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: decode(/\bname="([^"]*)"/.exec(m[1])?.[1] ?? ""),
    failed: /<(failure|error)\b/.test(m[3] ?? ""),
    message: decode(/<(?:failure|error)\b[^>]*\bmessage="([^"]*)"/.exec(m[3] ?? "")?.[1] ?? ""),
    // Deno names the file in `classname`, Bun in `file` (and leaves classname empty).
    file: decode(
      /\bclassname="([^"]+)"/.exec(m[1])?.[1] ?? /\bfile="([^"]*)"/.exec(m[1])?.[1] ?? "",
    ),
    skipped: /<skipped\b/.test(m[3] ?? ""),
  }));
  const names = new Set(cases.map((c) => c.name));
  const parents = new Set();
  for (const n of names) {
    const parts = n.split(" > ");
    for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join(" > "));
  }
  let p = 0;
  let f = 0;
  for (const c of cases) {
    if (parents.has(c.name)) continue;
    if (c.skipped) continue;
    if (c.failed) {
      f++;
      console.log(
        `FAILED ${c.file} > ${c.name}\n  ${c.message.split("\n").slice(0, 6).join("\n  ")}`,
      );
    } else p++;
  }
  const seen = new Set(cases.map((c) => normalize(c.file)));
  for (const m of xml.matchAll(/<testsuite\b[^>]*?\b(?:file|name)="([^"]*)"/g)) {
    seen.add(normalize(decode(m[1])));
  }
  for (const test of expected) {
    if (seen.has(test)) continue;
    f++;
    console.log(`FAILED ${test}\n  not in the report: the file failed while loading (see the log)`);
  }
  console.log(`${file}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

/** `./tests/a_test.ts` and `tests/a_test.ts` are the same file. */
function normalize(file) {
  return file.trim().replace(/^\.\//, "");
}

function decode(s) {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<").replace(/&quot;/g, '"').replace(
      /&amp;/g,
      "&",
    );
}

// Totals the leaf test cases of JUnit XML reports (bun's and deno's) and prints
// "N passed, N failed". Deno reports a describe()/parent test as a test case of
// its own as well as its steps ("parent > child"), so parents are not counted.
// A report that is missing counts as one failure: a runner that crashed before
// writing it must not look green.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.log(`${file}: no report (the runner crashed?)`);
    failed += 1;
    continue;
  }
  const xml = readFileSync(file, "utf8");
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: decode(/\bname="([^"]*)"/.exec(m[1])?.[1] ?? ""),
    failed: /<(failure|error)\b/.test(m[3] ?? ""),
    message: decode(/<(?:failure|error)\b[^>]*\bmessage="([^"]*)"/.exec(m[3] ?? "")?.[1] ?? ""),
    file: decode(/\bclassname="([^"]*)"/.exec(m[1])?.[1] ?? ""),
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
  console.log(`${file}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function decode(s) {
  return s.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&quot;/g, '"').replace(
    /&amp;/g,
    "&",
  );
}

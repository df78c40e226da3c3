#!/usr/bin/env bash
# Runs the whole test suite under Bun and under Deno, and every `@example` of
# the JSDoc in src/ (type-checked and run by `deno test --doc`), then prints
# one line "N passed, N failed" with the totals over all three.
# Usage: scripts/test-all.sh [test files...]   (default: every tests/**/*_test.ts)
# With test files given, the examples run only when STRATA_TEST_DOC=1.
set -u
cd "$(dirname "$0")/.."
bin=node_modules/.bin
out=.test-results
rm -rf "$out" && mkdir -p "$out"
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find tests -name '*_test.ts' | sort); fi
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; echo "0 passed, 0 failed"; exit 1; fi
bun_files=(); for f in "${files[@]}"; do bun_files+=("./$f"); done
doc_files=()
if [ "$#" -eq 0 ] || [ "${STRATA_TEST_DOC:-}" = "1" ]; then
  mapfile -t doc_files < <(find src -name '*.ts' 2>/dev/null | sort)
fi

# The two runtimes run side by side (most tests wait on child processes, so
# two cores carry both); STRATA_TEST_SERIAL=1 runs one after the other.
run_bun() {
  "$bin/bun" test --timeout 120000 --reporter=junit --reporter-outfile="$out/bun.xml" \
    "${bun_files[@]}" >"$out/bun.log" 2>&1 || true
}
run_deno() {
  "$bin/deno" test -A --quiet --reporter=junit --junit-path="$out/deno.xml" "${files[@]}" \
    >"$out/deno.log" 2>&1 || true
}
# The examples run as modules beside the file they document (one that writes
# uses a temporary folder of its own); the preload makes a false console.assert
# in an example throw, so that the example fails.
run_doc() {
  if [ "${#doc_files[@]}" -eq 0 ]; then return; fi
  "$bin/deno" test -A --quiet --doc --preload scripts/doc_test_preload.ts \
    --reporter=junit --junit-path="$out/doc.xml" "${doc_files[@]}" >"$out/doc.log" 2>&1 || true
}
# The examples follow Bun's lane, the shorter of the two.
if [ "${STRATA_TEST_SERIAL:-}" = "1" ]; then
  run_bun
  run_deno
  run_doc
else
  { run_bun; run_doc; } &
  bun_pid=$!
  run_deno
  wait "$bun_pid"
fi
echo "== bun test (${#files[@]} files) =="
grep -E '^\(fail\)|^error:| pass$| fail$|^Ran ' "$out/bun.log" || true
echo "== deno test (${#files[@]} files) =="
grep -E 'FAILED|^error|\(uncaught error\)' "$out/deno.log" | head -40 || true
if [ "${#doc_files[@]}" -gt 0 ]; then
  echo "== deno test --doc (the examples of ${#doc_files[@]} files) =="
  grep -E 'FAILED|^error|ERROR|\(uncaught error\)' "$out/doc.log" | head -40 || true
  doc_report=(--doc "$out/doc.xml")
else
  doc_report=()
fi

# Every file run is expected in each report: one that failed while loading is
# in neither runtime's JUnit output, and counts as failed (see count-junit.mjs).
printf '%s\n' "${files[@]}" >"$out/files.txt"
node scripts/count-junit.mjs --expect "$out/files.txt" "$out/bun.xml" "$out/deno.xml" \
  "${doc_report[@]}"

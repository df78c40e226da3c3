#!/usr/bin/env bash
# Runs the whole test suite under Bun and under Deno, then prints one line
# "N passed, N failed" with the totals over both runtimes.
# Usage: scripts/test-all.sh [test files...]   (default: every tests/**/*_test.ts)
set -u
cd "$(dirname "$0")/.."
bin=node_modules/.bin
out=.test-results
rm -rf "$out" && mkdir -p "$out"
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find tests -name '*_test.ts' | sort); fi
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; echo "0 passed, 0 failed"; exit 1; fi
bun_files=(); for f in "${files[@]}"; do bun_files+=("./$f"); done

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
if [ "${STRATA_TEST_SERIAL:-}" = "1" ]; then
  run_bun
  run_deno
else
  run_bun &
  bun_pid=$!
  run_deno
  wait "$bun_pid"
fi
echo "== bun test (${#files[@]} files) =="
grep -E '^\(fail\)|^error:| pass$| fail$|^Ran ' "$out/bun.log" || true
echo "== deno test (${#files[@]} files) =="
grep -E 'FAILED|^error|\(uncaught error\)' "$out/deno.log" | head -40 || true

# Every file run is expected in each report: one that failed while loading is
# in neither runtime's JUnit output, and counts as failed (see count-junit.mjs).
printf '%s\n' "${files[@]}" >"$out/files.txt"
node scripts/count-junit.mjs --expect "$out/files.txt" "$out/bun.xml" "$out/deno.xml"

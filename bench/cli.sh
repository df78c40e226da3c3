#!/usr/bin/env bash
# Start-up, write and memory benchmark of the compiled strata binary.
#
# Builds, all with the release flags (scripts/_build_compile.ts RELEASE_FLAGS):
# strata, a hello-world (the floor), a naive reader (read, parse with the npm
# package smol-toml, print) and a naive writer doing the write protocol's
# durable steps (bench/_cli_naive_writer.ts). Lays out a private machine
# (HOME and the XDG folders in .bench/home; the real home is never read),
# then times every command interleaved, round by round (bench/_cli_run.ts):
# wall time, CPU time (user + system) and peak memory. Prints each goal as a
# ratio against its baseline measured in the same run (bench/_cli_report.ts):
#   get / hello-world <= 1.3, set CPU / naive writer <= 1.3,
#   set 20,000 keys / set 50 keys <= 3, get peak memory within 5 MiB of the
#   hello-world's; and list, explain, get with a schema, the naive reader.
#
# Usage: bash bench/cli.sh [RUNS] [BASE]
#   RUNS  timed rounds (default 30; 10 is a quick run of about a minute)
#   BASE  a git revision: its strata is built too and every strata command
#         is also timed on it (a before/after table)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-30}"
base="${2:-}"
bun="$PWD/node_modules/.bin/bun"
out="$PWD/.bench"

echo "== build (release flags): strata, hello-world, naive reader and writer${base:+, strata at $base}"
"$bun" bench/_cli_build.ts "$out" "$base"

sandbox="$out/home"
rm -rf "$sandbox"
mkdir -p "$sandbox/home" "$sandbox/config" "$sandbox/xdg" "$sandbox/state" "$sandbox/share"
export HOME="$sandbox/home" XDG_CONFIG_HOME="$sandbox/config" \
  XDG_CONFIG_DIRS="$sandbox/xdg" XDG_STATE_HOME="$sandbox/state" \
  XDG_DATA_DIRS="$sandbox/share"
unset STRATA_APP STRATA_STRICT
root="$PWD"
cd "$sandbox/home" # no project file above the working folder

"$bun" "$root/bench/_cli_cases.ts" "$out" "$sandbox/data" "$out/cases.json" ${base:+with-base}
echo "== timing: $runs rounds, every command once per round (after 2 warm-up rounds)"
"$bun" "$root/bench/_cli_run.ts" "$out/cases.json" "$runs" "$out/cli.json"
echo
"$bun" "$root/bench/_cli_report.ts" "$out/cli.json"

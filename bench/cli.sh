#!/usr/bin/env bash
# Start-up and write benchmark of the compiled strata binary.
#
# Builds the native binary (.bench/strata) and a Bun-compiled hello-world
# (.bench/hello, the floor), writes a 50-, 1,000- and 20,000-key TOML file
# and the same keys as git-config files, then times with ONE tool (hyperfine;
# installed with apt-get when missing, else a fallback loop timer):
#   get and set with strata --file, strata --app (the layered walk), and
#   git config -f (the peer), against the floor; and get of a plain key of a
#   file that also holds sealed values (no cryptography may load for it).
# Prints a table and the ratios of the goals: get/floor <= 1.2,
# set/floor <= 1.6 (lock, backup, fsync, journal included), get 20k / get 50 <= 2,
# get beside sealed values / get <= 1.05.
#
# Usage: bash bench/cli.sh [RUNS]     (RUNS: minimum runs per command, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-30}"
bin=node_modules/.bin
out=.bench
counts=(50 1000 20000)
mkdir -p "$out"

# Two builds: the plain one, and a fast one: ahead-of-time bytecode (spares
# JavaScriptCore compiling the bundle at every start; what releases use, see
# scripts/_build_compile.ts RELEASE_FLAGS) plus --splitting (keeps modules that
# only set/unset need, and the builtins they import, out of get's start-up).
release_flags=(--minify --splitting --bytecode --format=esm
  --no-compile-autoload-dotenv --no-compile-autoload-bunfig)
echo "== build: bun build --compile main.ts (plain, and with ${release_flags[*]}), and a hello-world floor"
"$bin/bun" build --compile main.ts --outfile "$out/strata" >/dev/null
"$bin/bun" build --compile "${release_flags[@]}" main.ts --outfile "$out/strata-release" >/dev/null
echo 'console.log("hello");' >"$out/hello.ts"
"$bin/bun" build --compile "$out/hello.ts" --outfile "$out/hello" >/dev/null

# A private machine: the benchmark never reads or writes the real home.
sandbox="$out/home"
rm -rf "$sandbox" "$out/data"
mkdir -p "$sandbox/home" "$sandbox/config" "$sandbox/xdg" "$sandbox/state" "$sandbox/share"
export HOME="$PWD/$sandbox/home" XDG_CONFIG_HOME="$PWD/$sandbox/config" \
  XDG_CONFIG_DIRS="$PWD/$sandbox/xdg" XDG_STATE_HOME="$PWD/$sandbox/state" \
  XDG_DATA_DIRS="$PWD/$sandbox/share"
unset STRATA_APP
cd "$sandbox/home" # no project file above the working folder
root="$OLDPWD"
strata="$root/$out/strata"
release="$root/$out/strata-release"
data="$root/$out/data"

echo "== files: ${counts[*]} keys (TOML and git-config)"
declare -A last
while read -r count key; do last[$count]=$key; done \
  < <("$root/$bin/bun" "$root/bench/_cli_files.ts" "$data" "${counts[@]}")

# Every timed command runs without a shell (hyperfine -N), so CPU times are
# the program's own. A set is timed on a fresh copy of its file (the untimed
# "prepare" step copies it back), so every run really writes ("changed" differs
# from the stored value; an unchanged value would not be written at all).
names=(floor)
commands=("$root/$out/hello")
prepares=(true)
add() { names+=("$1"); commands+=("$2"); prepares+=("${3:-true}"); }
for n in "${counts[@]}"; do
  key=${last[$n]}
  app="bench$n"
  user_file="$XDG_CONFIG_HOME/$app/config.toml"
  mkdir -p "$XDG_CONFIG_HOME/$app"
  cp "$data/keys-$n.toml" "$user_file"
  # Sanity: strata and git read the same value.
  [ "$("$strata" --file "$data/keys-$n.toml" get "$key")" = "$(git config -f "$data/keys-$n.gitconfig" "$key")" ] ||
    { echo "strata and git disagree on $key in the $n-key files" >&2; exit 1; }
  add "get-file-$n" "$strata --file $data/keys-$n.toml get $key"
  add "rel-get-file-$n" "$release --file $data/keys-$n.toml get $key"
  add "rel-get-app-$n" "$release --app $app get $key"
  # The same plain key, in a file that also holds sealed values: no cryptography loads.
  sealed_app="sealed$n"
  mkdir -p "$XDG_CONFIG_HOME/$sealed_app"
  cp "$data/keys-$n.toml" "$XDG_CONFIG_HOME/$sealed_app/config.toml"
  STRATA_KEYCHAIN=0 "$strata" --app "$sealed_app" key init --key-file >/dev/null
  for s in 1 2 3 4 5; do
    printf 'secret-%s' "$s" | "$strata" --app "$sealed_app" set --secret "sealed.s$s" >/dev/null
  done
  add "rel-get-sealed-$n" "$release --app $sealed_app get $key"
  add "git-get-$n" "git config -f $data/keys-$n.gitconfig $key"
  add "set-file-$n" "$strata --file $data/set-$n.toml set $key changed" \
    "cp $data/keys-$n.toml $data/set-$n.toml"
  add "rel-set-file-$n" "$release --file $data/set-$n.toml set $key changed" \
    "cp $data/keys-$n.toml $data/set-$n.toml"
  add "rel-set-app-$n" "$release --app $app set $key changed" "cp $data/keys-$n.toml $user_file"
  add "git-set-$n" "git config -f $data/set-$n.gitconfig $key changed" \
    "cp $data/keys-$n.gitconfig $data/set-$n.gitconfig"
done

if ! command -v hyperfine >/dev/null; then
  echo "== hyperfine is not installed: installing it with apt-get"
  (apt-get install -y hyperfine || { apt-get update && apt-get install -y hyperfine; }) >/dev/null 2>&1 ||
    echo "   (could not install hyperfine: using the fallback loop timer)"
fi

results="$root/$out/cli.json"
if command -v hyperfine >/dev/null; then
  echo "== timing with $(hyperfine --version), at least $runs runs each"
  args=()
  for i in "${!names[@]}"; do args+=(--prepare "${prepares[$i]}"); done
  for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
  hyperfine -N --warmup 3 --min-runs "$runs" --style basic \
    --export-json "$results" "${args[@]}" >"$root/$out/hyperfine.log"
else
  echo "== timing with the fallback loop timer ($runs runs each, after 3 warm-up runs)"
  {
    echo '{"results": ['
    for i in "${!names[@]}"; do
      for _ in 1 2 3; do ${prepares[$i]}; ${commands[$i]} >/dev/null; done
      times=()
      for ((r = 0; r < runs; r++)); do
        ${prepares[$i]}
        start=$(date +%s%N)
        ${commands[$i]} >/dev/null
        times+=($(($(date +%s%N) - start)))
      done
      sep=$([ "$i" -gt 0 ] && echo "," || true)
      printf '%s\n' "${times[@]}" | awk -v name="${names[$i]}" -v sep="$sep" \
        '{ s += $1; q += $1 * $1; n++ } END { m = s / n; v = q / n - m * m; if (v < 0) v = 0;
           printf "%s{\"command\": \"%s\", \"mean\": %.6f, \"stddev\": %.6f}\n", sep, name, m / 1e9, sqrt(v) / 1e9 }'
    done
    echo ']}'
  } >"$results"
  echo "   (the fallback timer measures wall time only, with date's overhead in every row alike)"
fi

echo
"$root/$bin/bun" "$root/bench/_cli_report.ts" "$results" "${counts[@]}"

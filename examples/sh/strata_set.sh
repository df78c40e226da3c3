#!/bin/sh
# strata_set.sh: set or remove one key in a strata TOML file from a POSIX
# shell, following PROTOCOL.md (section numbers below point there), so it
# can run at the same time as strata and other conforming writers.
#
# Usage:
#   strata_set.sh [-t string|int|float|bool] [-p PROGRAM] [-w SECONDS] FILE STATE_DIR KEY VALUE
#   strata_set.sh -u [-p PROGRAM] [-w SECONDS] FILE STATE_DIR KEY
#
# STATE_DIR `-` is strata's one shared state dir (PROTOCOL.md 2.4):
# $XDG_STATE_HOME/strata/_shared (~/.local/state/strata/_shared), so
# `strata --app APP history` and `strata --file FILE history` see the change.
# KEY is `key` or `table.key` (bare segments: letters, digits, _ and -).
# Exit codes as strata's: 0 ok, 2 usage, 3 the file is not in the subset this
# writer can check (or a bad value), 4 lock not obtained in time, 5 I/O.
#
# Limits (PROTOCOL.md section 11): the file must be in a TOML subset this
# script checks line by line (blank lines, comments, [table] headers with
# bare keys, `key = value` with a basic or literal string, an integer, a
# decimal float or a boolean); any other file is refused, never guessed.
# No rotation of backups. Tools: awk, date, od, ls, mv, cp, rm, sync, and
# readlink (only for a FILE that is a symbolic link).

set -u
export LC_ALL=C

program=strata_set.sh
kind=string
wait_s=10
unset_key=false
while getopts "t:p:w:u" opt; do
  case $opt in
    t) kind=$OPTARG ;;
    p) program=$OPTARG ;;
    w) wait_s=$OPTARG ;;
    u) unset_key=true ;;
    *) echo "usage: see the top of $0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if $unset_key; then [ $# -eq 3 ] || { echo "strata_set.sh: usage: -u FILE STATE_DIR KEY" >&2; exit 2; }
else [ $# -eq 4 ] || { echo "strata_set.sh: usage: FILE STATE_DIR KEY VALUE" >&2; exit 2; }; fi
target=$1 state_dir=$2 key=$3 value=${4-}

fail() { echo "strata_set.sh: $2" >&2; exit "$1"; }

# The shared state dir (2.4): one for every application and every file.
if [ "$state_dir" = - ]; then
  case ${HOME-} in /*) home_ok=true ;; *) home_ok=false ;; esac
  if [ "$(uname -s)" = Darwin ]; then
    $home_ok || fail 2 "HOME is not an absolute path: give STATE_DIR"
    state_dir="$HOME/Library/Application Support/strata/state/_shared"
  else
    case ${XDG_STATE_HOME-} in
      /*) state_dir=$XDG_STATE_HOME/strata/_shared ;;
      *) $home_ok || fail 2 "HOME is not an absolute path: give STATE_DIR"
         state_dir=$HOME/.local/state/strata/_shared ;;
    esac
  fi
fi

case $key in
  *[!A-Za-z0-9_.-]* | .* | *. | *..* | "") fail 2 "bad key '$key': only bare segments joined by '.'" ;;
esac
section=${key%.*}; [ "$section" = "$key" ] && section=
leaf=${key##*.}

# Escaping for JSON and TOML basic strings, one character at a time: gsub replacement
# strings treat backslashes differently in each awk.
esc_awk='
function esc(s,   out, i, c, k) {
  if (!ready) { for (k = 1; k < 32; k++) ctl[sprintf("%c", k)] = sprintf("\\u%04x", k); ready = 1 }
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\") out = out "\\\\"; else if (c == "\"") out = out "\\\""
    else if (c == "\n") out = out "\\n"; else if (c == "\t") out = out "\\t"; else if (c == "\r") out = out "\\r"
    else if (c in ctl) out = out ctl[c]; else out = out c
  }
  return out
}'
json_str() { printf '%s' "$1" | awk "$esc_awk"'{ s = s (NR > 1 ? "\n" : "") $0 } END { printf "\"%s\"", esc(s) }'; }

# The value as TOML text.
case $kind in
  string) toml_value=$(json_str "$value") ;; # a TOML basic string escapes as JSON does
  int) printf '%s' "$value" | grep -Eq '^[+-]?(0|[1-9](_?[0-9])*)$' ||
         fail 3 "'$value' is not an integer; nothing was written"; toml_value=$value ;;
  float) printf '%s' "$value" | grep -Eq '^[+-]?(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?$' ||
         fail 3 "'$value' is not a decimal float; nothing was written"; toml_value=$value
       case $value in *[.eE]*) ;; *) toml_value=$value.0 ;; esac ;;
  bool) case $value in true | false) toml_value=$value ;;
        *) fail 3 "'$value' is not true or false; nothing was written" ;; esac ;;
  *) fail 2 "-t must be string, int, float or bool" ;;
esac

# 2.1 The real file: absolute, lexically normalised, symbolic links followed.
absolute() {
  case $1 in /*) p=$1 ;; *) p=$(pwd)/$1 ;; esac
  printf '%s\n' "$p" | awk -F/ '{
    n = 0
    for (i = 1; i <= NF; i++) {
      if ($i == "" || $i == ".") continue
      if ($i == "..") { if (n > 0) n--; continue }
      part[++n] = $i
    }
    out = ""; for (i = 1; i <= n; i++) out = out "/" part[i]
    print (out == "" ? "/" : out)
  }'
}
real=$(absolute "$target")
hops=0
while [ -L "$real" ]; do
  hops=$((hops + 1))
  [ $hops -le 40 ] || fail 5 "$target is a symbolic link loop; nothing was written"
  command -v readlink >/dev/null 2>&1 || fail 5 "$real is a symbolic link and readlink is missing"
  link=$(readlink "$real") || fail 5 "cannot follow $real"
  # 2.1: another user's link never decides where we write (ls -n: numeric owner of the link itself).
  owner=$(ls -ln "$real" | awk '{ print $3 }')
  me=$(id -u)
  if [ "$owner" != "$me" ] && [ "$owner" != 0 ]; then
    fail 5 "$real is a symbolic link owned by another user (uid $owner); nothing was written"
  fi
  case $link in /*) real=$(absolute "$link") ;; *) real=$(absolute "$(dirname "$real")/$link") ;; esac
done
if [ -e "$real" ] && [ ! -f "$real" ]; then fail 5 "cannot write $real: it is not a regular file"; fi
dir=$(dirname "$real") name=$(basename "$real")
(umask 077; mkdir -p "$dir") || fail 5 "cannot create the folder $dir"

host=$(uname -n)
my_pid=$$
lock=$real.lock

random_hex() {
  od -An -N"$1" -tx1 /dev/urandom 2>/dev/null | tr -d ' \n' ||
    awk -v p=$$ 'BEGIN { srand(); printf "%04x%04x", int(rand() * 65536), (int(rand() * 65536) + p) % 65536 }'
}
iso_now() { date -u +%Y-%m-%dT%H:%M:%S.000Z; }


# Fractional sleeps where the system has them (not POSIX); whole seconds otherwise.
if sleep 0.01 2>/dev/null; then tick=0.05; tick_ms=50; else tick=1; tick_ms=1000; fi

alive() { # 4.1: kill -0 cannot tell EPERM from ESRCH, so ask /proc or ps too
  kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ] || ps -p "$1" >/dev/null 2>&1
}

# A file's mtime and ctime, where a stat(1) can say them (GNU, busybox or BSD; POSIX has none),
# so a holder renewing its lease (3.3) is seen as a change; empty elsewhere.
stamp() { stat -c '%Y %y %z' "$1" 2>/dev/null || stat -f '%Fm %Fc' "$1" 2>/dev/null || :; }

# What is at a name, without following links: "symlink", "other", "none", or
# "file <inode> <stamp> | <content>". Two looks are equal only if nothing changed (4.1).
look() {
  if [ -L "$1" ]; then echo symlink
  elif [ ! -e "$1" ]; then echo none
  elif [ ! -f "$1" ]; then echo other
  else printf 'file %s %s | %s\n' "$(ls -i "$1" 2>/dev/null | awk '{ print $1 }')" "$(stamp "$1")" "$(head -n 1 "$1" 2>/dev/null)"
  fi
}
field() { printf '%s' "$1" | awk -v k="$2" '{
  if (match($0, "\"" k "\":(\"[^\"]*\"|[0-9]+)")) { v = substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3); gsub(/"/, "", v); print v } }'; }

token=$(random_hex 16)
# 3.1 pidns (Linux): a container with the host's name has its own pids.
pidns=$(readlink /proc/self/ns/pid 2>/dev/null || :)
pidns_field=
[ -n "$pidns" ] && pidns_field=",\"pidns\":\"$pidns\""
same_pidns() { [ -z "$1" ] || [ -z "$pidns" ] || [ "$1" = "$pidns" ]; }
held=false
tmp= backup_tmp= backup_made=
cleanup() {
  [ -n "$backup_made" ] && rm -f "$backup_made" # the write failed: the file is as it was
  [ -n "$tmp" ] && rm -f "$tmp"
  [ -n "$backup_tmp" ] && rm -f "$backup_tmp"
  [ -n "${old_file-}" ] && rm -f "$old_file"
  if $held; then # 3.4: only if still ours
    case $(look "$lock") in *"\"token\":\"$token\""*) rm -f "$lock" ;; esac
  fi
}
trap cleanup EXIT
trap 'exit 5' INT TERM HUP

# 3.2 Take the lock; 4.1: judged by how long this writer has seen it unchanged; 4.2 break under
# the guard. A holding that is not renewed is watched past the timeout until stale (30 s more).
waited_ms=0 seen= seen_ms=0 guard_seen_ms=0 renewals=0 last_hold=
while :; do
  record="{\"pid\":$my_pid,\"host\":$(json_str "$host"),\"time\":\"$(iso_now)\",\"program\":$(json_str "$program"),\"token\":\"$token\"$pidns_field}"
  if [ "$(look "$lock")" = none ] &&
     (umask 077; set -C; printf '%s\n' "$record" >"$lock") 2>/dev/null; then
    held=true; mine=$(ls -i "$lock" 2>/dev/null | awk '{ print $1 }'); break
  fi
  now=$(look "$lock")
  [ "$now" = none ] && continue
  # One holding is the same inode and content; a new stamp on it is a renewal (a live holder).
  hold=$(printf '%s\n' "$now" | awk '{ i = index($0, " | "); print $1 " " $2 (i ? substr($0, i) : "") }')
  if [ "$hold" != "$last_hold" ]; then renewals=0; last_hold=$hold
  elif [ "$now" != "$seen" ]; then renewals=$((renewals + 1)); fi
  if [ "$now" = "$seen" ]; then seen_ms=$((seen_ms + tick_ms)); else seen=$now seen_ms=0; fi
  stale=false
  case $now in
    symlink) stale=true ;;
    other) ;;
    file*)
      pid=$(field "$now" pid) lock_host=$(field "$now" host)
      if [ -z "$pid" ] || [ -z "$(field "$now" token)" ]; then [ $seen_ms -gt 5000 ] && stale=true
      elif [ $seen_ms -gt 30000 ]; then stale=true
      elif [ "$lock_host" = "$host" ] && same_pidns "$(field "$now" pidns)" && ! alive "$pid"; then stale=true
      fi ;;
  esac
  if $stale; then
    if (set -C; : >"$lock.break") 2>/dev/null; then
      [ "$(look "$lock")" = "$now" ] && rm -f "$lock"
      rm -f "$lock.break"
      guard_seen_ms=0
      continue
    fi
    guard_seen_ms=$((guard_seen_ms + tick_ms))
    [ $guard_seen_ms -gt 2000 ] && { rm -f "$lock.break"; guard_seen_ms=0; }
  fi
  if [ $waited_ms -ge $((wait_s * 1000)) ] && { [ $renewals -gt 0 ] || [ "$now" = other ] ||
     [ $waited_ms -ge $((wait_s * 1000 + 30000)) ]; }; then
    case $now in
      file*) holder="process $(field "$now" pid) on host $(field "$now" host) (program \"$(field "$now" program)\", since $(field "$now" time))" ;;
      *) holder="something that is not a lock file" ;;
    esac
    fail 4 "$real is locked by $holder; gave up after waiting $wait_s s. To fix: retry later; if that process is gone, delete $lock."
  fi
  sleep $tick
  waited_ms=$((waited_ms + tick_ms))
done

# 5 step 3: a file this writer may not write is refused (a rename would replace it anyway),
# and so is another user's file unless we are root (step 6 could not give it back).
if [ -f "$real" ] && [ ! -w "$real" ]; then
  fail 5 "cannot write $real: permission denied: the file is read-only for you; the file was not changed"
fi
if [ -f "$real" ] && [ "$(id -u)" != 0 ] && [ "$(ls -nd "$real" | awk '{ print $3 }')" != "$(id -u)" ]; then
  fail 5 "cannot write $real: it is owned by another user and rewriting it would change its owner; the file was not changed"
fi

# 5 steps 3-4: check the file is in the subset, and write the edited text to the temp file
# (created with O_EXCL by set -C, mode 0600 by umask 077).
tmp=$dir/.$name.$my_pid.$(random_hex 4).tmp
old_file=$dir/.$name.$my_pid.$(random_hex 4).tmp
rc=0
# Values reach awk through the environment: -v would interpret backslashes.
export S_SECTION="$section" S_LEAF="$leaf" S_NEWVAL="$toml_value" S_UNSET="$unset_key" \
  S_OLDFILE="$old_file" S_FILE="$real"
(umask 077; set -C; { if [ -f "$real" ]; then cat "$real"; fi; } | awk '
function refuse(msg) {
  printf "strata_set.sh: %s:%d: %s; nothing was written. To fix: use strata (or the Python writer) for this file.\n", file, NR, msg > "/dev/stderr"
  bad = 1; exit 3
}
function register_table(path,   i, n, parts, p) {
  n = split(path, parts, "."); p = ""
  for (i = 1; i <= n; i++) {
    p = (i == 1 ? parts[i] : p "." parts[i])
    if (p in value) refuse("\"" p "\" is both a value and a table")
    table[p] = 1
  }
}
function emit(text) { print text eol }
BEGIN {
  section = ENVIRON["S_SECTION"]; leaf = ENVIRON["S_LEAF"]; newval = ENVIRON["S_NEWVAL"]
  unset = ENVIRON["S_UNSET"]; oldfile = ENVIRON["S_OLDFILE"]; file = ENVIRON["S_FILE"]
  B = "[A-Za-z0-9_-]+"
  BASIC = "^\"([^\"\\\\]|\\\\[btnfr\"\\\\]|\\\\u[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f])*\""
  LITERAL = "^'"'"'[^'"'"']*'"'"'"
  FLOAT = "^[+-]?(0|[1-9](_?[0-9])*)(\\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?|[eE][+-]?[0-9](_?[0-9])*)"
  INT = "^[+-]?(0|[1-9](_?[0-9])*)"
  BOOL = "^(true|false)"
  cur = ""
}
{
  line = $0; cr = ""
  if (sub(/\r$/, "", line)) { cr = "\r"; crlf = 1 }
  lines[NR] = $0
  if (line ~ /^[ \t]*$/ || line ~ /^[ \t]*#/) next
  if (line ~ /^[ \t]*\[/) {
    # Bare keys hold no blanks and no "#": drop the comment and the blanks, then check.
    h = line; sub(/#.*$/, "", h); gsub(/[ \t]/, "", h)
    if (h !~ "^\\[" B "(\\." B ")*\\]$") refuse("a table header this writer cannot check")
    h = substr(h, 2, length(h) - 2)
    if (h in header) refuse("table [" h "] defined twice")
    header[h] = 1; register_table(h); cur = h
    if (!first_header) first_header = NR
    if (h == section) { section_line = NR; section_last = NR }
    next
  }
  if (!match(line, "^[ \t]*" B "[ \t]*=[ \t]*")) refuse("a line this writer cannot check")
  k = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
  indent = k; sub(/[^ \t].*$/, "", indent)
  gsub(/[ \t=]/, "", k)
  if (match(rest, BASIC) || match(rest, LITERAL) || match(rest, FLOAT) || match(rest, INT) || match(rest, BOOL)) {
    v = substr(rest, 1, RLENGTH); after = substr(rest, RLENGTH + 1)
  } else refuse("a value this writer cannot check (only strings, integers, decimal floats, booleans)")
  if (after !~ /^[ \t]*(#.*)?$/) refuse("unexpected text after the value")
  full = (cur == "" ? k : cur "." k)
  if (full in value) refuse("key \"" full "\" defined twice")
  if (full in table) refuse("\"" full "\" is both a value and a table")
  value[full] = v
  if (cur == "") top_last = NR
  if (cur == section && section != "") section_last = NR
  if (cur == section && k == leaf) { hit = NR; hit_indent = indent; hit_after = after; old = v }
}
END {
  if (bad) exit 3
  eol = crlf ? "\r" : ""
  full = (section == "" ? leaf : section "." leaf)
  if (full in table) { NR = 0; refuse("\"" full "\" is a table") }
  n = split(section, parts, "."); p = ""
  for (i = 1; i <= n; i++) {
    p = (i == 1 ? parts[i] : p "." parts[i])
    if (p in value) { NR = 0; refuse("\"" p "\" is a value, not a table") }
  }
  if (hit) printf "%s", old > oldfile
  if (unset == "true" && !hit) exit 10
  if (unset != "true" && hit && old == newval) exit 10
  new_line = leaf " = " newval
  # Where a new key goes: after the last key of its section (or its header); at the top level,
  # after the last top-level key, or before the first header.
  at = -1
  if (!hit && unset != "true") {
    if (section == "") at = top_last ? top_last : (first_header ? first_header - 1 : -1)
    else if (section_line) at = section_last
  }
  if (at == 0) emit(new_line)
  for (i = 1; i <= NR; i++) {
    if (i == hit) {
      if (unset != "true") print hit_indent new_line hit_after (lines[i] ~ /\r$/ ? "\r" : "")
      continue
    }
    print lines[i]
    if (i == at) emit(new_line)
  }
  if (!hit && unset != "true" && at == -1) {
    if (section != "") { if (NR > 0) emit(""); emit("[" section "]") }
    emit(new_line)
  }
}' >"$tmp") || rc=$?
case $rc in
  0) ;;
  10) rm -f "$tmp" "$old_file"; tmp=; exit 0 ;; # no change: nothing written
  3) rm -f "$tmp" "$old_file"; tmp=; exit 3 ;;
  *) rm -f "$tmp" "$old_file"; tmp=; fail 5 "cannot read $real or write $tmp (disk full?); the file was not changed" ;;
esac
old_toml=
had_old=false
if [ -f "$old_file" ]; then old_toml=$(cat "$old_file"); had_old=true; rm -f "$old_file"; fi

# 5 step 5: back up the current version: <time>-<pid><ext>, later than every name there (2.5).
# The state is named by the file's identity (2.3): its folder's physical path (pwd -P) and name.
identity=$(cd -P "$dir" 2>/dev/null && pwd -P) && identity=${identity%/}/$name || identity=$real
backup_dir=$state_dir/backups/$name-$(printf '%s' "$identity" | awk '
  BEGIN { for (i = 0; i < 256; i++) ord[sprintf("%c", i)] = i }
  function xor8(a, b,   r, bit) { r = 0; for (bit = 1; bit < 256; bit *= 2) if ((int(a / bit) % 2) != (int(b / bit) % 2)) r += bit; return r }
  { s = s (NR > 1 ? "\n" : "") $0 }
  END {
    h = 2166136261
    for (i = 1; i <= length(s); i++) {
      b = ord[substr(s, i, 1)]
      h = h - h % 256 + xor8(h % 256, b)
      h = (h * 403 + (h % 256) * 16777216) % 4294967296
    }
    printf "%04x%04x", int(h / 65536), h % 65536 # busybox awk saturates %x at 2^31
  }')
journal=$state_dir/journal/$(basename "$backup_dir").ndjson
ext=
case $name in *.*) ext=.${name##*.} ;; esac
backup_id=
if [ -f "$real" ]; then
  (umask 077; mkdir -p "$backup_dir") || fail 5 "cannot create the folder $backup_dir"
  stamp=$(date -u +%Y%m%dT%H%M%S).000Z
  newest=$(ls "$backup_dir" 2>/dev/null | grep -E '^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-[0-9]+' | sort | tail -n 1 | cut -c1-20)
  if [ -n "$newest" ] && awk -v a="$stamp" -v b="$newest" 'BEGIN { exit !(a "" <= b "") }'; then
    stamp=$(printf '%s\n' "$newest" | awk '
      function dfc(y, m, d,   era, yoe, doy) { y -= (m <= 2); era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
        doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1; return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468 }
      {
        ms = ((dfc(substr($0,1,4)+0, substr($0,5,2)+0, substr($0,7,2)+0) * 86400 + substr($0,10,2) * 3600 + substr($0,12,2) * 60 + substr($0,14,2)) * 1000 + substr($0,17,3)) + 1
        z = int(ms / 86400000); rem = ms - z * 86400000
        z += 719468; era = int((z >= 0 ? z : z - 146096) / 146097); doe = z - era * 146097
        yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
        doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
        d = doy - int((153 * mp + 2) / 5) + 1; m = mp + (mp < 10 ? 3 : -9); y = yoe + era * 400 + (m <= 2)
        printf "%04d%02d%02dT%02d%02d%02d.%03dZ\n", y, m, d, int(rem / 3600000), int(rem / 60000) % 60, int(rem / 1000) % 60, rem % 1000
      }')
  fi
  backup_id=$stamp-$my_pid
  backup_tmp=$backup_dir/.$backup_id.$(random_hex 4).tmp
  (umask 077; set -C; cat "$real" >"$backup_tmp") &&
    mv -f "$backup_tmp" "$backup_dir/$backup_id$ext" ||
    fail 5 "cannot keep a backup of $real in $backup_dir (disk full? not writable?); the file was not changed"
  backup_tmp=
  backup_made=$backup_dir/$backup_id$ext # removed again if the write fails (5)
fi

# 5 step 6: the existing file's mode, owner and group (from ls: there is no stat in POSIX).
if [ -f "$real" ]; then
  mode=$(ls -ld "$real" | awk '{
    s = substr($1, 2, 9); m = 0; split("256 128 64 32 16 8 4 2 1", w, " ")
    for (i = 1; i <= 9; i++) { c = substr(s, i, 1); if (c != "-" && c != "S" && c != "T") m += w[i] }
    if (substr(s, 3, 1) ~ /[sS]/) m += 2048; if (substr(s, 6, 1) ~ /[sS]/) m += 1024; if (substr(s, 9, 1) ~ /[tT]/) m += 512
    printf "%o", m }')
  owner=$(ls -nd "$real" | awk '{ print $3 ":" $4 }')
  if [ "$owner" != "$(id -u):$(id -g)" ]; then
    chown "$owner" "$tmp" 2>/dev/null ||
      fail 5 "cannot write $real: it is owned by $owner and rewriting it would change its owner; the file was not changed"
  fi
  chmod "$mode" "$tmp" || fail 5 "cannot set the mode of $tmp"
fi
# fsync: POSIX has no per-file fsync; sync flushes everything (section 11).
sync
# 3.3: right before the rename, the lock must still be ours (the same file, our token): a writer
# that stalled past the stale bound may have lost it. Then renew the lease.
[ "${STRATA_STOP_AT-}" = temp ] && kill -STOP $$ # test hook: a stall at this step
case $(look "$lock") in
  "file $mine "*"\"token\":\"$token\""*) touch "$lock" 2>/dev/null ;;
  *) fail 4 "$real: this writer's lock was broken by another writer while it worked (it was stalled longer than the stale bound of 30 s); nothing was written. To fix: run it again." ;;
esac
# 5 step 7: rename over the real file (mv within one folder is rename(2)).
mv -f "$tmp" "$real" || fail 5 "cannot rename $tmp over $real; the file was not changed"
tmp= backup_made=
# 5 step 8: the folder's entry.
sync

# 5 step 9: the journal line (6), values as JSON.
to_json() { printf '%s' "$1" | awk "$esc_awk"'{
  v = $0
  if (v ~ /^"/) { n = split(v, part, "\t"); v = part[1]; for (i = 2; i <= n; i++) v = v "\\t" part[i]; print v; exit }
  if (substr(v, 1, 1) == sprintf("%c", 39)) { print "\"" esc(substr(v, 2, length(v) - 2)) "\""; exit }
  gsub(/_/, "", v); sub(/^\+/, "", v); print v
}'; }
entry="{\"time\":\"$(iso_now)\",\"file\":$(json_str "$real"),\"program\":$(json_str "$program"),\"user\":$(json_str "$(id -un 2>/dev/null || id -u)"),\"pid\":$my_pid,\"host\":$(json_str "$host")"
[ -n "$backup_id" ] && entry="$entry,\"backup\":\"$backup_id\""
entry="$entry,\"key\":$(json_str "$key")"
$had_old && entry="$entry,\"old\":$(to_json "$old_toml")"
$unset_key || entry="$entry,\"new\":$(to_json "$toml_value")"
# A line torn by a crash is ended first, so it does not swallow this one.
[ -s "$journal" ] && [ "$(tail -c 1 "$journal" | od -An -tx1 | tr -d ' ')" != 0a ] && entry="
$entry"
(umask 077; mkdir -p "$(dirname "$journal")" && printf '%s}\n' "$entry" >>"$journal") ||
  echo "strata_set.sh: warning: $real was written, but the journal $journal could not be appended" >&2

# 5 step 10: temp files of crashed writers (dead pid on this host).
for orphan in "$dir/.$name."*.tmp "$backup_dir/."*.tmp; do
  [ -f "$orphan" ] || continue
  opid=$(basename "$orphan" | sed -n 's/^.*[.-]\([0-9][0-9]*\)\.[0-9a-f]*\.tmp$/\1/p')
  [ -n "$opid" ] && [ "$opid" != "$my_pid" ] && ! alive "$opid" && rm -f "$orphan"
done
exit 0 # 5 step 11: the EXIT trap releases the lock

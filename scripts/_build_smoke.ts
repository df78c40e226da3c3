/**
 * The checks each release binary gets after the build: a smoke test
 * (`--version`, then a real `set`/`get` round trip in a temp home, from an
 * empty folder, with only the binary copied there; then that a `.env` file
 * in the working folder is ignored) for the binaries this
 * machine can run, and an inspection (header, `file`, embedded program) for
 * every binary.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { HEADER_BYTES, headerProblems, readHeader } from "./_build_headers.ts";
import { checkSignature } from "./_build_macho_sign.ts";
import type { Runner } from "./_build_runners.ts";
import { findOnPath } from "./_build_shims.ts";
import type { Target } from "./_build_targets.ts";

/** Outcome of one check. */
export interface CheckResult {
  /** Whether the check passed. */
  ok: boolean;
  /** What was found: a short line for the table, or what went wrong. */
  detail: string;
}

/** The app name the smoke test writes under (in a temp home only). */
export const SMOKE_APP = "strata-smoke";
/** The environment variable of `smoke.greeting` for {@link SMOKE_APP}. */
export const SMOKE_ENV = "STRATA_SMOKE_SMOKE__GREETING";
/** A value with spaces and non-ASCII letters, so quoting and UTF-8 are exercised. */
export const SMOKE_VALUE = "héllo wörld";

/**
 * The first `key = integer` of strata's own defaults file (`defaults/strata.toml`),
 * as a dotted key and its value: the smoke test asks the binary for it to
 * show the defaults are built in. Null when the file has no such line.
 *
 * @example
 * ```ts
 * import { builtinDefaultProbe } from "./_build_smoke.ts";
 * const probe = builtinDefaultProbe("# c\n[backups]\n# how many\nkeep = 20\n");
 * console.assert(probe?.key === "backups.keep" && probe.value === "20");
 * ```
 */
export function builtinDefaultProbe(toml: string): { key: string; value: string } | null {
  let table = "";
  for (const line of toml.split(/\r?\n/)) {
    const header = /^\s*\[([A-Za-z0-9_-]+)\]\s*(#.*)?$/.exec(line);
    if (header !== null) table = header[1];
    const pair = /^\s*([A-Za-z0-9_-]+)\s*=\s*(-?\d+)\s*(#.*)?$/.exec(line);
    if (pair !== null) {
      return { key: table === "" ? pair[1] : `${table}.${pair[1]}`, value: pair[2] };
    }
  }
  return null;
}

/**
 * Runs the smoke test: `--version` must print `expectedVersion`; `set` then
 * `get` must give back {@link SMOKE_VALUE}; `get` of an unset key must exit 1;
 * on Linux-like runs the value must have landed in the temp
 * `$XDG_CONFIG_HOME`; `builtin`, a key of strata's own defaults, must read
 * back its value. Everything happens in a fresh temp folder, removed after.
 */
export function smokeTest(
  binary: string,
  runner: Runner,
  expectedVersion: string,
  builtin: { key: string; value: string } | null = null,
): CheckResult {
  const root = mkdtempSync(join(tmpdir(), "strata-smoke-"));
  try {
    const dirs = makeHome(root);
    // Only the binary, alone in its folder: nothing beside it may be needed.
    const lonely = join(root, "bin", basename(binary));
    mkdirSync(join(root, "bin"));
    copyFileSync(binary, lonely);
    const env = { ...dirs.env, ...runner.env };
    const run = (args: string[], extra: Record<string, string> = {}) =>
      runOnce(runner.argv(lonely, args), { ...env, ...extra }, dirs.cwd);
    const get = ["--app", SMOKE_APP, "get", "smoke.greeting"];
    const steps: Array<() => string | null> = [
      () => expect(run(["--version"]), 0, `${expectedVersion}\n`, "--version"),
      () => expect(run(["--app", SMOKE_APP, "set", "smoke.greeting", SMOKE_VALUE]), 0, null, "set"),
      () =>
        expect(run(["--app", SMOKE_APP, "get", "smoke.greeting"]), 0, `${SMOKE_VALUE}\n`, "get"),
      () => expect(run(["--app", SMOKE_APP, "get", "smoke.missing"]), 1, "", "get of an unset key"),
      () => runner.env.WINEPREFIX !== undefined ? null : configWritten(dirs.configHome),
      // strata's own defaults are inside the binary: nothing beside it holds them.
      () =>
        builtin === null ? null : expect(
          run(["--app", "strata", "get", builtin.key]),
          0,
          `${builtin.value}\n`,
          "built-in default",
        ),
      // The environment layer is read (so the next check means something) ...
      () => expect(run(get, { [SMOKE_ENV]: "from-env" }), 0, "from-env\n", "get with " + SMOKE_ENV),
      // ... but a .env file in the working folder is not: Bun would load it
      // into the environment unless the build turned that off.
      () => {
        writeFileSync(join(dirs.cwd, ".env"), `${SMOKE_ENV}=from-dotenv\n`);
        return expect(run(get), 0, `${SMOKE_VALUE}\n`, "get beside a .env file");
      },
      // From a working folder that was deleted, strata itself answers (exit 5,
      // an I/O failure), not Bun's start-up refusal (exit 1, "not found").
      () =>
        process.platform === "win32" || runner.env.WINEPREFIX !== undefined ? null : expect(
          goneFolder(runner.argv(lonely, get), env, root),
          5,
          "",
          "get from a deleted folder",
        ),
    ];
    for (const step of steps) {
      const problem = step();
      if (problem !== null) return { ok: false, detail: problem };
    }
    return {
      ok: true,
      detail: "--version, set/get round trip, unset key exits 1, built-in defaults, " +
        "env layer read, .env ignored, deleted working folder exits 5",
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function runOnce(argv: string[], env: Record<string, string>, cwd: string): Outcome {
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd,
    env,
    encoding: "utf8",
    timeout: 120_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return {
    status: r.status,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
    error: r.error?.message,
  };
}

/** Runs `argv` with a working folder that is removed just before (POSIX: a shell cds, rmdirs, execs). */
function goneFolder(argv: string[], env: Record<string, string>, root: string): Outcome {
  const gone = join(root, "gone");
  mkdirSync(gone);
  const script = 'cd "$1" && rmdir "$1" && shift && exec "$@"';
  return runOnce(["sh", "-c", script, "sh", gone, ...argv], env, root);
}

function expect(o: Outcome, status: number, stdout: string | null, what: string): string | null {
  // Windows programs may end lines with CRLF; the text is what matters.
  const out = o.stdout.replace(/\r\n/g, "\n");
  if (o.error !== undefined) return `${what}: could not run: ${o.error}`;
  if (o.status === status && (stdout === null || out === stdout)) return null;
  const got = `exit ${o.status}, stdout ${JSON.stringify(out.slice(0, 200))}`;
  const err = o.stderr.trim() === ""
    ? ""
    : `, stderr ${JSON.stringify(o.stderr.trim().slice(0, 300))}`;
  const want = `exit ${status}${stdout === null ? "" : `, stdout ${JSON.stringify(stdout)}`}`;
  return `${what}: expected ${want}; got ${got}${err}`;
}

function configWritten(configHome: string): string | null {
  const file = join(configHome, SMOKE_APP, "config.toml");
  if (!existsSync(file)) return `set wrote no ${file}`;
  const text = readFileSync(file, "utf8");
  return text.includes(SMOKE_VALUE)
    ? null
    : `${file} does not hold the value: ${JSON.stringify(text)}`;
}

function makeHome(root: string): { env: Record<string, string>; cwd: string; configHome: string } {
  const names = ["home", "config", "state", "cache", "data", "etc-xdg", "share", "work"];
  for (const n of names) mkdirSync(join(root, n));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(root, "home"),
    USERPROFILE: join(root, "home"),
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_STATE_HOME: join(root, "state"),
    XDG_CACHE_HOME: join(root, "cache"),
    XDG_DATA_HOME: join(root, "data"),
    XDG_CONFIG_DIRS: join(root, "etc-xdg"),
    XDG_DATA_DIRS: join(root, "share"),
    LANG: "C.UTF-8",
    TMPDIR: tmpdir(),
  };
  return { env, cwd: join(root, "work"), configHome: join(root, "config") };
}

/**
 * The program's own prose strings in a bundle: double-quoted literals that
 * start with a letter, hold a space and only plain characters (error
 * messages, help lines). Minifying renames identifiers, not these, so each
 * must appear verbatim in a binary that embeds the program; a Bun runtime
 * alone holds almost none of them.
 *
 * @example
 * ```ts
 * import { programStrings } from "./_build_smoke.ts";
 * const js = 'let e="print the value of a key",t={a:"x"};throw Error("no space left on device")';
 * console.assert(programStrings(js).join("|") === "no space left on device|print the value of a key");
 * ```
 */
export function programStrings(bundle: string): string[] {
  const found = bundle.match(/"[A-Za-z][A-Za-z0-9 ,.:/-]{15,}"/g) ?? [];
  return [...new Set(found.map((s) => s.slice(1, -1)).filter((s) => s.includes(" ")))].sort();
}

/**
 * Inspects a binary: its header must match the target (format, CPU, 64-bit,
 * libc, console), and every one of the program's {@link programStrings} must
 * be inside it. `file(1)`'s verdict is added when `file` is installed.
 */
export function inspectBinary(binary: string, target: Target, bundle: string): CheckResult {
  const head = new Uint8Array(HEADER_BYTES);
  const fd = openSync(binary, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  let summary: string;
  try {
    const info = readHeader(head);
    const problems = headerProblems(target, info);
    if (problems.length > 0) return { ok: false, detail: `header: ${problems.join("; ")}` };
    summary = info.summary;
  } catch (e) {
    return { ok: false, detail: `header: ${(e as Error).message}` };
  }
  // Proves this program, not just a Bun runtime, is embedded.
  const strings = programStrings(bundle);
  const bytes = readFileSync(binary);
  const missing = strings.filter((s) => !bytes.includes(s, 0, "utf8"));
  const embedded = `${strings.length - missing.length}/${strings.length} program strings`;
  if (strings.length === 0 || missing.length > 0) {
    const first = missing.length > 0 ? `, e.g. ${JSON.stringify(missing[0])} missing` : "";
    return { ok: false, detail: `${summary}; ${embedded}${first}` };
  }
  // macOS runs a binary only if its code signature matches (see _build_macho_sign.ts).
  const signature = target.os === "darwin" ? checkSignature(bytes) : null;
  if (signature !== null && !signature.valid) {
    return { ok: false, detail: `${summary}; ${embedded}; ${signature.detail}` };
  }
  const signed = signature === null ? "" : `; ${signature.detail}`;
  const file = fileVerdict(binary);
  return {
    ok: true,
    detail: `${summary}; ${embedded}${signed}${file === null ? "" : `; file: ${file}`}`,
  };
}

function fileVerdict(binary: string): string | null {
  const file = findOnPath("file");
  if (file === null) return null;
  const r = spawnSync(file, ["-b", binary], { encoding: "utf8" });
  // Keep the table readable: format and CPU, not BuildIDs and flag lists.
  return r.status === 0
    ? r.stdout.trim().replace(/, flags:<[^>]*>/, "").split(", ").slice(0, 2).join(", ")
    : null;
}

/** A temp folder for one script run's shims and Wine prefix. */
export function makeScratch(): string {
  return mkdtempSync(join(tmpdir(), "strata-build-"));
}

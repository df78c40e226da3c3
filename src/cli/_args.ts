/**
 * Command-line parsing shared by every command: the global options, finding
 * the command word among them, and parsing one command's flags with
 * `node:util` `parseArgs`. Parse failures become usage errors (exit 2) whose
 * message ends with a hint to the right `--help`.
 *
 * @module
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { StrataError } from "../errors.ts";

/** Options every command accepts, before or after the command word. */
export const GLOBAL_OPTIONS = {
  app: { type: "string" },
  file: { type: "string" },
  defaults: { type: "string" },
  set: { type: "string", multiple: true },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const satisfies ParseArgsOptionsConfig;

/** The global options after parsing. */
export interface GlobalOptions {
  /** `--app NAME`, or `STRATA_APP` when the flag is absent. */
  app?: string;
  /** `--file PATH`: one explicit file, no layers. */
  file?: string;
  /** `--defaults PATH`: the application's read-only defaults. */
  defaults?: string;
  /** `--set KEY=VALUE` items, in order. */
  set: string[];
  /** `--debug`: show stacks of errors. */
  debug: boolean;
  /** `--help` / `-h`. */
  help: boolean;
  /** `--version`. */
  version: boolean;
}

/** One command's parsed arguments. */
export interface ParsedCall {
  /** The global options. */
  global: GlobalOptions;
  /** The command's own flags (global ones removed). */
  flags: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments after the command word. */
  positionals: string[];
}

/** The global options that take a value (the next argument, unless written `--x=v`). */
const VALUE_OPTIONS = new Set(["--app", "--file", "--defaults", "--set"]);

/**
 * A negative number (`-5`, `-1.5`, `-inf`) is a value, never an option:
 * `strata set offset -5` must work. parseArgs would take it for a short
 * option, so such arguments are marked before parsing and unmarked after.
 */
const NEGATIVE_NUMBER = /^-(?:[0-9.]|inf$|nan$)/;
const MARK = "\u0001";

/**
 * Finds the command word: the first argument that is neither an option nor
 * the value of a global option. Returns its index, or -1 when there is none.
 *
 * @example
 * ```ts
 * import { findCommand } from "./_args.ts";
 * console.assert(findCommand(["--app", "demo", "get", "db.host"]) === 2);
 * ```
 */
export function findCommand(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return i + 1 < argv.length ? i + 1 : -1;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-") && arg !== "-" && !NEGATIVE_NUMBER.test(arg)) continue;
    return i;
  }
  return -1;
}

/**
 * Parses the arguments of one call: global options and the command's own
 * options, anywhere around the command word (already removed from `argv`).
 * Throws a usage {@link StrataError} naming the flag and where to read help.
 *
 * @example
 * ```ts
 * import { parseCall } from "./_args.ts";
 * const call = parseCall(["--app", "demo", "offset", "-5"], { json: { type: "boolean" } }, "set");
 * console.assert(call.positionals[1] === "-5" && call.global.app === "demo");
 * ```
 */
export function parseCall(
  argv: readonly string[],
  options: ParseArgsOptionsConfig,
  command: string,
): ParsedCall {
  const args = argv.map((arg) => NEGATIVE_NUMBER.test(arg) ? MARK + arg : arg);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(error, command);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const flags: ParsedCall["flags"] = {};
  for (const [name, value] of Object.entries(values)) {
    if (!(name in GLOBAL_OPTIONS)) flags[name] = unmark(value);
  }
  return {
    global: {
      app: unmark(values.app) as string | undefined,
      file: unmark(values.file) as string | undefined,
      defaults: unmark(values.defaults) as string | undefined,
      set: (unmark(values.set) as string[] | undefined) ?? [],
      debug: values.debug === true,
      help: values.help === true,
      version: values.version === true,
    },
    flags,
    positionals: parsed.positionals.map((arg) => unmark(arg) as string),
  };
}

/**
 * Builds a usage error (exit 2) that ends with the hint to the command's help.
 *
 * @example
 * ```ts
 * import { usage } from "./_args.ts";
 * console.assert(usage("set", "missing VALUE").message.endsWith("run 'strata set --help'"));
 * ```
 */
export function usage(command: string, message: string): StrataError {
  const help = command ? `strata ${command} --help` : "strata --help";
  return new StrataError("usage", `${message}\nrun '${help}' for usage`);
}

/**
 * Checks the number of positional arguments of a command and returns them.
 *
 * @example
 * ```ts
 * import { expectPositionals } from "./_args.ts";
 * const [key] = expectPositionals(["db.host"], "get", ["KEY"]);
 * console.assert(key === "db.host");
 * ```
 */
export function expectPositionals(
  positionals: readonly string[],
  command: string,
  names: readonly string[],
  optional: readonly string[] = [],
): string[] {
  if (positionals.length < names.length) {
    throw usage(command, `missing ${names.slice(positionals.length).join(" ")}`);
  }
  if (positionals.length > names.length + optional.length) {
    const extra = positionals.slice(names.length + optional.length);
    throw usage(command, `unexpected argument ${extra.map((a) => JSON.stringify(a)).join(" ")}`);
  }
  return [...positionals];
}

function unmark<T>(value: T): T {
  if (typeof value === "string") {
    return (value.startsWith(MARK) ? value.slice(MARK.length) : value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => unmark(v)) as T;
  return value;
}

function usageError(error: unknown, command: string): StrataError {
  const raw = error instanceof Error ? error.message : String(error);
  // parseArgs' own advice about "--" is right; keep the first sentence only.
  const message = raw.split(". To specify")[0].replaceAll(MARK, "").replace(/\.$/, "");
  return usage(command, message.charAt(0).toLowerCase() + message.slice(1));
}

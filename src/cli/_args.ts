/**
 * Command-line parsing shared by every command: the global options, finding
 * the command word among them, and parsing one command's flags. Parse
 * failures become usage errors (exit 2) whose message ends with a hint to
 * the right `--help`.
 *
 * The option tables use `node:util` `parseArgs`' configuration shape, but the
 * parsing is done here: importing `node:util` costs a compiled binary about
 * 3 ms of start-up (measured with hyperfine: more than half of a Bun
 * hello-world), and every builtin a bundle imports anywhere is loaded at
 * start, lazily imported command or not. The grammar is parseArgs' strict
 * mode: `--name`, `--name=value`, `--name value`, `-h`, `--` ends options;
 * in addition a negative number (`-5`, `-1.5`, `-inf`) is a value, so
 * `strata set offset -5` works.
 *
 * @module
 */

import type { ParseArgsOptionsConfig } from "node:util";
import { StrataError } from "../errors.ts";
import { nearest } from "./_suggest.ts";

/** Options every command accepts, before or after the command word. */
export const GLOBAL_OPTIONS = {
  app: { type: "string" },
  file: { type: "string" },
  format: { type: "string" },
  defaults: { type: "string" },
  schema: { type: "string" },
  set: { type: "string", multiple: true },
  "lock-timeout": { type: "string" },
  strict: { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const satisfies ParseArgsOptionsConfig;

/** The global options after parsing. */
export interface GlobalOptions {
  /** `--app NAME` (the caller falls back to `STRATA_APP`). */
  app?: string;
  /** `--file PATH`: one explicit file, no layers. */
  file?: string;
  /** `--format toml|json`: the format of `--file` when its name does not say. */
  format?: string;
  /** `--defaults PATH`: the application's read-only defaults. */
  defaults?: string;
  /** `--schema PATH`: the application's JSON Schema. */
  schema?: string;
  /** `--set KEY=VALUE` items, in order. */
  set: string[];
  /** `--lock-timeout SECONDS`: how long a write waits for the lock. */
  lockTimeout?: string;
  /** `--strict`: a file that does not parse fails the read instead of falling back to a backup. */
  strict: boolean;
  /** `--debug`: show stacks of errors. */
  debug: boolean;
  /** `--help` / `-h`. */
  help: boolean;
  /** `--version`. */
  version: boolean;
}

/** The value of one parsed flag. */
export type FlagValue = string | boolean | string[] | undefined;

/** One command's parsed arguments. */
export interface ParsedCall {
  /** The global options. */
  global: GlobalOptions;
  /** The command's own flags (global ones removed). */
  flags: Record<string, FlagValue>;
  /** Positional arguments after the command word. */
  positionals: string[];
}

/**
 * A negative number (`-5`, `-.5`, `-inf`, `-nan`) is a value, never an
 * option. Character tests, not a regular expression: every command parses
 * its arguments, and a one-shot command's first regular expression costs
 * start-up time and memory.
 */
function isNegativeNumber(arg: string): boolean {
  const c = arg.charCodeAt(1);
  return (c >= 48 && c <= 57) || c === 46 || arg === "-inf" || arg === "-nan";
}

function isOption(arg: string): boolean {
  return arg.startsWith("-") && arg !== "-" && !isNegativeNumber(arg);
}

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
    if (!isOption(arg)) return i;
    const name = arg.startsWith("--") ? arg.slice(2) : "";
    const spec = (GLOBAL_OPTIONS as ParseArgsOptionsConfig)[name];
    if (spec?.type === "string" && !arg.includes("=")) i++; // skip its value
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
  const specs: ParseArgsOptionsConfig = { ...GLOBAL_OPTIONS, ...options };
  const values: Record<string, FlagValue> = Object.create(null);
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isOption(arg)) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = splitOption(arg, specs, command, positionals);
    const spec = specs[name];
    if (spec.type === "boolean") {
      if (inline !== undefined) {
        throw usage(command, `option '--${name}' does not take an argument`);
      }
      values[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || isOption(next)) {
        throw usage(
          command,
          `option '--${name} <value>' argument missing` +
            (next === undefined
              ? ""
              : ` (for a value that starts with "-", write --${name}=VALUE)`),
        );
      }
      value = next;
      i++;
    }
    if (spec.multiple) values[name] = [...(values[name] as string[] | undefined) ?? [], value];
    else values[name] = value;
  }
  const flags: Record<string, FlagValue> = {};
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(GLOBAL_OPTIONS, name)) flags[name] = values[name];
  }
  return {
    global: {
      app: values.app as string | undefined,
      file: values.file as string | undefined,
      format: values.format as string | undefined,
      defaults: values.defaults as string | undefined,
      schema: values.schema as string | undefined,
      set: (values.set as string[] | undefined) ?? [],
      lockTimeout: values["lock-timeout"] as string | undefined,
      strict: values.strict === true,
      debug: values.debug === true,
      help: values.help === true,
      version: values.version === true,
    },
    flags,
    positionals,
  };
}

/** `--name`, `--name=value` or `-x` -> the option's long name and inline value. */
function splitOption(
  arg: string,
  specs: ParseArgsOptionsConfig,
  command: string,
  positionals: readonly string[],
): [string, string | undefined] {
  if (arg.startsWith("--")) {
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!Object.hasOwn(specs, name)) {
      const near = nearest(name, Object.keys(specs));
      const hint = near === undefined
        ? valueHint(command, arg, positionals)
        : `; did you mean '--${near}'?`;
      throw usage(command, `unknown option '--${name}'${hint}`);
    }
    return [name, eq === -1 ? undefined : arg.slice(eq + 1)];
  }
  const short = arg.slice(1);
  const name = Object.keys(specs).find((key) => specs[key].short === short);
  if (name === undefined) {
    throw usage(command, `unknown option '${arg}'${valueHint(command, arg, positionals)}`);
  }
  return [name, undefined];
}

/** For `set KEY -v`: a value that starts with "-" goes after "--". */
function valueHint(command: string, arg: string, positionals: readonly string[]): string {
  if (command !== "set" || positionals.length !== 1) return "";
  return `; to set a VALUE that starts with "-", put it after "--": ` +
    `strata set ${positionals[0]} -- ${arg}`;
}

/**
 * Builds a usage error (exit 2) that ends with the hint to the command's help.
 *
 * @example
 * ```ts
 * import { usage } from "./_args.ts";
 * console.assert(usage("set", "missing VALUE").message.endsWith("run 'strata set --help' for usage"));
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

/**
 * `strata env [--format sh|dotenv|json] [--only PREFIX] [--reveal]`: prints
 * the variables `strata run` would set, for `eval` or a `.env` consumer.
 * Secrets only with `--reveal`.
 *
 * @module
 */

import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { environmentOf, type EnvVar } from "./_env_vars.ts";
import { openFromContext, printWarnings } from "./_open.ts";

/** `strata env --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] env [--format sh|dotenv|json]
                    [--only PREFIX] [--reveal]

Print the effective configuration as the environment variables strata run
sets (<APP>_<KEY>, see strata run --help): as shell export lines (sh, the
default), as a .env file (dotenv) or as one JSON object (json).

Secrets (sealed values, and plaintext ones from the environment) are left
out, and named on stderr, unless --reveal opens them: what --reveal prints
is plaintext, so send it to a pipe or a process, not to a file others read.

Options:
  --format F      sh (export NAME='value'), dotenv (NAME="value") or json
  --only PREFIX   only the keys under PREFIX
  --reveal        include secrets, opened with the app's identity

Examples:
  eval "$(strata --app demo env)"
  strata --app demo env --format dotenv --only db
  (umask 077; strata --app demo env --format dotenv --reveal > .env)   # for docker compose
`;

/** The flags of `env`. */
export const options = {
  only: { type: "string" },
  reveal: { type: "boolean" },
} as const;

function shQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function dotenvQuote(text: string): string {
  const escaped = text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r").replaceAll("$", "\\$");
  return `"${escaped}"`;
}

const FORMATS: Record<string, (vars: EnvVar[]) => string> = {
  sh: (vars) => vars.map((v) => `export ${v.name}=${shQuote(v.text)}\n`).join(""),
  dotenv: (vars) => vars.map((v) => `${v.name}=${dotenvQuote(v.text)}\n`).join(""),
  json: (vars) => {
    const object: Record<string, string> = Object.create(null);
    for (const v of vars) object[v.name] = v.text;
    return `${JSON.stringify(object, null, 2)}\n`;
  },
};

/** Runs `strata env`. */
export async function run(context: CommandContext): Promise<number> {
  expectPositionals(context.positionals, "env", []);
  // --format is the output's here (a global option, which names a --file's format elsewhere).
  const format = context.global.format ?? "sh";
  const print = Object.hasOwn(FORMATS, format) ? FORMATS[format] : undefined;
  if (print === undefined) {
    throw usage("env", `--format wants sh, dotenv or json, not "${format}"`);
  }
  const config = openFromContext({ ...context, global: { ...context.global, format: undefined } });
  const only = context.flags.only as string | undefined;
  const { vars, hidden } = await environmentOf(
    context,
    config,
    only,
    context.flags.reveal === true,
  );
  context.out(print(vars));
  printWarnings(context, config.warnings());
  if (hidden.length > 0) {
    context.err(
      `strata: ${hidden.length} secret${hidden.length === 1 ? "" : "s"} left out (${
        hidden.join(", ")
      }): add --reveal to include ${hidden.length === 1 ? "it" : "them"}\n`,
    );
  }
  return 0;
}

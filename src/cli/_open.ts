/**
 * Opens the {@link Config} a command works on from the global options:
 * `--app` (or `STRATA_APP`), `--file`, `--defaults` and `--set` items.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { type Config, openConfig } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";
import { envVariableFor } from "../layers/env.ts";
import { parseOverrides } from "../layers/overrides.ts";
import { cliHintWords } from "./hint_words.ts";
import type { FileFormat } from "../platform/paths.ts";
import { usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";

/**
 * Opens the configuration named by the command line.
 *
 * @example
 * ```ts ignore
 * const config = openFromContext(context);
 * config.get("db.host");
 * ```
 */
export function openFromContext(context: CommandContext): Config {
  const { global, env } = context;
  if (global.app !== undefined && global.file !== undefined) {
    throw usage(
      context.name,
      `--app and --file name two different configurations: give --app ${global.app} for its ` +
        `layers, or --file ${global.file} for that one file, not both`,
    );
  }
  // $STRATA_APP names the usual application; an explicit --file replaces it.
  const app = global.file !== undefined
    ? undefined
    : global.app ?? (env.STRATA_APP?.trim() || undefined);
  const config = openConfig({
    app,
    file: global.file,
    format: fileFormat(context),
    strict: global.strict || undefined,
    defaults: global.defaults,
    schema: global.schema,
    overrides: global.set,
    env,
    program: `strata ${context.name}`,
    lockTimeoutMs: lockTimeoutMs(context),
    hintWords: cliHintWords,
    // One command, one version of the files (a set looks at the layers,
    // then sets: one read of a file just changed, not two).
    oneSnapshotPerRun: true,
  });
  if (global.set.length > 0) refuseSecretOverrides(config, global.set);
  return config;
}

/**
 * A secret is never taken from the command line, where `ps` shows it to
 * every user: `--set KEY=VALUE` of a secret key is refused (the value is not
 * repeated in the message).
 */
function refuseSecretOverrides(config: Config, items: readonly string[]): void {
  for (const entry of parseOverrides(items).entries) {
    const key = formatKey(entry.path);
    if (!config.isSecret(key)) continue;
    const variable = config.app === undefined ? undefined : envVariableFor(config.app, entry.path);
    const where = config.app === undefined ? "--file FILE" : `--app ${config.app}`;
    throw new StrataError(
      "usage",
      `--set ${clipText(key)}=...: ${
        clipText(key)
      } holds a secret, and a value on the command line is seen by every user (ps); nothing ` +
        `was read or written. To fix: ${
          variable ? `give it in the environment for one run (${variable}), or ` : ""
        }store it sealed: strata ${where} set --secret ${clipText(key)}`,
    );
  }
}

function fileFormat(context: CommandContext): FileFormat | undefined {
  const { format, file } = context.global;
  if (format === undefined) return undefined;
  if (file === undefined) {
    throw usage(
      context.name,
      `--format applies to --file only (layer files are named .toml or .json)`,
    );
  }
  if (format !== "toml" && format !== "json") {
    throw usage(context.name, `--format wants toml or json, not "${format}"`);
  }
  return format;
}

function lockTimeoutMs(context: CommandContext): number | undefined {
  const text = context.global.lockTimeout;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw usage(
      context.name,
      `--lock-timeout wants a number of seconds (like 0.5 or 30), not "${text}"`,
    );
  }
  return Math.round(seconds * 1000);
}

/**
 * Prints the read warnings (a file that does not parse, a fallback to a
 * backup) on stderr, each once, prefixed so a person sees who speaks.
 */
export function printWarnings(context: CommandContext, warnings: Iterable<string>): void {
  const seen = new Set<string>();
  for (const warning of warnings) {
    if (seen.has(warning)) continue;
    seen.add(warning);
    context.err(`strata: warning: ${warning}\n`);
  }
}

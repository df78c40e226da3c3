/**
 * `strata --help`, `strata help [COMMAND]` and `strata COMMAND --help`.
 *
 * @module
 */

import { expectPositionals, usage } from "./_args.ts";
import { type CommandContext, COMMANDS } from "./_commands.ts";
import { unknownCommand } from "./_suggest.ts";

/** `strata help --help`. */
export const help = `Usage: strata help [COMMAND]

Show strata's help, or one command's help with examples
(the same as strata COMMAND --help).

Examples:
  strata help
  strata help set
`;

/** The flags of `help` (none). */
export const options = {} as const;

/** strata's own help: what it is, the commands, global options, exit codes. */
export function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commands = Object.entries(COMMANDS)
    .map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`)
    .join("\n");
  return `strata: plaintext, layered configuration that many programs can read and write safely.

Usage: strata [--app NAME | --file PATH] [--defaults PATH] [--set KEY=VALUE]... COMMAND [ARGS]

Commands:
${commands}

Global options (before or after the command):
  --app NAME              the application whose configuration this is
                          (default: $STRATA_APP)
  --file PATH             work on this one file only, with no layers (like git config -f)
  --format toml|json      the format of --file when its name ends neither in .toml
                          nor .json (such a file is not written without it)
  --defaults PATH         the application's read-only defaults (.toml or .json)
  --schema PATH           the application's JSON Schema (default: schema.json
                          beside the defaults file)
  --set KEY=VALUE         override KEY for this run only (repeatable, like git -c)
  --strict                a file that does not parse fails (exit 3) instead of being
                          read from its newest good backup (also: STRATA_STRICT=1)
  --lock-timeout SECONDS  how long set/unset wait for another writer's lock
                          (default 10; then exit 4)
  --debug                 show the stack of an error
  -h, --help              show help (strata COMMAND --help for one command)
  --version               print strata's version

Layers, highest first: --set, environment (APP_KEY, "__" for nesting:
DEMO_DB__HOST is db.host), project (.APP.toml in this folder or a parent),
user ($XDG_CONFIG_HOME/APP/config.toml), system (/etc/APP/config.toml),
defaults. The first layer that sets a key wins; tables merge key by key.
A project file owned by another user (not you, not root) is ignored with a
warning unless its folder is listed in $STRATA_TRUSTED_DIRS (":"-separated).

Exit codes:
  0   ok
  1   not found (get/explain: the key is set in no layer; unset: not in that layer)
  2   usage error (unknown command or flag, missing argument)
  3   a file that does not parse, or a value of the wrong type
  4   the file's lock was not obtained in time (another writer holds it)
  5   I/O failure (permission denied, disk full, the working folder was deleted,
      a FIFO/device/folder or a file over 64 MiB where a file should be)
  6   a shared change conflicts (remote sync kept the server's value; see
      strata remote resolve)
  70  internal error (a bug: please report it)

Examples:
  strata --app demo set db.host db.example.com
  strata --app demo get db.host
  strata --app demo explain db.host
  strata --app demo list --show-origin
  strata --file ./settings.toml get server.port
`;
}

/** Runs `strata help [COMMAND]`. */
export async function run(context: CommandContext): Promise<number> {
  const [name] = expectPositionals(context.positionals, "help", [], ["COMMAND"]);
  if (name === undefined) {
    context.out(overview());
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    throw usage("", unknownCommand(name, Object.keys(COMMANDS)));
  }
  context.out((await COMMANDS[name].load()).help);
  return 0;
}

/**
 * `strata completions SHELL`: a completion script for bash, zsh, fish or
 * PowerShell; `--list apps|keys` prints the words the scripts ask for.
 *
 * @module
 */

import { expectPositionals, GLOBAL_OPTIONS, usage } from "./_args.ts";
import { type CommandContext, COMMANDS } from "./_commands.ts";
import {
  completionScript,
  type CompletionSpec,
  type Shell,
  SHELLS,
} from "./_completion_scripts.ts";
import { openFromContext } from "./_open.ts";

/** `strata completions --help`. */
export const help = `Usage: strata completions bash|zsh|fish|powershell
       strata [--app NAME] completions --list apps|keys

Print a script that makes the shell complete strata's commands, their
flags, the names of the applications configured on this machine (after
--app) and the application's keys (after get, set, unset, explain, list and
watch; the application is --app's, else $STRATA_APP's). Load it from the
shell's start-up file:

  bash        eval "$(strata completions bash)"          (in ~/.bashrc)
  zsh         eval "$(strata completions zsh)"           (in ~/.zshrc, after compinit)
  fish        strata completions fish > ~/.config/fish/completions/strata.fish
  PowerShell  strata completions powershell | Out-String | Invoke-Expression   (in $PROFILE)

Options:
  --list apps   print the applications with a configuration, defaults or
                schema on this machine, one a line (what the scripts use)
  --list keys   print the application's keys, one a line

Examples:
  strata completions bash > ~/.local/share/bash-completion/completions/strata
  strata --app demo completions --list keys
`;

/** The flags of `completions`. */
export const options = { list: { type: "string" } } as const;

const VALUES: Record<string, CompletionSpec["globals"][number]["value"]> = {
  app: "app",
  file: "file",
  defaults: "file",
  schema: "file",
  format: "format",
  set: "text",
  "lock-timeout": "text",
};

/** The command line's description, from every command's own options. */
export async function completionSpec(): Promise<CompletionSpec> {
  const commands = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, entry]) => ({
      name,
      summary: entry.summary,
      flags: Object.keys((await entry.load()).options).map((flag) =>
        flag.length === 1 ? `-${flag}` : `--${flag}`
      ),
    })),
  );
  const globals = Object.keys(GLOBAL_OPTIONS).map((flag) => ({
    flag: `--${flag}`,
    value: VALUES[flag],
  }));
  return { commands, globals };
}

/** Runs `strata completions`. */
export async function run(context: CommandContext): Promise<number> {
  const list = context.flags.list;
  if (typeof list === "string") {
    expectPositionals(context.positionals, "completions", []);
    if (list === "apps") {
      const { appsOnMachine } = await import("./_completion_words.ts");
      const apps = appsOnMachine(context.env);
      context.out(apps.map((app) => `${app}\n`).join(""));
      return 0;
    }
    if (list === "keys") {
      const config = openFromContext(context);
      context.out(config.list().map((entry) => `${entry.key}\n`).join(""));
      return 0;
    }
    throw usage("completions", `--list wants apps or keys, not "${list}"`);
  }
  const [shell] = expectPositionals(context.positionals, "completions", ["SHELL"]);
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw usage("completions", `no completions for "${shell}": choose ${SHELLS.join(", ")}`);
  }
  context.out(completionScript(shell as Shell, await completionSpec()));
  return 0;
}

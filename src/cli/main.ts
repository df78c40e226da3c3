/**
 * The CLI's entry point: argv in, exit code out. It finds the command word,
 * loads only that command's module, and turns errors into a one-line message
 * and a documented exit code (see README "Exit codes"). `main.ts` calls
 * {@link runCli}; the other files of this folder are its parts (a leading
 * underscore) and one module per command.
 *
 * @module
 */

import { findCommand, parseCall, usage } from "./_args.ts";
import { type Command, COMMANDS } from "./_commands.ts";
import { reportError } from "./_report.ts";
import { escapeControls } from "../clip.ts";

async function dispatch(argv: string[]): Promise<number> {
  const at = findCommand(argv);
  const name = at === -1 ? "" : argv[at];
  const rest = at === -1 ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)];
  const entry = name ? COMMANDS[name] : undefined;
  if (name && (!entry || !Object.hasOwn(COMMANDS, name))) {
    // "--shema x get": a mistyped option before the command, not a command "x".
    parseCall(argv.slice(0, at), {}, "");
    const { unknownCommand } = await import("./_suggest.ts");
    throw usage("", unknownCommand(name, Object.keys(COMMANDS)));
  }
  const command: Command | undefined = await entry?.load();
  const call = parseCall(rest, command?.options ?? {}, name);
  if (call.global.help || call.global.version || !command) {
    if (!call.global.help && !call.global.version) throw usage("", "missing command");
    const target = call.global.help && name ? [name] : [];
    const module = await COMMANDS[call.global.help ? "help" : "version"].load();
    return await module.run({ ...call, name, positionals: target, env: process.env, out, err });
  }
  const context = { ...call, name, env: process.env, out, err };
  if (entry?.state) await (await import("./_state.ts")).mergeOldState(context);
  return await command.run(context);
}

// console.log/console.error, not process.stdout.write: touching
// process.stdout builds a Node stream, which costs a compiled binary ~10 ms of
// start-up (measured: more than the whole hello-world). With one argument
// neither applies format directives (%s stays %s). Both write all text before
// the process exits.
function out(text: string): void {
  if (text) console.log(text.endsWith("\n") ? text.slice(0, -1) : text);
}

// Messages quote what files and other programs hold (a lock's fields, a
// key, a parser's "found"): control characters reach the terminal escaped.
function err(text: string): void {
  if (text) console.error(escapeControls(text.endsWith("\n") ? text.slice(0, -1) : text));
}

/**
 * Runs one `strata` command line (the arguments after the program's name)
 * and returns its exit code; errors become one message on stderr and a
 * documented code. Prints through `console`, reads `process.env`.
 */
export async function runCli(args: string[]): Promise<number> {
  try {
    // The runtimes decode argv leniently: U+FFFD may stand for a byte that was not UTF-8.
    if (args.some((a) => a.includes("\uFFFD"))) {
      (await import("./_argv_utf8.ts")).refuseInvalidUtf8(args);
    }
    return await dispatch(args);
  } catch (error) {
    return reportError(error, args.includes("--debug"), err);
  }
}

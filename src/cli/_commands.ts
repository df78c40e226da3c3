/**
 * The table of commands. Each entry loads its module only when that command
 * runs, so `strata get` pays start-up time for `get` alone.
 *
 * @module
 */

import type { ParseArgsOptionsConfig } from "node:util";
import type { GlobalOptions } from "./_args.ts";

/** What a command receives: its parsed arguments and where to print. */
export interface CommandContext {
  /** The command word. */
  name: string;
  /** Global options (`--app`, `--file`, `--defaults`, `--set`, `--debug`). */
  global: GlobalOptions;
  /** The command's own flags. */
  flags: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments after the command word. */
  positionals: string[];
  /** The environment (tests may pass their own). */
  env: Record<string, string | undefined>;
  /** Results go here (stdout). */
  out: (text: string) => void;
  /** Warnings go here (stderr). */
  err: (text: string) => void;
}

/** A command module: its help text, its own flags, and what it does. */
export interface Command {
  /** The full `strata COMMAND --help` text. */
  help: string;
  /** The command's own flags, for `node:util` `parseArgs`. */
  options: ParseArgsOptionsConfig;
  /** Runs the command and returns the exit code. */
  run(context: CommandContext): number | Promise<number>;
}

/** One row of the command table. */
export interface CommandEntry {
  /** One line for `strata --help`. */
  summary: string;
  /** Loads the command's module (lazily). */
  load: () => Promise<Command>;
  /**
   * Reads backups or the journal before it writes: state folders of the
   * per-application layout are merged into the shared one first.
   */
  state?: true;
}

/** Every command, in the order `strata --help` lists them. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  get: { summary: "print the value of a key", load: () => import("./get.ts") },
  set: {
    summary: "write a key to a layer (the user layer by default)",
    load: () => import("./set.ts"),
  },
  unset: { summary: "remove a key from a layer", load: () => import("./unset.ts") },
  list: { summary: "show the effective configuration", load: () => import("./list.ts") },
  explain: {
    summary: "show every layer's value for a key and which one wins",
    load: () => import("./explain.ts"),
  },
  paths: {
    summary: "show where every layer lives and whether it exists",
    load: () => import("./paths.ts"),
  },
  backups: {
    summary: "list a layer file's backups (when, size, who wrote it, keys changed)",
    state: true,
    load: () => import("./backups.ts"),
  },
  restore: {
    summary: "put a backup back (restore latest mends a broken file)",
    state: true,
    load: () => import("./restore.ts"),
  },
  undo: {
    summary: "revert the last change (or the last N)",
    state: true,
    load: () => import("./undo.ts"),
  },
  history: {
    summary: "show the journal of changes",
    state: true,
    load: () => import("./history.ts"),
  },
  diff: {
    summary: "show what changed between the file and a backup, key by key",
    state: true,
    load: () => import("./diff.ts"),
  },
  edit: {
    summary: "edit a layer's file in $EDITOR, safely (checked before it is written)",
    load: () => import("./edit.ts"),
  },
  doctor: {
    summary: "check every layer (parses, schema, permissions, locks) and mend",
    load: () => import("./doctor.ts"),
  },
  watch: {
    summary: "print each change of the configuration as it happens (or run a command)",
    load: () => import("./watch.ts"),
  },
  key: {
    summary: "make, show or rotate the identity that opens sealed secrets",
    load: () => import("./key.ts"),
  },
  run: {
    summary: "run a program with the configuration (secrets opened) in its environment",
    load: () => import("./run.ts"),
  },
  env: {
    summary: "print the configuration as environment variables (sh, dotenv, json)",
    load: () => import("./env.ts"),
  },
  import: {
    summary: "take a .env, JSON or TOML file into a layer (sealing secret keys)",
    load: () => import("./import.ts"),
  },
  ui: {
    summary: "serve a web page to see and change the configuration, live",
    load: () => import("./ui.ts"),
  },
  remote: {
    summary: "share a scope on a PostgreSQL server: connect, init, sync, status, resolve",
    load: () => import("./remote.ts"),
  },
  types: {
    summary: "print a TypeScript type of the configuration, from the application's schema",
    load: () => import("./types.ts"),
  },
  completions: {
    summary: "print a shell completion script (bash, zsh, fish, powershell)",
    load: () => import("./completions.ts"),
  },
  help: { summary: "show help for strata or for one command", load: () => import("./help.ts") },
  version: { summary: "print strata's version", load: () => import("./version.ts") },
};

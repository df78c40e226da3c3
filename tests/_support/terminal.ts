/**
 * The CLI on a pseudo-terminal (made by Python's pty module): stdout and
 * stderr both go to the terminal, and the test can type answers when a
 * prompt shows.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { cliCommand } from "./runtime.ts";

/** Text to type once the terminal shows `after`. */
export interface Answer {
  /** What the terminal must show first. */
  after: string;
  /** What is typed (e.g. `"y\n"`, or a secret and `"\r"`). */
  send: string;
  /** Type it again each time `after` shows again (default: once). */
  every?: boolean;
}

/** What a run on the terminal showed. */
export interface OnTerminal {
  /** The exit code. */
  code: number;
  /** Everything the terminal showed, as it showed it (`\r\n` line ends). */
  out: string;
}

/** Options of {@link onTerminal}. */
export interface TerminalOptions {
  /** Working folder. */
  cwd: string;
  /** The whole environment. */
  env: Record<string, string>;
  /** Answers to type (default: none). */
  answers?: Answer[];
}

/**
 * Runs argv on a pseudo-terminal and types the answers; the spec comes on
 * stdin (never on a command line: an answer may be a secret).
 */
const DRIVER = `
import os, pty, sys, json
spec = json.loads(sys.stdin.read())
argv = spec["argv"]
answers = spec["answers"]
sent = [0] * len(answers)
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b""
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    for i, answer in enumerate(answers):
        shown = out.count(answer["after"].encode())
        if sent[i] < (shown if answer["every"] else min(shown, 1)):
            sent[i] += 1
            os.write(fd, answer["send"].encode())
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({"out": out.decode("utf8", "replace"), "code": os.waitstatus_to_exitcode(status)}))
`;

/** Whether a pseudo-terminal can be made here (python3 with its pty module, not Windows). */
export function hasPty(): boolean {
  return process.platform !== "win32" &&
    spawnSync("python3", ["-c", "import pty"], { stdio: "ignore" }).status === 0;
}

/** Runs `command args` on a pseudo-terminal, typing `answers` as their prompts show (60 s at most). */
export function onTerminal(
  command: string,
  args: string[],
  options: TerminalOptions,
): OnTerminal {
  const answers = (options.answers ?? []).map((a) => ({ ...a, every: a.every ?? false }));
  const r = spawnSync("python3", ["-c", DRIVER], {
    cwd: options.cwd,
    env: options.env,
    input: JSON.stringify({ argv: [command, ...args], answers }),
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`the pty driver failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as OnTerminal;
}

/** Runs the CLI from source with `args` on a pseudo-terminal (see {@link onTerminal}). */
export function cliOnTerminal(args: string[], options: TerminalOptions): OnTerminal {
  const [command, prefix] = cliCommand();
  return onTerminal(command, [...prefix, ...args], options);
}

/**
 * Helpers shared by the store tests: temp folders and starting a TypeScript
 * script in a real process under the runtime running the tests.
 *
 * @module
 */

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A fresh temp folder; remove it with `fs.rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
}

/** The command line that runs `script` with `args` under this runtime (bun or deno). */
export function scriptCommand(script: string, args: string[]): [string, string[]] {
  const isDeno = "Deno" in globalThis;
  return [process.execPath, isDeno ? ["run", "-A", script, ...args] : [script, ...args]];
}

/** What a finished process left. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended it, if one did. */
  signal?: string | null;
}

/** Runs a TypeScript script in a new process and waits for it to end. */
export function runScript(
  script: string,
  args: string[],
  env?: Record<string, string | undefined>,
): Promise<Finished> {
  const [command, argv] = scriptCommand(script, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env: env ? { ...process.env, ...env } : process.env,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, stdout, stderr, signal }));
  });
}

/** The pid of a process that has already exited (its lock is left by a dead holder). */
export async function deadPid(): Promise<number> {
  const [command, argv] = "Deno" in globalThis
    ? [process.execPath, ["eval", "0"]]
    : [process.execPath, ["-e", "0"]];
  return await new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve(child.pid!));
  });
}

/** Names in `dir` that a writer must never leave behind. */
export function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) =>
    name.endsWith(".lock") || name.endsWith(".tmp") || name.endsWith(".break")
  );
}

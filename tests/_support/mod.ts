/**
 * What the tests share: temporary folders that remove themselves
 * (`using`), sandboxes (a home and XDG folders of their own), the CLI and
 * other scripts run from source as real processes (on a pseudo-terminal too),
 * and the size and record of a reliability campaign.
 *
 * @module
 */

export * from "./temp.ts";
export * from "./runtime.ts";
export * from "./process.ts";
export * from "./signalled.ts";
export * from "./sandbox.ts";
export * from "./library.ts";
export * from "./cli.ts";
export * from "./files.ts";
export * from "./checks.ts";
export * from "./campaign.ts";
export * from "./terminal.ts";
export * from "./wait.ts";

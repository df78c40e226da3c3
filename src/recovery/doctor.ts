/**
 * `doctor`: checks every layer of a configuration and says, for each
 * problem, what mends it; with `fix`, mends what is safe to mend without a
 * person's judgement (permissions, stale locks, orphan temp files, torn
 * journal lines, which are moved aside, not deleted).
 *
 * Checks per writable layer file: it parses; it matches the schema; its
 * permissions (POSIX: the user layer, `--file` files and everything in the
 * state folder are the owner's only, 0600 files / 0700 folders; project and
 * system files, which are shared on purpose, must not be writable by
 * others); no stale lock; no orphan temp file (beside it, in its backup
 * folder); its journal reads without torn lines; the backup the journal
 * names for the last change is there. The defaults file must parse and
 * match the schema; the schema must be a valid schema; the merged
 * configuration must hold every `required` key.
 *
 * @module
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LayerInfo } from "../config.ts";
import { StrataError } from "../errors.ts";
import { assignPath } from "../layers/merge.ts";
import { formatOf } from "../platform/paths.ts";
import type { Schema } from "../schema/validate.ts";
import { validate } from "../schema/validate.ts";
import { writeFileAtomic } from "../store/atomic_write.ts";
import { listBackups } from "../store/backup.ts";
import { readJournal } from "../store/journal.ts";
import { acquireLock, lockDefaults, processAlive } from "../store/lock.ts";
import { readRegularFile } from "../runtime/fs.ts";
import { issueText, layerIssues, parseLayerText } from "./check_text.ts";
import { command, type LayerFile, type RecoveryConfig, writableLayerFiles } from "./layer_files.ts";
import { latestValidBackup, readText } from "./versions.ts";
import { groupWrites } from "./writes.ts";

/** What a finding is about. */
export type CheckName =
  | "file"
  | "parse"
  | "schema"
  | "permissions"
  | "lock"
  | "temp"
  | "journal"
  | "backups";

/** One problem found. */
export interface Finding {
  /** The layer (`project`, `user`, `system`, `file`, `defaults`, `schema`, `merged`). */
  layer: string;
  /** The file concerned. */
  file?: string;
  /** Which check found it. */
  check: CheckName;
  /** What is wrong, in words. */
  problem: string;
  /** The command (or step) that mends it. */
  mend: string;
  /** Whether `doctor --fix` mends it. */
  fixable: boolean;
  /** Set by `--fix`: mended. */
  fixed?: boolean;
}

/** What {@link runDoctor} checked and found. */
export interface DoctorReport {
  /** The files checked (every layer that has a file), top first. */
  checked: { layer: string; file: string; exists: boolean }[];
  /** The problems, in the order found. */
  findings: Finding[];
}

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** Mend what is safe to mend. */
  fix?: boolean;
  /** A lock older than this is stale (default 30 s, strata's `lock.stale_ms`). */
  staleLockMs?: number;
  /** The platform whose rules apply (default `process.platform`; permissions are POSIX only). */
  platform?: string;
}

/** Doctor needs a little more of a Config than the other recovery commands. */
export interface DoctorConfig extends RecoveryConfig {
  /** The effective configuration's leaves (for the `required` keys). */
  list(): { path: string[]; value: unknown }[];
}

interface Fix {
  finding: Finding;
  apply: () => Promise<void> | void;
}

/** Checks everything and, with `fix`, mends what is safe. */
export async function runDoctor(
  config: DoctorConfig,
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const platform = options.platform ?? process.platform;
  const staleMs = options.staleLockMs ?? lockDefaults.staleMs;
  const report: DoctorReport = { checked: [], findings: [] };
  const fixes: Fix[] = [];
  const add = (finding: Finding, apply?: Fix["apply"]) => {
    report.findings.push(finding);
    if (apply) fixes.push({ finding, apply });
  };
  let schema: { schema: Schema; file?: string } | undefined;
  try {
    schema = config.schema?.();
  } catch (e) {
    add({
      layer: "schema",
      check: "schema",
      problem: (e as Error).message,
      mend: "fix the application's schema file (it is not a schema strata understands)",
      fixable: false,
    });
  }
  const layers = config.layers();
  for (const info of layers) {
    for (const skipped of info.skipped ?? []) {
      add({
        layer: info.layer,
        file: skipped.file,
        check: "file",
        problem: skipped.problem,
        mend: skipped.mend,
        fixable: false,
      });
    }
  }
  for (const target of writableLayerFiles(config)) {
    report.checked.push({ layer: target.layer, file: target.file, exists: target.exists });
    checkLayerFile(target, schema, platform, staleMs, add);
  }
  const defaults = layers.find((l: LayerInfo) =>
    l.layer === "defaults" && l.file !== undefined && l.exists
  );
  if (defaults?.file) {
    report.checked.push({ layer: "defaults", file: defaults.file, exists: defaults.exists });
    checkDefaults(defaults.file, schema, add);
  }
  if (schema) checkRequired(config, schema, add);
  const cli = writableLayerFiles(config)[0]?.cli ?? "strata";
  if (platform !== "win32") checkStateFolder(config.stateDir, cli, add);
  if (options.fix) {
    for (const { finding, apply } of fixes) {
      try {
        await apply();
        finding.fixed = true;
      } catch (e) {
        finding.problem += ` (--fix could not mend it: ${(e as Error).message})`;
      }
    }
  }
  return report;
}

type Add = (finding: Finding, apply?: Fix["apply"]) => void;

function checkLayerFile(
  target: LayerFile,
  schema: { schema: Schema; file?: string } | undefined,
  platform: string,
  staleMs: number,
  add: Add,
): void {
  const base = { layer: target.layer, file: target.file };
  if (target.exists) {
    let values: Record<string, unknown> | undefined;
    try {
      values = parseLayerText(readText(target.file) ?? "", target.format, target.file);
    } catch (e) {
      const { problem, fix } = e as { problem?: string; fix?: string };
      if (e instanceof StrataError && e.code === "io" && problem && fix) {
        // Not a file strata can read (a FIFO, a device, too big): no parse to speak of.
        add({ ...base, check: "file", problem, mend: fix, fixable: false });
        return;
      }
      const good = latestValidBackup(target);
      add({
        ...base,
        check: "parse",
        problem: (e as Error).message,
        mend: good
          ? `${command(target, "edit")} (fix it by hand), or ${
            command(target, "restore latest")
          } (back to the version of ${good.time})`
          : `${command(target, "edit")} (no backup of it parses)`,
        fixable: false,
      });
    }
    if (values && schema) {
      for (const issue of layerIssues(schema.schema, values)) {
        add({
          ...base,
          check: "schema",
          problem: `${issueText(issue)} (schema ${schema.file ?? "given by the program"})`,
          mend: `${command(target, "edit")}, or ${command(target, "set KEY VALUE")}`,
          fixable: false,
        });
      }
    }
    if (platform !== "win32") checkFileMode(target, add);
  }
  checkLock(target, staleMs, add);
  checkTemps(target, staleMs, add);
  checkJournal(target, add);
  checkBackups(target, add);
}

/**
 * POSIX modes: who else may read or write. Only a regular file's mode is
 * looked at (`/dev/null`, for the "link my config to /dev/null" idiom, is
 * not the layer's to judge); `--fix` changes it only when the file lies in
 * the layer's own folder, never through a link to a file elsewhere.
 */
function checkFileMode(target: LayerFile, add: Add): void {
  let mode: number;
  try {
    const stat = fs.statSync(target.real);
    if (!stat.isFile()) return;
    mode = stat.mode & 0o777;
  } catch {
    return;
  }
  const elsewhere = path.dirname(target.real) !== path.dirname(path.resolve(target.file));
  const shared = target.layer === "project" || target.layer === "system";
  const tooWide = shared ? mode & 0o022 : mode & 0o077;
  if (!tooWide) return;
  const wanted = shared ? mode & ~0o022 : mode & 0o700 | 0o600;
  const octal = (m: number) => m.toString(8).padStart(3, "0");
  add({
    layer: target.layer,
    file: target.file,
    check: "permissions",
    problem: shared
      ? `${target.real} is writable by others (mode ${
        octal(mode)
      }): anyone could change the ${target.layer} layer`
      : `${target.real} is open to others (mode ${
        octal(mode)
      }); it should be the owner's only (600)`,
    mend: elsewhere
      ? `chmod ${octal(wanted)} ${target.real} (by hand: ${target.file} links to it, ` +
        `outside the layer's folder, so doctor --fix leaves it alone)`
      : `chmod ${octal(wanted)} ${target.real} (or: ${target.cli} doctor --fix)`,
    fixable: !elsewhere,
  }, elsewhere ? undefined : () => fs.chmodSync(target.real, wanted));
}

/** A lock whose holder is gone (or that is older than the stale bound) blocks every writer until broken. */
function checkLock(target: LayerFile, staleMs: number, add: Add): void {
  const lockPath = `${target.real}.lock`;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(lockPath);
  } catch {
    return;
  }
  const age = Date.now() - stat.mtimeMs;
  let holder: { pid?: number; host?: string; program?: string; pidns?: string } | undefined;
  try {
    // Bounded and regular files only: a lock that is a FIFO or a link to /dev/zero must not hang.
    holder = JSON.parse(new TextDecoder().decode(readRegularFile(lockPath, { limit: 64 * 1024 })));
  } catch {
    holder = undefined;
  }
  // The protocol's rule (PROTOCOL.md): a pid is only judged on the same host
  // and in the same pid namespace. (--fix applies the store's own rule.)
  const samePids = holder?.host === os.hostname() &&
    (holder.pidns === undefined || ourPidNamespace() === undefined ||
      holder.pidns === ourPidNamespace());
  const dead = holder?.pid !== undefined && samePids && !processAlive(holder.pid);
  const stale = !stat.isFile() || age > staleMs || dead || (!holder && age > 5_000);
  if (!stale) return;
  const who = holder?.pid !== undefined
    ? `process ${holder.pid} on ${holder.host} (${holder.program ?? "?"})${
      dead ? ", which is gone" : ""
    }`
    : "no readable holder";
  add({
    layer: target.layer,
    file: target.file,
    check: "lock",
    problem: `stale lock ${lockPath}: held by ${who}, ${Math.round(age / 1000)} s old`,
    mend: `${target.cli} doctor --fix (breaks it safely), or rm ${lockPath}`,
    fixable: true,
  }, async () => {
    // acquireLock breaks a stale lock by the protocol's own rule (under its
    // guard, only if it is still the lock judged stale), then we let go.
    const lock = await acquireLock(target.real, {
      timeoutMs: 0,
      staleMs,
      program: "strata doctor",
    });
    lock.release();
  });
}

function ourPidNamespace(): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return fs.readlinkSync("/proc/self/ns/pid");
  } catch {
    return undefined;
  }
}

/** Temp files of writers that died between creating and renaming them. */
function checkTemps(target: LayerFile, staleMs: number, add: Add): void {
  const name = path.basename(target.real).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const places: [string, RegExp][] = [
    [path.dirname(target.real), new RegExp(`^\\.${name}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`)],
    [target.backupDir, /^\.\d{8}T\d{6}\.\d{3}Z-(\d+)\.[0-9a-f]+\.tmp$/],
  ];
  for (const [dir, pattern] of places) {
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of names) {
      const match = entry.match(pattern);
      if (!match) continue;
      const file = path.join(dir, entry);
      let age: number;
      try {
        age = Date.now() - fs.lstatSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (age <= staleMs && processAlive(Number(match[1]))) continue;
      add({
        layer: target.layer,
        file: target.file,
        check: "temp",
        problem: `orphan temp file ${file} (left by process ${match[1]}, which is gone)`,
        mend: `${target.cli} doctor --fix, or rm ${file}`,
        fixable: true,
      }, async () => {
        // Under the file's lock no writer of this file has a temp file open.
        const lock = await acquireLock(target.real, { staleMs, program: "strata doctor" });
        try {
          fs.rmSync(file, { force: true });
        } finally {
          lock.release();
        }
      });
    }
  }
}

/** Torn lines (a crash mid-append) are skipped by readers; `--fix` moves them aside. */
function checkJournal(target: LayerFile, add: Add): void {
  let skipped: { line: number; text: string }[];
  try {
    skipped = readJournal(target.journal).skipped;
  } catch (e) {
    add({
      layer: target.layer,
      file: target.file,
      check: "journal",
      problem: (e as Error).message,
      mend: `check the owner and mode of ${target.journal} (ls -l ${target.journal})`,
      fixable: false,
    });
    return;
  }
  if (skipped.length === 0) return;
  const torn = `${target.journal}.torn`;
  add({
    layer: target.layer,
    file: target.file,
    check: "journal",
    problem: `${target.journal} has ${skipped.length} line${
      skipped.length === 1 ? "" : "s"
    } that cannot be read (line ${skipped.map((s) => s.line).join(", ")}; torn by a crash?)`,
    mend: `${target.cli} doctor --fix (moves them to ${torn})`,
    fixable: true,
  }, async () => {
    const lock = await acquireLock(target.real, { program: "strata doctor" });
    try {
      const text = fs.readFileSync(target.journal, "utf8");
      const lines = text.split("\n");
      const bad = new Set(readJournal(target.journal).skipped.map((s) => s.line - 1));
      const keep = lines.filter((_, i) => !bad.has(i)).join("\n");
      const aside = lines.filter((_, i) => bad.has(i)).map((l) => l + "\n").join("");
      fs.appendFileSync(torn, aside, { mode: 0o600 });
      writeFileAtomic(target.journal, keep.endsWith("\n") || keep === "" ? keep : keep + "\n");
    } finally {
      lock.release();
    }
  });
}

/** The backup holding the version before the last change must be there (rotation never removes it). */
function checkBackups(target: LayerFile, add: Add): void {
  let writes;
  try {
    writes = groupWrites(readJournal(target.journal).entries);
  } catch {
    return; // reported by the journal check
  }
  const last = [...writes].reverse().find((w) => w.backup !== undefined);
  if (!last?.backup) return;
  let ids: Set<string>;
  try {
    ids = new Set(listBackups(target.backupDir).map((b) => b.id));
  } catch (e) {
    add({
      layer: target.layer,
      file: target.file,
      check: "backups",
      problem: (e as Error).message,
      mend: `check the owner and mode of ${target.backupDir}`,
      fixable: false,
    });
    return;
  }
  if (ids.has(last.backup)) return;
  add({
    layer: target.layer,
    file: target.file,
    check: "backups",
    problem: `the backup ${last.backup} of the version before the last change (${last.time}, ` +
      `${last.program}) is missing from ${target.backupDir}: that version cannot be restored or undone exactly`,
    mend: `nothing brings it back; check what removes files in ${target.backupDir} ` +
      `(the next change makes a new backup)`,
    fixable: false,
  });
}

function checkDefaults(
  file: string,
  schema: { schema: Schema; file?: string } | undefined,
  add: Add,
): void {
  let values: Record<string, unknown>;
  try {
    values = parseLayerText(readText(file) ?? "", formatOf(file), file);
  } catch (e) {
    add({
      layer: "defaults",
      file,
      check: "parse",
      problem: (e as Error).message,
      mend:
        `the application's defaults are read-only to strata: fix ${file} (or reinstall the application)`,
      fixable: false,
    });
    return;
  }
  if (!schema) return;
  for (const issue of layerIssues(schema.schema, values)) {
    add({
      layer: "defaults",
      file,
      check: "schema",
      problem: issueText(issue),
      mend: `fix ${file} or the schema ${schema.file ?? ""}`.trimEnd(),
      fixable: false,
    });
  }
}

/** `required` keys hold on the merged configuration: any layer may provide them. */
function checkRequired(config: DoctorConfig, schema: { schema: Schema; file?: string }, add: Add) {
  let leaves: { path: string[]; value: unknown }[];
  try {
    leaves = config.list();
  } catch {
    return; // a layer that cannot be read is reported above
  }
  const merged: Record<string, unknown> = {};
  for (const leaf of leaves) assignPath(merged, leaf.path, leaf.value);
  for (const issue of validate(schema.schema, merged)) {
    if (issue.message !== "required key is missing") continue;
    add({
      layer: "merged",
      check: "schema",
      problem: `${issueText(issue)}: no layer sets it (schema ${
        schema.file ?? "given by the program"
      })`,
      mend: `${writableLayerFiles(config)[0]?.cli ?? "strata"} set ${
        issueText(issue).split(": ")[0]
      } VALUE`,
      fixable: false,
    });
  }
}

/** Everything under the state folder is the owner's only: backups hold every old value. */
function checkStateFolder(stateDir: string, cli: string, add: Add): void {
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        modeCheck(full, 0o700);
        walk(full);
      } else if (entry.isFile()) modeCheck(full, 0o600);
    }
  };
  const modeCheck = (file: string, wanted: number) => {
    let mode: number;
    try {
      mode = fs.statSync(file).mode & 0o777;
    } catch {
      return;
    }
    if (!(mode & 0o077)) return;
    const fixed = (mode & 0o700) | wanted;
    add({
      layer: "state",
      file,
      check: "permissions",
      problem: `${file} is open to others (mode ${mode.toString(8).padStart(3, "0")}); ` +
        `backups and journals hold old values and must be the owner's only`,
      mend: `chmod ${fixed.toString(8)} ${file} (or: ${cli} doctor --fix)`,
      fixable: true,
    }, () => fs.chmodSync(file, fixed));
  };
  modeCheck(stateDir, 0o700);
  walk(stateDir);
}

/** Whether a report leaves problems that are not mended. */
export function unhealthy(report: DoctorReport): boolean {
  return report.findings.some((f) => !f.fixed);
}

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
import * as path from "node:path";
import type { LayerInfo, Rejected } from "../config/config.ts";
import { assignPath } from "../layers/merge.ts";
import { formatOf } from "../platform/paths.ts";
import type { Schema } from "../schema/validate.ts";
import { validate } from "../schema/validate.ts";
import { lockDefaults } from "../store/lock_state.ts";
import { legacyStateFolders, migrateLegacyState } from "../store/migrate_state.ts";
import { issueText, layerIssues, parseLayerText } from "./check_text.ts";
import { checkLayerFile } from "./doctor_file.ts";
import { adviseAll, type RecoveryConfig, writableLayerFiles } from "./layer_files.ts";
import { readText } from "./versions.ts";

/** What a finding is about. */
export type CheckName =
  | "file"
  | "parse"
  | "schema"
  | "permissions"
  | "lock"
  | "temp"
  | "journal"
  | "backups"
  | "state"
  | "value";

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
  /**
   * What reading the configuration warned about (a `.toml` beside a `.json`,
   * an ignored project file, ...) and what strata does not check in the
   * schema: worth knowing, not problems (they do not make the report unhealthy).
   * A warning that repeats a finding is left out.
   */
  warnings: string[];
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
  /** Values that would win but cannot be used (schema, type), with their layer and origin. */
  rejected?(): Rejected[];
  /** Warnings from reading the configuration, each returned once (`Config.warnings`). */
  warnings?(): string[];
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
  const report: DoctorReport = { checked: [], findings: [], warnings: [] };
  const fixes: Fix[] = [];
  const add = (finding: Finding, apply?: Fix["apply"]) => {
    report.findings.push(finding);
    if (apply) fixes.push({ finding, apply });
  };
  let schema: { schema: Schema; file?: string; warnings?: string[] } | undefined;
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
    await checkLayerFile(target, schema, platform, staleMs, add);
  }
  const defaults = layers.find((l: LayerInfo) =>
    l.layer === "defaults" && l.file !== undefined && l.exists
  );
  if (defaults?.file) {
    report.checked.push({ layer: "defaults", file: defaults.file, exists: defaults.exists });
    checkDefaults(defaults.file, schema, add);
  }
  if (schema) checkRequired(config, schema, add);
  checkRejected(config, add);
  const fix = adviseAll(config, { action: "doctor-fix" });
  checkLegacyState(config.stateDir, fix, staleMs, add);
  if (platform !== "win32") checkStateFolder(config.stateDir, fix, add);
  report.warnings = readWarnings(config, report.findings, schema?.warnings ?? []);
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

/**
 * The configuration's read warnings and the schema's unchecked parts, less
 * those a finding already says (a broken file's fallback to its backup
 * repeats its parse finding; a broken schema repeats its schema finding).
 */
function readWarnings(config: DoctorConfig, findings: Finding[], schema: string[]): string[] {
  const said = (w: string) =>
    findings.some((f) =>
      w.startsWith(f.problem) || (f.check === "parse" && f.file && w.startsWith(`${f.file}:`))
    );
  return [...new Set([...(config.warnings?.() ?? []), ...schema])].filter((w) => !said(w));
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

/**
 * Values of the layers without a file of their own to check (environment,
 * `--set`, the schema's defaults) that cannot be used. File layers and the
 * defaults file are checked above, file by file.
 */
function checkRejected(config: DoctorConfig, add: Add): void {
  let rejected: Rejected[];
  try {
    rejected = config.rejected?.() ?? [];
  } catch {
    return; // a layer that cannot be read is reported above
  }
  const mends: Record<string, (r: Rejected) => string> = {
    environment: (r) => `fix or unset ${r.origin.env}`,
    "command-line": () => "fix the --set value",
    "schema-defaults": (r) =>
      `fix the default at #${r.origin.pointer ?? ""} in the schema ${r.origin.file ?? ""}`
        .trimEnd(),
  };
  for (const r of rejected) {
    const mend = mends[r.origin.layer];
    if (!mend) continue;
    add({
      layer: r.origin.layer,
      ...(r.origin.file === undefined ? {} : { file: r.origin.file }),
      check: "schema",
      problem: `not used: ${r.message}`,
      mend: mend(r),
      fixable: false,
    });
  }
}

/**
 * Rules on the merged configuration: `required` keys (any layer may
 * provide them) and rules that tie keys together (`anyOf`, `oneOf`, `if`
 * written on a table, `minProperties`, ...).
 */
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
    if (!issue.message.startsWith("required key is missing")) {
      add({
        layer: "merged",
        check: "schema",
        problem: `${issueText(issue)} (the merged configuration; schema ${
          schema.file ?? "given by the program"
        }#${issue.pointer ?? ""})`,
        mend: `${
          adviseAll(config, { action: "explain", key: "KEY" })
        } shows which layer sets each key; change one of them`,
        fixable: false,
      });
      continue;
    }
    add({
      layer: "merged",
      check: "schema",
      problem: `${issueText(issue)}: no layer sets it (schema ${
        schema.file ?? "given by the program"
      })`,
      mend: adviseAll(config, {
        action: "set",
        key: issueText(issue).split(": ")[0],
        value: "VALUE",
      }),
      fixable: false,
    });
  }
}

/**
 * State folders of the per-application layout not merged yet: their backups
 * and journals are missing from history, undo and restore until they are.
 */
function checkLegacyState(stateDir: string, fix: string, staleMs: number, add: Add): void {
  for (const folder of legacyStateFolders(stateDir)) {
    add({
      layer: "state",
      file: folder,
      check: "state",
      problem: `${folder} holds backups or journals of the per-application layout, not yet ` +
        `merged into ${stateDir} (history, undo and restore miss them until they are)`,
      mend: `${fix} (merges them; nothing is lost)`,
      fixable: true,
    }, async () => {
      const result = await migrateLegacyState(stateDir, { staleMs });
      const left = result.left.map((l) => `${l.path}: ${l.problem}`);
      if (legacyStateFolders(stateDir).includes(folder)) {
        throw new Error(`left in place: ${left.join("; ") || folder}`);
      }
    });
  }
}

/** Everything under the state folder is the owner's only: backups hold every old value. */
function checkStateFolder(stateDir: string, fix: string, add: Add): void {
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
      const stat = fs.lstatSync(file); // a link in the state folder is never followed
      if (!stat.isFile() && !stat.isDirectory()) return;
      mode = stat.mode & 0o777;
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
      mend: `chmod ${fixed.toString(8)} ${file} (or: ${fix})`,
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

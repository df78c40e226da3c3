/**
 * `doctor`'s checks of one writable layer file: it parses and matches the
 * schema; its permissions; no stale lock; no orphan temp file; its journal
 * reads without torn lines; the backup the journal names for the last
 * change is there.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { StrataError } from "../errors.ts";
import type { Schema } from "../schema/validate.ts";
import { listBackups } from "../store/backup.ts";
import {
  breakLock,
  orphanTemps,
  removeOrphanTemp,
  setAsideTornLines,
  watchLock,
} from "../store/inspect.ts";
import { readJournal } from "../store/journal.ts";
import { printable } from "../store/lock_state.ts";
import { issueText, layerIssues, parseLayerText } from "./check_text.ts";
import { advise, type LayerFile } from "./layer_files.ts";
import { latestValidBackup, readText } from "./versions.ts";
import { groupWrites } from "./writes.ts";
import { wideFinding } from "./wide_integer_finding.ts";
import { wideIntegers } from "../codec/value.ts";

import type { Finding } from "./doctor.ts";

/** Records a finding and, when it is safe to mend, how. */
export type Add = (finding: Finding, apply?: () => Promise<void> | void) => void;

export async function checkLayerFile(
  target: LayerFile,
  schema: { schema: Schema; file?: string } | undefined,
  platform: string,
  staleMs: number,
  add: Add,
): Promise<void> {
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
          ? `${advise(target, { action: "edit" })} (fix it by hand), or ${
            advise(target, { action: "restore", which: "latest" })
          } (back to the version of ${good.time})`
          : `${advise(target, { action: "edit" })} (no backup of it parses)`,
        fixable: false,
      });
    }
    for (const wide of values ? wideIntegers(values) : []) {
      add({ ...base, ...wideFinding(target, wide) });
    }
    if (values && schema) {
      for (const issue of layerIssues(schema.schema, values)) {
        add({
          ...base,
          check: "schema",
          problem: `${issueText(issue)} (schema ${schema.file ?? "given by the program"})`,
          mend: `${advise(target, { action: "edit" })}, or ${
            advise(target, { action: "set", key: "KEY", value: "VALUE" })
          }`,
          fixable: false,
        });
      }
    }
    if (platform !== "win32") checkFileMode(target, add);
  }
  await checkLock(target, staleMs, add);
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
      : `chmod ${octal(wanted)} ${target.real} (or: ${advise(target, { action: "doctor-fix" })})`,
    fixable: !elsewhere,
  }, elsewhere ? undefined : () => fs.chmodSync(target.real, wanted));
}

/**
 * A lock that stays while doctor watches it blocks writers: its holder is gone, stopped, or
 * never wrote its record. The store judges it by the one stale-lock rule (a live holder renews
 * its lease, so its lock changes); `--fix` breaks it by that rule too.
 */
async function checkLock(target: LayerFile, staleMs: number, add: Add): Promise<void> {
  const lock = await watchLock(target.real, { staleMs });
  if (!lock) return;
  const who = lock.info
    ? `process ${printable(String(lock.info.pid))} on ${printable(lock.info.host)} (${
      printable(lock.info.program)
    })`
    : lock.kind === "file"
    ? "no readable holder"
    : lock.kind === "symlink"
    ? "nobody (a symbolic link, which no writer makes)"
    : "nobody (it is not a file)";
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const problem = lock.holderGone
    ? `stale lock ${lock.path}: held by ${who}, which is gone`
    : lock.staleAfterMs === undefined
    ? `${lock.path} blocks every writer: held by ${who}`
    : `lock ${lock.path} held by ${who}, dated ${lock.mtime}, did not change while doctor ` +
      `watched it (${seconds(lock.watchedMs)}): a live writer renews it; if none is ` +
      `running it blocks writers until one has seen it unchanged for ${seconds(lock.staleAfterMs)}`;
  const mend = lock.staleAfterMs === undefined
    ? `remove ${lock.path} by hand (rm -r), after checking what it is`
    : lock.holderGone
    ? `${advise(target, { action: "doctor-fix" })} (breaks it safely), or rm ${lock.path}`
    : `${advise(target, { action: "doctor-fix" })} (watches it for up to ${
      seconds(lock.staleAfterMs)
    } and breaks it if it stays unchanged), or rm ${lock.path} if that process is gone`;
  const fixable = lock.staleAfterMs !== undefined;
  add(
    { layer: target.layer, file: target.file, check: "lock", problem, mend, fixable },
    fixable ? () => breakLock(target.real, staleMs) : undefined,
  );
}

/** Temp files of writers that died between creating and renaming them. */
function checkTemps(target: LayerFile, staleMs: number, add: Add): void {
  for (const orphan of orphanTemps(target.real, target.backupDir, staleMs)) {
    add({
      layer: target.layer,
      file: target.file,
      check: "temp",
      problem: `orphan temp file ${orphan.file} (left by process ${orphan.pid}, which is gone)`,
      mend: `${advise(target, { action: "doctor-fix" })}, or rm ${orphan.file}`,
      fixable: true,
    }, () => removeOrphanTemp(target.real, orphan.file));
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
    mend: `${advise(target, { action: "doctor-fix" })} (moves them to ${torn})`,
    fixable: true,
  }, async () => {
    await setAsideTornLines(target.real, target.journal);
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

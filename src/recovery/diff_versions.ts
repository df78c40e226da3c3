/**
 * `diff`: what changed between two versions of a layer file (the current
 * file and a backup, or two backups), key by key or as text lines.
 *
 * @module
 */

import { unifiedDiff } from "../diff/line_diff.ts";
import { diffValues, type KeyChange } from "../diff/value_diff.ts";
import { StrataError } from "../errors.ts";
import { parseLayerText } from "./check_text.ts";
import type { LayerFile } from "./layer_files.ts";
import { readVersion, type Version } from "./versions.ts";

/** What {@link diffVersions} compared and found. */
export interface VersionDiff {
  /** The older side (by default the newest backup that parses). */
  from: Version;
  /** The newer side (by default the current file). */
  to: Version;
  /** The changed keys, `before` from `from`, `after` from `to`. */
  changes: KeyChange[];
}

/**
 * Compares two versions of `target` key by key: `from` defaults to `latest`
 * (the newest backup that parses) and `to` to `current`. Throws `parse`
 * when a side does not parse (its lines can still be compared: {@link textDiff}).
 */
export function diffVersions(target: LayerFile, from = "latest", to = "current"): VersionDiff {
  const a = readVersion(target, from);
  const b = readVersion(target, to);
  return { from: a, to: b, changes: diffValues(valuesOf(a, target), valuesOf(b, target)) };
}

/** The unified line diff of two versions ("" when their lines are the same). */
export function textDiff(target: LayerFile, from = "latest", to = "current"): string {
  const a = readVersion(target, from);
  const b = readVersion(target, to);
  return unifiedDiff(a.text, b.text, labelOf(a), labelOf(b));
}

/** How a version is named in a diff's header: `current (/path)` or the backup's id and time. */
export function labelOf(version: Version): string {
  return version.backup
    ? `${version.id} (backup of ${version.backup.time})`
    : `current (${version.path})`;
}

function valuesOf(version: Version, target: LayerFile): Record<string, unknown> {
  try {
    return parseLayerText(version.text, target.format, version.path);
  } catch (e) {
    throw new StrataError(
      "parse",
      `${(e as Error).message}; it cannot be compared key by key (compare its lines with --text)`,
      { cause: e },
    );
  }
}

/**
 * The snapshot: `shared.toml` beside the user file, an ordinary TOML file
 * whose header names the source, scope, revision and time, written through
 * the write protocol (lock, backup, atomic rename, journal) so watchers,
 * backups and the journal see remote changes like any other.
 *
 * @module
 */

import { formatKey as keyText, parseKey } from "../keys.ts";
import { updateFile, type UpdateResult } from "../store/update_file.ts";
import { formatKey as tomlKey } from "../toml/stringify.ts";
import type { LocalRow, MirrorState } from "./local_state.ts";
import { readSnapshotHeader } from "./snapshot_header.ts";
import { decodeValue } from "./value_text.ts";

export { readSnapshotHeader, type SnapshotHeader } from "./snapshot_header.ts";

/** The snapshot's file name, beside the user layer's file. */
export const snapshotName = "shared.toml";

/**
 * The text of a snapshot: the header, then one `key = literal` line per
 * live key in key order. A key under another key's plain value (`a = 1` and
 * `a.b = 2`) cannot be written in one TOML file: it is left out and named.
 */
export function renderSnapshot(
  mirror: MirrorState,
  time: string,
): { text: string; skipped: string[] } {
  const keys = Object.keys(mirror.rows).filter((k) => !mirror.rows[k].deleted).sort();
  const leaves = new Set(keys);
  const skipped: string[] = [];
  const lines = [
    "# The shared layer, copied from the server by strata; edits here are replaced at the next sync.",
    "# Change a value with: strata set --shared KEY VALUE",
    `# source = ${JSON.stringify(mirror.source)}`,
    `# scope = ${JSON.stringify(mirror.scope)}`,
    `# revision = ${mirror.revision}`,
    `# time = ${time}`,
    "",
  ];
  for (const key of keys) {
    const segments = parseKey(key);
    const under = segments.slice(1).some((_, i) => leaves.has(keyText(segments.slice(0, i + 1))));
    if (under) {
      skipped.push(key);
      continue;
    }
    lines.push(`${segments.map(tomlKey).join(".")} = ${mirror.rows[key].text}`);
  }
  if (skipped.length) {
    lines.splice(6, 0, `# left out (under another key's value): ${skipped.join(", ")}`);
  }
  return { text: lines.join("\n") + "\n", skipped };
}

function shown(row: LocalRow | undefined): unknown {
  if (!row || row.deleted) return undefined;
  try {
    return decodeValue(row.text);
  } catch {
    return row.text;
  }
}

/**
 * Writes the snapshot of `mirror` through the write protocol, journaling
 * one change per key that differs from `before`. A snapshot already at a
 * newer revision of the same source and scope is left alone (two syncs
 * racing never step it back).
 */
export async function writeSnapshot(
  file: string,
  mirror: MirrorState,
  before: Record<string, LocalRow>,
  options: { stateDir: string; program: string; time: string },
): Promise<UpdateResult & { skipped: string[] }> {
  const { text, skipped } = renderSnapshot(mirror, options.time);
  const changes: { key: string; old?: unknown; new?: unknown; revision?: number }[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(mirror.rows)])) {
    const a = before[key];
    const b = mirror.rows[key];
    const same = (a?.deleted ?? true) === (b?.deleted ?? true) &&
      (a?.deleted !== false || (a.text === b?.text));
    if (same) continue;
    const change: { key: string; old?: unknown; new?: unknown; revision?: number } = { key };
    const old = shown(a);
    const now = shown(b);
    if (old !== undefined) change.old = old;
    if (now !== undefined) change.new = now;
    if (b) change.revision = b.revision;
    changes.push(change);
  }
  changes.sort((x, y) => x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
  const result = await updateFile(file, (current) => {
    if (current !== undefined) {
      const h = readSnapshotHeader(current);
      const sameSource = h.source === mirror.source && h.scope === mirror.scope;
      if (sameSource && h.revision !== undefined && h.revision >= mirror.revision) return null;
    }
    return { text, changes };
  }, { stateDir: options.stateDir, layer: "shared", program: options.program });
  return { ...result, skipped };
}

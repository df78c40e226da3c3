/**
 * The header of a snapshot (`# source = ...`, `# scope = ...`, ...) and the
 * name of its origin for people: `team:ops/demo @ db.example.com`. Small and
 * free of imports: the configuration reads it on the `get` path.
 *
 * @module
 */

/** What a snapshot's header says. */
export interface SnapshotHeader {
  source?: string;
  scope?: string;
  revision?: number;
  time?: string;
}

/**
 * Reads a snapshot's header.
 *
 * @example
 * ```ts
 * import { readSnapshotHeader } from "./snapshot_header.ts";
 * const h = readSnapshotHeader('# scope = "team:ops/app"\n# revision = 7\n');
 * console.assert(h.scope === "team:ops/app" && h.revision === 7);
 * ```
 */
export function readSnapshotHeader(text: string): SnapshotHeader {
  const header: SnapshotHeader = {};
  for (const line of text.split("\n")) {
    if (!line.startsWith("#")) break;
    const m = /^# (source|scope|revision|time) = (.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === "revision") header.revision = Number(m[2]);
    else if (m[1] === "time") header.time = m[2];
    else {
      try {
        header[m[1] as "source" | "scope"] = JSON.parse(m[2]);
      } catch { /* a hand-edited header: ignored */ }
    }
  }
  return header;
}

/**
 * Where a snapshot's values come from, for people: the scope and the
 * server's host (`team:ops/demo @ db.example.com`), or undefined when the
 * header names neither.
 *
 * @example
 * ```ts
 * import { remoteOrigin } from "./snapshot_header.ts";
 * const h = { source: "postgres://ana@db.example.com/cfg", scope: "team:ops/demo" };
 * console.assert(remoteOrigin(h) === "team:ops/demo @ db.example.com");
 * ```
 */
export function remoteOrigin(header: SnapshotHeader): string | undefined {
  let host: string | undefined;
  if (header.source !== undefined) {
    try {
      host = new URL(header.source).host || undefined;
    } catch {
      host = header.source;
    }
  }
  if (header.scope === undefined && host === undefined) return undefined;
  if (header.scope === undefined) return `@ ${host}`;
  return host === undefined ? header.scope : `${header.scope} @ ${host}`;
}

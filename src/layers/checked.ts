/**
 * Whether a layer's value for a key can be used: a person's text
 * (environment, `--set`) must convert to the key's type, and every value,
 * from any layer, must keep the schema. A value that cannot be used is
 * {@link Rejected}: the resolver skips it (the next valid layer down wins)
 * and reports it with its layer and origin.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { isTable } from "../is_table.ts";
import { formatKey } from "../keys.ts";
import { MAX_DEPTH, nestingDepth, tooDeepReason } from "../max_depth.ts";
import { checkLeaf } from "../schema/nodes_at.ts";
import type { SchemaIssue } from "../schema/types.ts";
import { ConversionError, fromText, isSealed, typeNames } from "../codec/value.ts";
import type { MergedNode } from "./merge.ts";
import type { KnownType, Layer, Origin, Rejected, Snapshot } from "./types.ts";

/** A value checked: usable (converted), or rejected. */
export type Checked = { ok: true; value: unknown } | { ok: false; rejected: Rejected };

/** The resolver's hooks a check needs (kept apart to avoid an import cycle). */
export interface CheckHooks {
  knownType(snap: Snapshot, keyPath: string[]): KnownType | undefined;
}

/** Who holds the value, for the start of a message. */
function holder(origin: Origin, keyPath: string[]): string {
  if (origin.env !== undefined) return origin.env;
  if (origin.layer === "command-line") return `--set ${origin.arg ?? formatKey(keyPath)}`;
  if (origin.layer === "schema-defaults") {
    const at = `#${origin.pointer ?? ""}`;
    return `the schema's default ${
      origin.file === undefined ? `${at} (the program's schema)` : origin.file + at
    }`;
  }
  const place = origin.file === undefined
    ? ""
    : ` ${origin.file}${origin.line ? `:${origin.line}` : ""}`;
  return `${origin.layer === "file" ? "the file" : `the ${origin.layer} layer`}${place}`;
}

/** What a person does about a value that cannot be used. */
function remedy(snap: Snapshot, layer: Layer, origin: Origin): string {
  if (origin.env !== undefined) return `fix or unset ${origin.env}`;
  if (layer.name === "command-line") return "fix the --set value";
  if (layer.name === "schema-defaults") return "fix the default in the schema";
  if (layer.name === "defaults") {
    return `the defaults are the application's: fix ${layer.file ?? "them"} or the schema`;
  }
  const edit = layer.writable ? snap.editCommand?.(layer.name) : undefined;
  return edit ? `fix it there (${edit})` : "fix it there";
}

function reject(
  snap: Snapshot,
  layer: Layer,
  keyPath: string[],
  value: unknown,
  fields: Pick<Rejected, "code" | "reason" | "rule">,
  sentence: (who: string) => string,
  after = "",
): Checked {
  const origin = layer.origin(keyPath);
  const rejected: Rejected = {
    key: formatKey(keyPath),
    path: keyPath,
    origin,
    value,
    ...fields,
    message: `${sentence(clipText(holder(origin, keyPath)))}; ${
      clipText(remedy(snap, layer, origin))
    }${after}`,
  };
  if (fields.rule === undefined) delete rejected.rule;
  return { ok: false, rejected };
}

function issueKey(issue: SchemaIssue): string {
  let key = "";
  for (const segment of issue.path) {
    if (typeof segment === "number") key += `[${segment}]`;
    else key += (key ? "." : "") + formatKey([segment]);
  }
  return key;
}

/**
 * Checks one layer's value at a leaf path (a non-table, or an array):
 * converts a person's text to the key's known type, then checks the schema.
 * With neither a schema nor text to convert it is usable as it is.
 */
export function checkValue(
  snap: Snapshot,
  layer: Layer,
  keyPath: string[],
  raw: unknown,
  hooks: CheckHooks,
): Checked {
  // A sealed value's type and schema are checked when it is opened (its
  // plaintext was checked when it was sealed): stored, it is an opaque text.
  if (isSealed(raw)) return { ok: true, value: raw };
  let value = raw;
  if (layer.textual && typeof raw === "string") {
    const known = hooks.knownType(snap, keyPath);
    if (known !== undefined) {
      try {
        value = fromText(raw, known.type);
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        return reject(
          snap,
          layer,
          keyPath,
          raw,
          { code: "type", reason: e.reason },
          (who) =>
            `${who}: ${e.reason}: ${clipText(formatKey(keyPath))} is ${
              typeNames[known.type]
            } (from ${known.source})`,
          e.hint ? ` (${e.hint})` : "",
        );
      }
      const fit = MAX_DEPTH - keyPath.length;
      if (nestingDepth(value, fit) > fit) {
        const reason = tooDeepReason(keyPath.length);
        return reject(
          snap,
          layer,
          keyPath,
          raw,
          { code: "type", reason },
          (who) => `${who}: ${clipText(formatKey(keyPath))}: ${reason}`,
        );
      }
    }
  }
  const loaded = snap.schema?.();
  if (!loaded) return { ok: true, value };
  const issues = checkLeaf(loaded.schema, keyPath, value);
  if (issues.length === 0) return { ok: true, value };
  const rule = `${loaded.file ?? ""}#${issues[0].pointer ?? ""}`;
  const ruleText = loaded.file === undefined ? `the program's schema at ${rule}` : `schema ${rule}`;
  const reason = issues.map((i) => `${issueKey(i) || "(the whole file)"}: ${i.message}`).join("; ");
  return reject(
    snap,
    layer,
    keyPath,
    raw,
    { code: "schema", reason, rule },
    (who) => `${who}: ${reason} (${ruleText})`,
  );
}

/** A merged tree node with the rank (index in the snapshot, 0 = top) of the layer that put it. */
type Ranked = MergedNode<Layer> & { rank: number };

/**
 * Merges `sources` (top first; `rank` is each one's layer index) as the
 * waterfall does, skipping every leaf that cannot be used, so the next
 * valid layer's leaf shows through. Returns the tree and the rejected
 * values that would have won (no layer above them holds the key).
 */
export function mergeChecked(
  snap: Snapshot,
  sources: readonly { layer: Layer; rank: number; value: unknown }[],
  basePath: string[],
  hooks: CheckHooks,
): { node?: MergedNode<Layer>; rejected: Rejected[] } {
  let root: Ranked | undefined;
  const misses: { rejected: Rejected; rank: number }[] = [];
  // Without a schema only a person's text needs a look: the common case
  // (files, no schema) builds the tree without a path per leaf.
  const schema = snap.schema?.() !== undefined;
  const overlay = (
    node: Ranked | undefined,
    value: unknown,
    path: string[] | undefined,
    layer: Layer,
    rank: number,
  ): Ranked | undefined => {
    if (!isTable(value)) {
      if (path === undefined) return { table: false, value, layer, rank };
      const checked = checkValue(snap, layer, path, value, hooks);
      if (checked.ok) return { table: false, value: checked.value, layer, rank };
      misses.push({ rejected: checked.rejected, rank });
      return node;
    }
    const table: Ranked = node?.table ? node : { table: true, children: new Map(), rank };
    table.rank = Math.min(table.rank, rank);
    for (const k of Object.keys(value)) {
      const child = overlay(
        table.children.get(k) as Ranked | undefined,
        value[k],
        path && [...path, k],
        layer,
        rank,
      );
      if (child !== undefined) table.children.set(k, child);
    }
    return table;
  };
  for (let i = sources.length - 1; i >= 0; i--) {
    const s = sources[i];
    const path = schema || s.layer.textual ? basePath : undefined;
    root = overlay(root, s.value, path, s.layer, s.rank);
  }
  const rejected = misses.filter(({ rejected, rank }) => {
    let node: Ranked | undefined = root;
    for (const segment of rejected.path.slice(basePath.length)) {
      if (node === undefined || !node.table || node.rank > rank) break;
      node = node.children.get(segment) as Ranked | undefined;
    }
    return node === undefined || node.rank > rank;
  }).map((m) => m.rejected);
  return { node: root, rejected };
}

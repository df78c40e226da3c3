/**
 * The waterfall over a {@link Snapshot}: which layer wins for a key, what
 * type a key is known to have, converting a person's text (environment,
 * `--set`) to it, the effective leaves, and the full walk for `explain`.
 * Pure functions: the snapshot holds everything read.
 *
 * @module
 */

import { isSealed, typeOfKind } from "../codec/value.ts";
// The codec's reader of TOML inline values, for callers that knew it here.
export { tomlInline } from "../codec/value.ts";
import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { formatKey } from "../keys.ts";
import { descriptionAt, mergeStrategyAt } from "../schema/check_value.ts";
import { mergeArrays } from "../schema/merge_arrays.ts";
import { schemaAt } from "../schema/nodes_at.ts";
import { valueTypeOfSchema } from "../schema/value_type.ts";
import { type CheckHooks, checkValue, mergeChecked } from "./checked.ts";
import { envVariableFor, envWarnings } from "./env.ts";
import { lookup, mergedLeaves, type MergedNode, mergedValue } from "./merge.ts";
import type {
  Explanation,
  KnownType,
  Layer,
  Origin,
  Rejected,
  Resolved,
  Snapshot,
  WalkStep,
} from "./types.ts";

/** The first layer that cannot be used, as its error; nothing when all can. */
export function failOnUnreadable(snap: Snapshot): void {
  const bad = snap.layers.find((l) => l.status === "unreadable");
  if (bad?.error) throw bad.error;
}

/**
 * The known type of a path: the schema's, else the defaults' value, else the
 * value stored in a file layer (top first). A type from the schema or the
 * defaults is binding.
 */
export function knownType(snap: Snapshot, keyPath: string[]): KnownType | undefined {
  const loaded = snap.schema?.();
  if (loaded) {
    const node = schemaAt(loaded.schema, keyPath);
    const type = node && valueTypeOfSchema(node);
    if (type) {
      const source = loaded.file ? `schema ${loaded.file}` : "the program's schema";
      return { type, binding: true, source };
    }
  }
  const defaults = snap.layers.find((l) => l.name === "defaults" && l.status === "ok");
  const candidates = defaults
    ? [defaults, ...snap.layers.filter((l) => l !== defaults)]
    : snap.layers;
  for (const layer of candidates) {
    if (layer.textual || layer.status !== "ok") continue;
    const type = typeOfKind(layer.kindOf(keyPath));
    if (type === undefined) continue;
    // A sealed value is a text that stands for a value of any type: it types nothing.
    if (type === "string" && isSealedAt(layer, keyPath)) continue;
    // The source names the line, which needs the file's full document:
    // worked out only when a message or typeOf asks for it.
    let source: string | undefined;
    return {
      type,
      binding: layer.name === "defaults",
      get source() {
        if (source === undefined) {
          const line = layer.origin(keyPath).line;
          source = line !== undefined ? `${layer.label}:${line}` : layer.label;
        }
        return source;
      },
    };
  }
  return undefined;
}

function isSealedAt(layer: Layer, keyPath: string[]): boolean {
  const found = lookup(layer.values, keyPath);
  return found.found && isSealed(found.value);
}

const hooks: CheckHooks = { knownType: (snap, keyPath) => knownType(snap, keyPath) };

/**
 * A layer's value at a path, converted when it is a person's text; a value
 * that cannot be used throws its {@link Rejected} message.
 */
export function layerValue(
  snap: Snapshot,
  layer: Layer,
  keyPath: string[],
  value: unknown,
): unknown {
  const rank = snap.layers.indexOf(layer);
  const { node, rejected } = mergeChecked(snap, [{ layer, rank, value }], keyPath, hooks);
  if (rejected.length > 0) throw rejectionError(rejected[0]);
  return node === undefined ? undefined : mergedValue(node);
}

/** The error `get` gives for a value that would win but cannot be used. */
export function rejectionError(rejected: Rejected): StrataError {
  return new StrataError(rejected.code, rejected.message);
}

/**
 * An array as the waterfall gives it: the top layer's, unless the schema
 * says the key's arrays combine across layers (`x-strata-merge`: `append`
 * or `union`, lowest layer first). Arrays that cannot be used are left out.
 */
function combined(snap: Snapshot, keyPath: string[], winner: unknown): unknown {
  if (!Array.isArray(winner)) return winner;
  const loaded = snap.schema?.();
  if (!loaded) return winner;
  const strategy = mergeStrategyAt(loaded.schema, keyPath);
  if (strategy === "replace") return winner;
  const arrays: unknown[][] = [];
  for (let i = snap.layers.length - 1; i >= 0; i--) {
    const layer = snap.layers[i];
    const found = lookup(layer.values, keyPath);
    if (!found.found || isTable(found.value)) continue;
    const checked = checkValue(snap, layer, keyPath, found.value, hooks);
    if (checked.ok && Array.isArray(checked.value)) arrays.push(checked.value);
  }
  return mergeArrays(strategy, arrays);
}

/** What the waterfall gives for a path, and the values it had to pass over. */
export interface Found {
  /** The effective value. */
  value: unknown;
  /** The winning layer (the top one holding a table, for a table). */
  layer: Layer;
}

/**
 * The effective value of a path with the values that would have won but
 * cannot be used (they break the schema or their key's type). The first
 * layer holding a usable non-table wins; tables found first are merged with
 * the tables below them, leaf by leaf, each leaf from the top layer whose
 * value is usable; a non-table on the way to the path hides the layers below.
 */
export function findChecked(
  snap: Snapshot,
  keyPath: string[],
): { found?: Found; rejected: Rejected[] } {
  const tables: { layer: Layer; rank: number; value: unknown }[] = [];
  const rejected: Rejected[] = [];
  for (const [rank, layer] of snap.layers.entries()) {
    const found = lookup(layer.values, keyPath);
    if (!found.found) {
      if (found.blockedAt === undefined) continue;
      // A non-table above the path hides the layers below, unless it cannot be used.
      const prefix = keyPath.slice(0, found.blockedAt);
      const blocker = lookup(layer.values, prefix);
      const checked = blocker.found
        ? checkValue(snap, layer, prefix, blocker.value, hooks)
        : undefined;
      if (checked && !checked.ok) {
        rejected.push(checked.rejected);
        continue;
      }
      break;
    }
    if (isTable(found.value)) {
      tables.push({ layer, rank, value: found.value });
      continue;
    }
    if (tables.length > 0) break;
    const checked = checkValue(snap, layer, keyPath, found.value, hooks);
    if (!checked.ok) {
      rejected.push(checked.rejected);
      continue;
    }
    return { found: { value: combined(snap, keyPath, checked.value), layer }, rejected };
  }
  if (tables.length === 0) return { rejected };
  const merged = mergeChecked(snap, tables, keyPath, hooks);
  rejected.push(...merged.rejected);
  if (merged.node === undefined) return { rejected };
  return {
    found: {
      layer: tables[0].layer,
      value: mergedValue(
        merged.node,
        (leaf) => combined(snap, [...keyPath, ...leaf.path], leaf.value),
      ),
    },
    rejected,
  };
}

/**
 * The effective value of a path and the layer that wins (see
 * {@link findChecked}). A value that would win but cannot be used throws
 * (`type` or `schema` StrataError, exit 3): a program never runs on a
 * value other than the one a person set without being told.
 */
export function findValue(snap: Snapshot, keyPath: string[]): Found | undefined {
  const { found, rejected } = findChecked(snap, keyPath);
  if (rejected.length > 0) throw rejectionError(rejected[0]);
  return found;
}

/** The effective value with its origin (throws like {@link findValue}). */
export function resolveKey(snap: Snapshot, keyPath: string[]): Resolved | undefined {
  const found = findValue(snap, keyPath);
  if (found === undefined) return undefined;
  return {
    key: formatKey(keyPath),
    path: keyPath,
    value: found.value,
    origin: found.layer.origin(keyPath),
  };
}

/**
 * The effective leaves under `prefixPath`, sorted by key text, and the
 * values that would have won but cannot be used (skipped: the next valid
 * layer's leaf is listed). Each result's `origin` is a lazy getter: its
 * line needs the file's document.
 */
export function listChecked(
  snap: Snapshot,
  prefixPath: string[],
): { leaves: Resolved[]; rejected: Rejected[] } {
  const sources = snap.layers.flatMap((layer, rank) =>
    layer.values !== undefined ? [{ layer, rank, value: layer.values as unknown }] : []
  );
  const merged = mergeChecked(snap, sources, [], hooks);
  const under = (path: string[]) =>
    prefixPath.every((s, i) => path[i] === s) ||
    path.length < prefixPath.length && path.every((s, i) => prefixPath[i] === s);
  const rejected = merged.rejected.filter((r) => under(r.path));
  let node: MergedNode<Layer> | undefined = merged.node;
  for (const seg of prefixPath) {
    if (node === undefined || !node.table) return { leaves: [], rejected };
    node = node.children.get(seg);
  }
  if (node === undefined) return { leaves: [], rejected };
  const out = mergedLeaves(node, prefixPath).map((leaf): Resolved => {
    const r = {
      key: formatKey(leaf.path),
      path: leaf.path,
      value: combined(snap, leaf.path, leaf.value),
    } as Resolved;
    let origin: Origin | undefined;
    Object.defineProperty(r, "origin", {
      enumerable: true,
      configurable: true,
      get: () => (origin ??= leaf.layer.origin(leaf.path)),
    });
    return r;
  });
  return { leaves: out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), rejected };
}

/**
 * The values under `prefixPath` that would win but cannot be used (see
 * {@link listChecked}); at once empty when nothing is to check (no schema,
 * no environment or `--set` text).
 */
export function listRejected(snap: Snapshot, prefixPath: string[]): Rejected[] {
  const text = snap.layers.some((l) => l.textual && l.values && Object.keys(l.values).length > 0);
  if (!text && snap.schema?.() === undefined) return [];
  return listChecked(snap, prefixPath).rejected;
}

/** The effective leaves under `prefixPath` (see {@link listChecked}), skipping values that cannot be used. */
export function listLeaves(snap: Snapshot, prefixPath: string[]): Resolved[] {
  return listChecked(snap, prefixPath).leaves;
}

/** The `<APP>_` variables a person should look at, one line each. */
export function snapshotEnvWarnings(snap: Snapshot): string[] {
  return snap.env ? envWarnings(snap.env) : [];
}

/** One layer's part in the walk. */
function walkStep(
  snap: Snapshot,
  layer: Layer,
  keyPath: string[],
  app: string | undefined,
  hidden: { by?: string },
): WalkStep {
  const step: WalkStep = { layer: layer.name, status: "absent" };
  if (layer.file !== undefined) step.file = layer.file;
  // The variable that would set the key, so a person knows which one to use.
  if (layer.name === "environment" && app !== undefined) step.env = envVariableFor(app, keyPath);
  if (layer.status !== "ok") {
    step.status = layer.status;
    if (layer.error) {
      step.detail = layer.error.message;
      step.code = layer.error.code;
    }
    return step;
  }
  const found = lookup(layer.values, keyPath);
  if (found.found) {
    const origin = layer.origin(keyPath);
    step.status = "set";
    const rank = snap.layers.indexOf(layer);
    const checked = mergeChecked(snap, [{ layer, rank, value: found.value }], keyPath, hooks);
    if (checked.rejected.length > 0 || checked.node === undefined) {
      step.value = found.value;
      step.refused = true;
      step.detail = checked.rejected.map((r) => r.message).join("\n     ");
      step.code = checked.rejected[0]?.code;
    } else step.value = mergedValue(checked.node);
    if (origin.line !== undefined) step.line = origin.line;
    if (origin.env !== undefined) step.env = origin.env;
    if (origin.arg !== undefined) step.arg = origin.arg;
    if (origin.pointer !== undefined) step.pointer = origin.pointer;
    if (origin.remote !== undefined) step.remote = origin.remote;
    if (hidden.by) step.detail = [step.detail, hidden.by].filter(Boolean).join("; ");
  } else if (found.blockedAt !== undefined) {
    const prefix = formatKey(keyPath.slice(0, found.blockedAt));
    step.detail = `${prefix} is not a table here, so it hides ${
      formatKey(keyPath)
    } in the layers below`;
    hidden.by ??= `hidden: ${prefix} in the ${layer.name} layer is not a table`;
  }
  if (layer.read?.backup) {
    step.detail = [
      step.detail,
      `read from the backup ${layer.read.backup.path}: ${layer.file} does not parse`,
    ].filter(Boolean).join("; ");
  }
  return step;
}

/**
 * Every layer's part for a key, top first, the winner (from the layers that
 * can be read), the known type, and warnings. Never throws for a layer that
 * cannot be read or a value that does not convert: those are in the walk.
 */
export function explainKey(snap: Snapshot, keyPath: string[], app?: string): Explanation {
  const hidden: { by?: string } = {};
  const walk = snap.layers.map((layer) => walkStep(snap, layer, keyPath, app, hidden));
  const out: Explanation = { key: formatKey(keyPath), walk, warnings: snapshotEnvWarnings(snap) };
  const { found, rejected } = findChecked(
    { ...snap, layers: snap.layers.filter((l) => l.status === "ok") },
    keyPath,
  );
  if (found) {
    out.winner = {
      key: formatKey(keyPath),
      path: keyPath,
      value: found.value,
      origin: found.layer.origin(keyPath),
    };
  }
  if (rejected.length > 0) out.rejected = rejected;
  const known = knownType(snap, keyPath);
  if (known) {
    out.type = known.type;
    out.typeSource = known.source;
  }
  const loaded = snap.schema?.();
  const description = loaded && descriptionAt(loaded.schema, keyPath);
  if (description !== undefined) out.description = description;
  return out;
}

/**
 * The waterfall over a {@link Snapshot}: which layer wins for a key, what
 * type a key is known to have, converting a person's text (environment,
 * `--set`) to it, the effective leaves, and the full walk for `explain`.
 * Pure functions: the snapshot holds everything read.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { clipText } from "../clip.ts";
import { formatKey } from "../keys.ts";
import { MAX_DEPTH, nestingDepth, tooDeepReason } from "../max_depth.ts";
import { parse } from "../toml/parse.ts";
import { descriptionAt, mergeStrategyAt } from "../schema/check_value.ts";
import { mergeArrays } from "../schema/merge_arrays.ts";
import { schemaAt } from "../schema/validate.ts";
import { valueTypeOfSchema } from "../schema/value_type.ts";
import { ConversionError, convertText, typeNames, typeOfKind } from "../values.ts";
import { envVariableFor, envWarnings } from "./env.ts";
import { lookup, mergedLeaves, type MergedNode, mergedValue, mergeSources } from "./merge.ts";
import type {
  Explanation,
  KnownType,
  Layer,
  Origin,
  Resolved,
  Snapshot,
  WalkStep,
} from "./types.ts";

/** Reads a TOML inline value (`{ a = 1 }`, `[1, 2]`), for the `json` type. */
export function tomlInline(text: string): unknown {
  if (/[\r\n]/.test(text)) throw new Error("one line only");
  return parse(`v = ${text}`).v;
}

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

/** A person's text from the environment or `--set`, converted to the key's known type. */
function convertLeaf(snap: Snapshot, layer: Layer, keyPath: string[], text: unknown): unknown {
  if (typeof text !== "string") return text;
  const known = knownType(snap, keyPath);
  if (known === undefined) return text;
  const refuse = (why: string, hint = "") => {
    const origin = layer.origin(keyPath);
    const who = clipText(origin.env ?? `--set ${origin.arg ?? formatKey(keyPath)}`);
    const fix = origin.env !== undefined
      ? `fix or unset ${clipText(origin.env)}`
      : "fix the --set value";
    return new StrataError("type", `${who}: ${why}; ${fix}${hint ? ` (${hint})` : ""}`);
  };
  let value: unknown;
  try {
    value = convertText(text, known.type, tomlInline);
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    throw refuse(
      `${e.reason}: ${clipText(formatKey(keyPath))} is ${
        typeNames[known.type]
      } (from ${known.source})`,
      e.hint,
    );
  }
  const fit = MAX_DEPTH - keyPath.length;
  if (nestingDepth(value, fit) > fit) {
    throw refuse(`${clipText(formatKey(keyPath))}: ${tooDeepReason(keyPath.length)}`);
  }
  return value;
}

/** A layer's value at a path, converted when it is a person's text. */
export function layerValue(
  snap: Snapshot,
  layer: Layer,
  keyPath: string[],
  value: unknown,
): unknown {
  if (!layer.textual) return value;
  if (isTable(value)) {
    const node = mergeSources([{ layer, value }])!;
    return mergedValue(
      node,
      (leaf) => convertLeaf(snap, layer, [...keyPath, ...leaf.path], leaf.value),
    );
  }
  return convertLeaf(snap, layer, keyPath, value);
}

/**
 * An array as the waterfall gives it: the top layer's, unless the schema
 * says the key's arrays combine across layers (`x-strata-merge`: `append`
 * or `union`, lowest layer first).
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
    if (!found.found) continue;
    const value = layerValue(snap, layer, keyPath, found.value);
    if (Array.isArray(value)) arrays.push(value);
  }
  return mergeArrays(strategy, arrays);
}

/**
 * The effective value of a path and the layer that wins: the first layer
 * holding a non-table wins; tables found first are merged with the tables
 * below them; a non-table on the way to the path hides the layers below.
 */
export function findValue(
  snap: Snapshot,
  keyPath: string[],
): { value: unknown; layer: Layer } | undefined {
  const tables: { layer: Layer; value: unknown }[] = [];
  for (const layer of snap.layers) {
    const found = lookup(layer.values, keyPath);
    if (!found.found) {
      if (found.blockedAt !== undefined) break;
      continue;
    }
    if (isTable(found.value)) {
      tables.push({ layer, value: found.value });
      continue;
    }
    if (tables.length > 0) break;
    return { value: combined(snap, keyPath, layerValue(snap, layer, keyPath, found.value)), layer };
  }
  if (tables.length === 0) return undefined;
  const node = mergeSources(tables)!;
  return {
    layer: tables[0].layer,
    value: mergedValue(node, (leaf) => {
      const full = [...keyPath, ...leaf.path];
      const value = leaf.layer.textual
        ? convertLeaf(snap, leaf.layer, full, leaf.value)
        : leaf.value;
      return combined(snap, full, value);
    }),
  };
}

/** The effective value with its origin. */
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
 * The effective leaves under `prefixPath`, sorted by key text. Each
 * result's `origin` is a lazy getter: its line needs the file's document.
 */
export function listLeaves(snap: Snapshot, prefixPath: string[]): Resolved[] {
  const sources = snap.layers
    .filter((l) => l.values !== undefined)
    .map((l) => ({ layer: l, value: l.values }));
  let node: MergedNode<Layer> | undefined = mergeSources(sources);
  for (const seg of prefixPath) {
    if (node === undefined || !node.table) return [];
    node = node.children.get(seg);
  }
  if (node === undefined) return [];
  const out = mergedLeaves(node, prefixPath).map((leaf): Resolved => {
    const r = {
      key: formatKey(leaf.path),
      path: leaf.path,
      value: combined(snap, leaf.path, layerValue(snap, leaf.layer, leaf.path, leaf.value)),
    } as Resolved;
    let origin: Origin | undefined;
    Object.defineProperty(r, "origin", {
      enumerable: true,
      configurable: true,
      get: () => (origin ??= leaf.layer.origin(leaf.path)),
    });
    return r;
  });
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
    try {
      step.value = layerValue(snap, layer, keyPath, found.value);
    } catch (e) {
      step.value = found.value;
      step.detail = (e as Error).message;
      if (e instanceof StrataError) step.code = e.code;
    }
    if (origin.line !== undefined) step.line = origin.line;
    if (origin.env !== undefined) step.env = origin.env;
    if (origin.arg !== undefined) step.arg = origin.arg;
    if (hidden.by) step.detail = hidden.by;
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
  try {
    const winner = resolveKey(
      { ...snap, layers: snap.layers.filter((l) => l.status === "ok") },
      keyPath,
    );
    if (winner) out.winner = winner;
  } catch (e) {
    out.warnings.push((e as Error).message);
  }
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

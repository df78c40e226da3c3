/**
 * The page's view of a configuration: every effective value with its layer
 * and origin, each writable layer's own value of it, the schema's hints, the
 * layers, the journal and the backups. Built from the library's public API
 * on each request; plain JSON data.
 *
 * @module
 */

import fs from "node:fs";
import type { Config, LayerName, Origin, WritableLayer } from "../mod.ts";
import { parseKey } from "../mod.ts";
import { describeBackups, readHistory, writableLayerFiles } from "../recovery/mod.ts";
import { readSnapshotHeader, remoteOrigin } from "../remote/snapshot_header.ts";
import { declaredKeys, hintAt, keyText, type SchemaHint } from "./_schema_hints.ts";
import { type ShownValue, showValue } from "./_values.ts";

/** One key as the page shows it. */
export interface KeyView {
  /** The key as dotted text. */
  key: string;
  /** Its segments (the tree's path). */
  path: string[];
  /** The effective value; absent when no layer sets it (a key the schema declares). */
  value?: ShownValue;
  /** The layer that wins. */
  layer?: LayerName;
  /** Where the winning value is: `file:line`, `$VARIABLE`, `--set item`. */
  origin?: string;
  /** The key's known type (`int`, `string`, ...), which a typed value is converted to. */
  type?: string;
  /** The schema's hints. */
  hint?: SchemaHint;
  /** Each writable layer's own value of the key; null where that layer does not set it. */
  layers: Partial<Record<WritableLayer | "file", ShownValue | null>>;
}

/** A layer as the page lists it. */
export interface LayerView {
  layer: LayerName;
  file?: string;
  exists: boolean;
  writable: boolean;
  /** The shared layer: the scope and server its snapshot copies (`team:ops/demo @ db.example.com`). */
  remote?: string;
}

/** One journal line. */
export interface HistoryView {
  time: string;
  layer?: string;
  file: string;
  key: string;
  old?: ShownValue;
  new?: ShownValue;
  program: string;
}

/** One backup of a writable layer's file. */
export interface BackupView {
  layer: string;
  id: string;
  time: string;
  size: number;
  program?: string;
  valid: boolean;
  keysChanged?: number;
}

/** Everything the page shows. */
export interface StateView {
  /** The application, or the file in single-file mode. */
  title: string;
  keys: KeyView[];
  layers: LayerView[];
  /** The layers a value may be written to, top first. */
  writable: (WritableLayer | "file")[];
  history: HistoryView[];
  backups: BackupView[];
  /** Read warnings (a file that does not parse, a fallback to a backup). */
  warnings: string[];
}

/** How many journal lines and backups per layer the page lists. */
const HISTORY_LIMIT = 30;
const BACKUP_LIMIT = 15;

/** Where a value comes from, in one short string. */
export function originText(origin: Origin): string {
  if (origin.file !== undefined) {
    const at = origin.line !== undefined ? `${origin.file}:${origin.line}` : origin.file;
    // The shared layer: the scope and server first, then the snapshot's line.
    return origin.remote !== undefined ? `${origin.remote}, snapshot ${at}` : at;
  }
  if (origin.env !== undefined) return `$${origin.env}`;
  if (origin.arg !== undefined) return `--set ${origin.arg}`;
  return origin.layer;
}

/** The scope and server a snapshot file names in its header (undefined: unreadable, unnamed). */
function snapshotRemote(file: string): string | undefined {
  try {
    return remoteOrigin(readSnapshotHeader(fs.readFileSync(file, "utf8")));
  } catch {
    return undefined;
  }
}

/** Builds the page's view of `config`. */
export function buildState(config: Config): StateView {
  const files = writableLayerFiles(config);
  const writable = files.map((f) => f.layer);
  const schema = schemaOf(config);
  const keys = new Map<string, KeyView>();
  for (const r of config.list()) {
    keys.set(r.key, {
      key: r.key,
      path: r.path,
      value: showValue(r.value),
      layer: r.origin.layer,
      origin: originText(r.origin),
      layers: {},
    });
  }
  for (const path of declaredKeys(schema)) {
    const key = keyText(path);
    if (!keys.has(key)) keys.set(key, { key, path, layers: {} });
  }
  for (const view of keys.values()) fill(config, view, writable, schema);
  const history = readHistory(files, { limit: HISTORY_LIMIT }).entries.reverse().map((e) => {
    const h: HistoryView = { time: e.time, file: e.file, key: e.key, program: e.program };
    if (e.layer !== undefined) h.layer = e.layer;
    if ("old" in e && e.old !== undefined) h.old = showValue(e.old);
    if ("new" in e && e.new !== undefined) h.new = showValue(e.new);
    return h;
  });
  const backups = files.flatMap((f) =>
    describeBackups(f).slice(-BACKUP_LIMIT).reverse().map((b) => {
      const v: BackupView = {
        layer: f.layer,
        id: b.id,
        time: b.time,
        size: b.size,
        valid: b.valid,
      };
      if (b.program !== undefined) v.program = b.program;
      if (b.keysChanged !== undefined) v.keysChanged = b.keysChanged;
      return v;
    })
  );
  const layers = config.layers().map((l) => {
    const v: LayerView = { layer: l.layer, exists: l.exists, writable: l.writable };
    if (l.file !== undefined) v.file = l.file;
    if (l.layer === "shared" && l.exists && l.file !== undefined) {
      const remote = snapshotRemote(l.file);
      if (remote !== undefined) v.remote = remote;
    }
    return v;
  });
  return {
    title: config.app ?? config.file ?? "",
    keys: [...keys.values()].sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    layers,
    writable,
    history,
    backups,
    warnings: config.warnings(),
  };
}

function fill(
  config: Config,
  view: KeyView,
  writable: readonly string[],
  schema: ReturnType<typeof schemaOf>,
): void {
  const explanation = config.explain(view.key);
  for (const step of explanation.walk) {
    if (!writable.includes(step.layer)) continue;
    view.layers[step.layer as WritableLayer] = step.status === "set" ? showValue(step.value) : null;
  }
  if (explanation.type !== undefined) view.type = explanation.type;
  const hint = hintAt(schema, view.path);
  if (hint !== undefined) view.hint = hint;
  else if (explanation.description !== undefined) {
    view.hint = { description: explanation.description };
  }
}

function schemaOf(config: Config) {
  try {
    return config.schema()?.schema;
  } catch {
    // A broken schema is reported by every write (and by `doctor`); the page still shows values.
    return undefined;
  }
}

/** The value `layer` holds for `key` now, as the page shows it (null: not set there). */
export function layerValue(config: Config, key: string, layer: string): ShownValue | null {
  parseKey(key);
  const step = config.explain(key).walk.find((s) => s.layer === layer);
  return step?.status === "set" ? showValue(step.value) : null;
}

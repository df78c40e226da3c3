/**
 * `openConfig` and `Config`: the layered configuration of one application,
 * read through the waterfall (command line, environment, project, user,
 * system, defaults) and changed safely through the write protocol.
 *
 * A `Config` holds no lock and keeps the files it read; on every call it
 * checks (stat) whether a file changed and re-reads only that file, so a
 * long-lived program sees changes made by others. Nothing happens at import.
 *
 * @module
 */

import type * as NodeOs from "node:os";
import { StrataError } from "./errors.ts";
import { isTable } from "./is_table.ts";
import { formatKey, parseKey } from "./keys.ts";
import { builtinDefaultsName, strataDefaultsText } from "./layers/builtin_defaults.ts";
import { parseDocument, parseValues, setValue } from "./layers/document.ts";
import { type EnvLayer, envVariableFor, envWarnings, mapEnvironment } from "./layers/env.ts";
import { type FileRead, readFileLayer } from "./layers/file_layer.ts";
import {
  lookup,
  mergedLeaves,
  type MergedNode,
  mergedValue,
  mergeSources,
} from "./layers/merge.ts";
import { type OverrideLayer, parseOverrides } from "./layers/overrides.ts";
import {
  type FileProbe,
  locateDefaults,
  type LocatedFile,
  locateProject,
  locateSystem,
  locateUser,
} from "./platform/locate.ts";
import {
  checkAppName,
  defaultsDirs,
  type FileFormat,
  formatOf,
  pathFor,
  type PlatformContext,
  stateDir,
} from "./platform/paths.ts";
import { isFilePath } from "./runtime/fs.ts";
import { TomlDateTime } from "./toml/datetime.ts";
import { parse } from "./toml/parse.ts";
import {
  ConversionError,
  convertText,
  mismatch,
  typeNames,
  typeOfKind,
  typeOfValue,
  type ValueType,
} from "./values.ts";

export type { ValueType } from "./values.ts";

/** A layer of the waterfall; `file` is the one file of `--file` mode. */
export type LayerName =
  | "command-line"
  | "environment"
  | "project"
  | "user"
  | "system"
  | "defaults"
  | "file";

/** The layers a `set` or `unset` may write. */
export type WritableLayer = "project" | "user" | "system";

/** Options of {@link openConfig}. */
export interface OpenOptions {
  /** The application whose configuration this is; required unless `file` is given. */
  app?: string;
  /** Single-file mode: only this file (and `overrides`, and `defaults` when given), no layers. */
  file?: string;
  /**
   * The application's read-only defaults: a `.toml`/`.json` path or a value.
   * Their values give keys their types; in a value, a whole number (`1.0`
   * is `1` in JavaScript) types its key as an integer, so give float
   * defaults in a file when the distinction matters.
   */
  defaults?: string | Record<string, unknown>;
  /** `--set key=value` items, in order (later ones win). */
  overrides?: string[];
  /** The environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The working directory, where the project file search starts (default `process.cwd()`). */
  cwd?: string;
  /** `process.platform` value to lay the paths out for (tests may force one). */
  platform?: string;
  /** The home folder (default `$HOME`, `%USERPROFILE%`, then `os.homedir()`). */
  home?: string;
  /** Who writes, for the lock and the journal (default `strata`). */
  program?: string;
  /** How long a write waits for another writer's lock, ms (default: strata's `lock.timeout_ms`, 10000). */
  lockTimeoutMs?: number;
}

/** Where a value came from. */
export interface Origin {
  /** The layer. */
  layer: LayerName;
  /** Absolute path, for file layers (a backup's path when the file did not parse). */
  file?: string;
  /** 1-based line of the key in that file. */
  line?: number;
  /** The environment variable's name. */
  env?: string;
  /** The `--set` item. */
  arg?: string;
}

/** A key's effective value and its provenance. */
export interface Resolved {
  /** The key as dotted text (`servers."eu.west".port`). */
  key: string;
  /** The key's segments. */
  path: string[];
  /** The value, typed (a table is the merge of every layer's table). */
  value: unknown;
  /** The layer that won. */
  origin: Origin;
}

/** A layer as {@link Config.layers} describes it. */
export interface LayerInfo {
  /** The layer. */
  layer: LayerName;
  /** Where it lives (file layers), even if absent: a write creates it there. */
  file?: string;
  /** Whether it exists now (for the environment/command line: whether it has entries). */
  exists: boolean;
  /** Whether `set`/`unset` may write it. */
  writable: boolean;
  /** The file's format. */
  format?: FileFormat;
}

/** One layer's part in {@link Explanation.walk}. */
export interface WalkStep {
  /** The layer. */
  layer: LayerName;
  /** Its file, for file layers. */
  file?: string;
  /** The environment step: the variable that sets the key (or would set it, when absent). */
  env?: string;
  /** The `--set` item, when the command line holds the key. */
  arg?: string;
  /** `set`: the layer holds the key; `absent`; `no-file`: the layer's file does not exist; `unreadable`: see `detail`. */
  status: "set" | "absent" | "no-file" | "unreadable";
  /** The layer's value for the key (status `set`). */
  value?: unknown;
  /** 1-based line of the key in the file. */
  line?: number;
  /** More: why unreadable, read from a backup, hidden by a value above, ... */
  detail?: string;
}

/** The whole walk for one key (see {@link Config.explain}). */
export interface Explanation {
  /** The key as dotted text. */
  key: string;
  /** Every layer, top first. */
  walk: WalkStep[];
  /** The effective value, when any layer has the key. */
  winner?: Resolved;
  /** The key's known type, if any. */
  type?: ValueType;
  /** Where the type is known from, e.g. `defaults /usr/share/demo/defaults.toml:3`. */
  typeSource?: string;
  /** E.g. environment variables that match no known key. */
  warnings: string[];
}

/** What {@link Config.set} did. */
export interface SetResult {
  /** The file written (the layer's path; a symlink is written through). */
  file: string;
  /** The value before, if the key was there. */
  old?: unknown;
  /** The value written. */
  new: unknown;
  /** False when the file already held this value (nothing written). */
  changed: boolean;
}

/** What {@link Config.unset} did. */
export interface UnsetResult {
  /** The layer's file. */
  file: string;
  /** False when the key was not there (nothing written). */
  removed: boolean;
  /** The value removed. */
  old?: unknown;
}

/** Options of {@link Config.set}. */
export interface SetOptions {
  /** The layer to write (default `user`). */
  layer?: WritableLayer;
  /** The type to convert to when the key has none known (`set --type`). */
  type?: ValueType;
  /** `value` is a person's text, to convert to the key's type (the CLI's `set`). */
  raw?: boolean;
}

/** One layer as the resolver sees it. */
interface Layer {
  name: LayerName;
  file?: string;
  located?: LocatedFile;
  writable: boolean;
  status: "ok" | "no-file" | "unreadable";
  values?: Record<string, unknown>;
  error?: StrataError;
  read?: FileRead;
  /** Values are text from a person (environment, command line): converted on the way out. */
  textual: boolean;
  /** A name for type sources: `defaults /path`, `user /path`. */
  label: string;
  /** The origin of the value at a path in this layer. */
  origin(path: string[]): Origin;
  /** The TOML kind of the value at a path (undefined: not there). */
  kindOf(path: string[]): string | undefined;
}

interface Snapshot {
  layers: Layer[];
  env?: EnvLayer;
}

interface KnownType {
  type: ValueType;
  source: string;
  /** From the defaults (or a schema): the type cannot be overridden by `--type`. */
  binding: boolean;
}

/** Keys where a JavaScript number cannot tell an integer from a float: ask the document. */
function kindFromValue(
  value: unknown,
  doc?: () => { kindOf(path: string[]): string | undefined } | undefined,
  path?: string[],
): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && doc && path) {
    return doc()?.kindOf(path) ?? "integer";
  }
  const t = typeOfValue(value);
  if (t === undefined) return undefined;
  if (t === "json") return Array.isArray(value) ? "array" : "table";
  return {
    string: "string",
    int: "integer",
    float: "float",
    bool: "boolean",
    date: "local-date",
  }[t];
}

/** Reads a TOML inline value (`{ a = 1 }`, `[1, 2]`), for the `json` type. */
function tomlInline(text: string): unknown {
  if (/[\r\n]/.test(text)) throw new Error("one line only");
  return parse(`v = ${text}`).v;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (isTable(a) && isTable(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same(a[k], b[k]));
  }
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a && b && typeof a === "object" && typeof b === "object") {
    return String(a) === String(b) && a.constructor === b.constructor;
  }
  return false;
}

/**
 * The layered configuration of one application. Create it with
 * {@link openConfig}.
 */
export class Config {
  /** The application, unless in single-file mode. */
  readonly app?: string;
  /** The file of single-file mode. */
  readonly file?: string;
  #ctx: PlatformContext;
  #stateDir: string;
  #defaults?: string | Record<string, unknown>;
  #overrides: OverrideLayer;
  #program: string;
  #lockTimeoutMs?: number;
  #reads = new Map<string, FileRead>();
  /**
   * The first read uses the runtime's native calls (Bun's, for a fast
   * one-shot start); later ones use node:fs, whose stamps include the inode.
   */
  #native = true;
  #reported = new Set<string>();
  #pending: string[] = [];

  /** Use {@link openConfig}. */
  constructor(options: OpenOptions) {
    const env = options.env ?? process.env;
    const platform = options.platform ?? process.platform;
    const path = pathFor(platform);
    const cwd = path.resolve(options.cwd ?? process.cwd());
    // node:os only when the environment does not say: it costs start-up time.
    const home = options.home ?? (platform === "win32" ? env.USERPROFILE : env.HOME) ??
      (process.getBuiltinModule("node:os") as typeof NodeOs).homedir();
    this.#ctx = { platform, env, home, cwd };
    if (options.file !== undefined) {
      if (options.file === "") {
        throw new StrataError("usage", "--file needs a path, e.g. --file ./app.toml");
      }
      this.file = path.resolve(cwd, options.file);
    } else {
      if (options.app === undefined || options.app === "") {
        throw new StrataError(
          "usage",
          "no application named: pass --app NAME (or set STRATA_APP), or --file PATH for one file",
        );
      }
      checkAppName(options.app);
      this.app = options.app;
    }
    this.#stateDir = stateDir(this.#ctx, this.app ?? "_file");
    this.#defaults = options.defaults;
    this.#overrides = parseOverrides(options.overrides ?? []);
    this.#program = options.program ?? "strata";
    this.#lockTimeoutMs = options.lockTimeoutMs;
  }

  /** The folder of this configuration's backups and journal. */
  get stateDir(): string {
    return this.#stateDir;
  }

  /**
   * The effective value of `key` (a dotted path), typed; undefined when no
   * layer has it. A table is the merge of every layer's table.
   *
   * @example
   * ```ts
   * import { openConfig } from "./config.ts";
   * const config = openConfig({ app: "demo", defaults: { db: { port: 5432 } }, env: {} });
   * console.assert(config.get("db.port") === 5432);
   * ```
   */
  get(key: string): unknown | undefined {
    const keyPath = parseKey(key);
    const snap = this.#snapshot();
    this.#failOnUnreadable(snap);
    return this.#find(snap, keyPath)?.value;
  }

  /** The effective value of `key` and where it came from; undefined when no layer has it. */
  resolve(key: string): Resolved | undefined {
    const keyPath = parseKey(key);
    const snap = this.#snapshot();
    this.#failOnUnreadable(snap);
    return this.#resolve(snap, keyPath);
  }

  /**
   * Every layer's part for `key`, top first, the winner, the known type, and
   * warnings (such as environment variables that match no known key).
   */
  explain(key: string): Explanation {
    const keyPath = parseKey(key);
    const snap = this.#snapshot();
    const walk: WalkStep[] = [];
    let hidden: string | undefined;
    for (const layer of snap.layers) {
      const step: WalkStep = { layer: layer.name, status: "absent" };
      if (layer.file !== undefined) step.file = layer.file;
      // The variable that would set the key, so a person knows which one to use.
      if (layer.name === "environment") step.env = envVariableFor(this.app!, keyPath);
      if (layer.status !== "ok") {
        step.status = layer.status;
        if (layer.error) step.detail = layer.error.message;
        walk.push(step);
        continue;
      }
      const found = lookup(layer.values, keyPath);
      if (found.found) {
        const origin = layer.origin(keyPath);
        step.status = "set";
        try {
          step.value = this.#layerValue(snap, layer, keyPath, found.value);
        } catch (e) {
          step.value = found.value;
          step.detail = (e as Error).message;
        }
        if (origin.line !== undefined) step.line = origin.line;
        if (origin.env !== undefined) step.env = origin.env;
        if (origin.arg !== undefined) step.arg = origin.arg;
        if (hidden) step.detail = hidden;
      } else if (found.blockedAt !== undefined) {
        const prefix = formatKey(keyPath.slice(0, found.blockedAt));
        step.detail = `${prefix} is not a table here, so it hides ${
          formatKey(keyPath)
        } in the layers below`;
        hidden ??= `hidden: ${prefix} in the ${layer.name} layer is not a table`;
      }
      if (layer.read?.backup) {
        step.detail = [
          step.detail,
          `read from the backup ${layer.read.backup.path}: ${layer.file} does not parse`,
        ]
          .filter(Boolean).join("; ");
      }
      walk.push(step);
    }
    let winner: Resolved | undefined;
    let winnerError: string | undefined;
    try {
      winner = this.#resolve(
        { ...snap, layers: snap.layers.filter((l) => l.status === "ok") },
        keyPath,
      );
    } catch (e) {
      winnerError = (e as Error).message;
    }
    const known = this.#knownType(snap, keyPath);
    const out: Explanation = { key: formatKey(keyPath), walk, warnings: this.#envWarnings(snap) };
    if (winnerError) out.warnings.push(winnerError);
    if (winner) out.winner = winner;
    if (known) {
      out.type = known.type;
      out.typeSource = known.source;
    }
    return out;
  }

  /**
   * The effective configuration as leaves (tables flattened, arrays are
   * leaves), sorted by key text; only keys under `prefix` when given.
   */
  list(prefix?: string): Resolved[] {
    const prefixPath = prefix === undefined || prefix === "" ? [] : parseKey(prefix);
    const snap = this.#snapshot();
    this.#failOnUnreadable(snap);
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
        value: this.#layerValue(snap, leaf.layer, leaf.path, leaf.value),
      } as Resolved;
      // The origin's line needs the file's full document: computed only when asked for.
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

  /** Every layer, top first, with where it lives and whether it exists. */
  layers(): LayerInfo[] {
    const snap = this.#snapshot();
    return snap.layers.map((l) => {
      const info: LayerInfo = {
        layer: l.name,
        exists: l.name === "command-line" || l.name === "environment"
          ? l.values !== undefined && Object.keys(l.values).length > 0
          : l.status !== "no-file",
        writable: l.writable,
      };
      if (l.file !== undefined) {
        info.file = l.file;
        info.format = formatOf(l.file);
      }
      return info;
    });
  }

  /**
   * One line per `<APP>_` variable a person should look at: those matching
   * no known key (likely typos) and those naming no key; `explain` and
   * `list` print these.
   */
  envWarnings(): string[] {
    return this.#envWarnings(this.#snapshot());
  }

  /** The `<APP>_` variables that match no key known from another layer (likely typos). */
  unknownEnvVariables(): string[] {
    const env = this.#snapshot().env;
    if (!env) return [];
    return [...env.entries.filter((e) => !e.known).map((e) => e.name), ...env.invalid];
  }

  /**
   * Warnings from reading (a file that does not parse and the backup used
   * instead, a `.toml` beside a `.json`, a journal that could not be
   * appended), each returned once: a second call returns only new ones.
   */
  warnings(): string[] {
    this.#snapshot();
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  /** The known type of `key` and where it is known from; undefined when none is. */
  typeOf(key: string): { type: ValueType; source: string } | undefined {
    const known = this.#knownType(this.#snapshot(), parseKey(key));
    return known && { type: known.type, source: known.source };
  }

  /**
   * Sets `key` in a writable layer (default `user`; the file in single-file
   * mode) through the write protocol: lock, re-read, edit, backup, atomic
   * write, journal. With `raw`, `value` is a person's text and is converted
   * to the key's known type (or `options.type`), or refused with a
   * `StrataError` (`type`) before anything is written.
   */
  async set(key: string, value: unknown, options: SetOptions = {}): Promise<SetResult> {
    const keyPath = parseKey(key);
    const keyText = formatKey(keyPath);
    const snap = this.#snapshot();
    const target = this.#target(snap, options.layer);
    const { value: typed, type } = this.#typedValue(snap, keyPath, value, options);
    const format = formatOf(target.file);
    let old: unknown;
    const result = await this.#update(target, (current, file) => {
      const doc = this.#parseForWrite(current, format, file, target.layer);
      old = doc.get(keyPath);
      const kind = doc.kindOf(keyPath);
      const float = type === "float";
      if (old !== undefined && same(old, typed) && (!float || kind === "float")) return null;
      const next = setValue(doc, format, keyPath, typed, { float, file });
      return { text: next.toString(), changes: [{ key: keyText, old, new: typed }] };
    });
    const out: SetResult = { file: target.file, new: typed, changed: result.changed };
    if (old !== undefined) out.old = old;
    return out;
  }

  /** Removes `key` from a writable layer (default `user`), through the write protocol. */
  async unset(key: string, options: { layer?: WritableLayer } = {}): Promise<UnsetResult> {
    const keyPath = parseKey(key);
    const keyText = formatKey(keyPath);
    const snap = this.#snapshot();
    const target = this.#target(snap, options.layer);
    if (!target.exists) return { file: target.file, removed: false };
    const format = formatOf(target.file);
    let old: unknown;
    const result = await this.#update(target, (current, file) => {
      if (current === undefined) return null;
      const doc = this.#parseForWrite(current, format, file, target.layer);
      old = doc.get(keyPath);
      if (!doc.delete(keyPath)) return null;
      return { text: doc.toString(), changes: [{ key: keyText, old, new: undefined }] };
    });
    const out: UnsetResult = { file: target.file, removed: result.changed };
    if (result.changed && old !== undefined) out.old = old;
    return out;
  }

  // ---- reading -------------------------------------------------------------

  #mend(layer: LayerName): { edit: string; restore: string } {
    const who = this.file !== undefined ? `--file ${this.file}` : `--app ${this.app}`;
    const flag = layer === "project" || layer === "system" ? ` --${layer}` : "";
    return { edit: `strata ${who} edit${flag}`, restore: `strata ${who} restore latest${flag}` };
  }

  #warn(message: string): void {
    if (this.#reported.has(message)) return;
    this.#reported.add(message);
    this.#pending.push(message);
  }

  #readFile(file: string, name: LayerName, withBackups: boolean): FileRead {
    const read = readFileLayer(file, formatOf(file), {
      stateDir: withBackups ? this.#stateDir : undefined,
      mend: withBackups ? this.#mend(name) : undefined,
      previous: this.#reads.get(file),
      native: this.#native,
    });
    this.#reads.set(file, read);
    if (read.warning) this.#warn(read.warning);
    return read;
  }

  #fileLayer(name: LayerName, located: LocatedFile, writable: boolean): Layer {
    for (const w of located.warnings) this.#warn(w);
    const read = this.#readFile(located.file, name, writable);
    const source = () => read.backup?.path ?? located.file;
    const layer: Layer = {
      name,
      file: located.file,
      located,
      writable,
      status: read.status,
      read,
      textual: false,
      label: `${name} ${located.file}`,
      origin: (p) => {
        const o: Origin = { layer: name, file: source() };
        const line = read.document()?.lineOf(p);
        if (line !== undefined) o.line = line;
        return o;
      },
      kindOf: (p) => {
        const found = lookup(read.values, p);
        return found.found ? kindFromValue(found.value, () => read, p) : undefined;
      },
    };
    if (read.values) layer.values = read.values;
    if (read.error) layer.error = read.error;
    return layer;
  }

  #defaultsLayer(): Layer | undefined {
    const given = this.#defaults;
    if (typeof given === "string") {
      const file = pathFor(this.#ctx.platform).resolve(this.#ctx.cwd, given);
      const located: LocatedFile = { file, exists: true, format: formatOf(file), warnings: [] };
      const layer = this.#fileLayer("defaults", located, false);
      if (layer.status === "no-file") {
        layer.status = "unreadable";
        layer.error = new StrataError(
          "io",
          `the defaults file ${file} does not exist. To fix: check the --defaults path`,
        );
      }
      return layer;
    }
    if (given !== undefined) {
      if (!isTable(given)) {
        throw new StrataError("usage", "defaults must be a table (a plain object) or a path");
      }
      return {
        name: "defaults",
        writable: false,
        status: "ok",
        values: given,
        textual: false,
        label: "the program's defaults",
        origin: () => ({ layer: "defaults" }),
        kindOf: (p) => {
          const found = lookup(given, p);
          return found.found ? kindFromValue(found.value) : undefined;
        },
      };
    }
    if (this.app === undefined) return undefined;
    const located = locateDefaults(this.#ctx, this.app, this.#probe());
    if (located) return this.#fileLayer("defaults", located, false);
    if (this.app === "strata") return this.#builtinLayer();
    // None shipped: the layer is still shown (explain, paths) where it would be.
    const file = pathFor(this.#ctx.platform).join(
      defaultsDirs(this.#ctx, this.app)[0],
      "defaults.toml",
    );
    return {
      name: "defaults",
      file,
      writable: false,
      status: "no-file",
      textual: false,
      label: `defaults ${file}`,
      origin: () => ({ layer: "defaults", file }),
      kindOf: () => undefined,
    };
  }

  #builtinLayer(): Layer {
    const { values } = parseValues(strataDefaultsText, "toml");
    let doc: ReturnType<typeof parseDocument> | undefined;
    const document = () => (doc ??= parseDocument(strataDefaultsText, "toml"));
    return {
      name: "defaults",
      writable: false,
      status: "ok",
      values,
      textual: false,
      label: `defaults ${builtinDefaultsName}`,
      origin: (p) => {
        const o: Origin = { layer: "defaults" };
        const line = document().lineOf(p);
        if (line !== undefined) o.line = line;
        return o;
      },
      kindOf: (p) => {
        const found = lookup(values, p);
        return found.found ? kindFromValue(found.value, document, p) : undefined;
      },
    };
  }

  #snapshot(): Snapshot {
    const snap = this.#takeSnapshot();
    this.#native = false;
    return snap;
  }

  #probe(): FileProbe {
    const native = this.#native;
    return (file) => isFilePath(file, { native });
  }

  #takeSnapshot(): Snapshot {
    const ctx = this.#ctx;
    const probe = this.#probe();
    const fileLayers: Layer[] = [];
    if (this.file !== undefined) {
      const exists = probe(this.file);
      fileLayers.push(this.#fileLayer("file", {
        file: this.file,
        exists,
        format: formatOf(this.file),
        warnings: [],
      }, true));
    } else {
      const app = this.app!;
      fileLayers.push(
        this.#fileLayer("project", locateProject(ctx, app, probe), true),
        this.#fileLayer("user", locateUser(ctx, app, probe), true),
        this.#fileLayer("system", locateSystem(ctx, app, probe), true),
      );
    }
    const defaults = this.#defaultsLayer();
    const below = defaults ? [...fileLayers, defaults] : fileLayers;
    const layers: Layer[] = [this.#overrideLayer()];
    let env: EnvLayer | undefined;
    if (this.app !== undefined) {
      env = mapEnvironment(
        ctx.env,
        this.app,
        below.flatMap((l) => (l.values ? [l.values] : [])),
      );
      layers.push(this.#envLayer(env));
    }
    layers.push(...below);
    return { layers, env };
  }

  #overrideLayer(): Layer {
    const o = this.#overrides;
    return {
      name: "command-line",
      writable: false,
      status: "ok",
      values: o.values,
      textual: true,
      label: "command line",
      origin: (p) => {
        const key = formatKey(p);
        const entry = [...o.entries].reverse().find((e) =>
          formatKey(e.path) === key || startsWith(e.path, p)
        );
        return entry ? { layer: "command-line", arg: entry.arg } : { layer: "command-line" };
      },
      kindOf: () => undefined,
    };
  }

  #envLayer(env: EnvLayer): Layer {
    return {
      name: "environment",
      writable: false,
      status: "ok",
      values: env.values,
      textual: true,
      label: "environment",
      origin: (p) => {
        const key = formatKey(p);
        const entry = env.entries.find((e) => formatKey(e.path) === key) ??
          env.entries.find((e) => startsWith(e.path, p));
        return entry ? { layer: "environment", env: entry.name } : { layer: "environment" };
      },
      kindOf: () => undefined,
    };
  }

  #envWarnings(snap: Snapshot): string[] {
    return snap.env ? envWarnings(snap.env) : [];
  }

  #failOnUnreadable(snap: Snapshot): void {
    const bad = snap.layers.find((l) => l.status === "unreadable");
    if (bad?.error) throw bad.error;
  }

  /** The known type of a path: the defaults' value, else the value stored in a file layer. */
  #knownType(snap: Snapshot, keyPath: string[]): KnownType | undefined {
    const defaults = snap.layers.find((l) => l.name === "defaults" && l.status === "ok");
    const candidates = defaults
      ? [defaults, ...snap.layers.filter((l) => l !== defaults)]
      : snap.layers;
    for (const layer of candidates) {
      if (layer.textual || layer.status !== "ok") continue;
      const kind = layer.kindOf(keyPath);
      const type = typeOfKind(kind);
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

  /** A layer's value at a path, converted to the key's type when it is a person's text. */
  #layerValue(snap: Snapshot, layer: Layer, keyPath: string[], value: unknown): unknown {
    if (!layer.textual) return value;
    if (isTable(value)) {
      const node = mergeSources([{ layer, value }])!;
      return mergedValue(
        node,
        (leaf) => this.#convertLeaf(snap, layer, [...keyPath, ...leaf.path], leaf.value),
      );
    }
    return this.#convertLeaf(snap, layer, keyPath, value);
  }

  #convertLeaf(snap: Snapshot, layer: Layer, keyPath: string[], text: unknown): unknown {
    if (typeof text !== "string") return text;
    const known = this.#knownType(snap, keyPath);
    if (known === undefined) return text;
    try {
      return convertText(text, known.type, tomlInline);
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      const origin = layer.origin(keyPath);
      const who = origin.env !== undefined
        ? `${origin.env}`
        : `--set ${origin.arg ?? formatKey(keyPath)}`;
      const fix = origin.env !== undefined ? `fix or unset ${origin.env}` : "fix the --set value";
      throw new StrataError(
        "type",
        `${who}: ${e.reason}: ${formatKey(keyPath)} is ${
          typeNames[known.type]
        } (from ${known.source}); ${fix}${e.hint ? ` (${e.hint})` : ""}`,
      );
    }
  }

  /** The effective value and the layer it comes from (origins, which may need a line lookup, on demand). */
  #resolve(snap: Snapshot, keyPath: string[]): Resolved | undefined {
    const found = this.#find(snap, keyPath);
    if (found === undefined) return undefined;
    return {
      key: formatKey(keyPath),
      path: keyPath,
      value: found.value,
      origin: found.layer.origin(keyPath),
    };
  }

  #find(snap: Snapshot, keyPath: string[]): { value: unknown; layer: Layer } | undefined {
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
      return { value: this.#layerValue(snap, layer, keyPath, found.value), layer };
    }
    if (tables.length === 0) return undefined;
    const node = mergeSources(tables)!;
    return {
      layer: tables[0].layer,
      value: mergedValue(node, (leaf) => {
        const full = [...keyPath, ...leaf.path];
        return leaf.layer.textual
          ? this.#convertLeaf(snap, leaf.layer, full, leaf.value)
          : leaf.value;
      }),
    };
  }

  // ---- writing -------------------------------------------------------------

  #target(
    snap: Snapshot,
    layer: WritableLayer | undefined,
  ): { file: string; exists: boolean; layer: LayerName } {
    if (this.file !== undefined) {
      if (layer !== undefined) {
        throw new StrataError(
          "usage",
          `--${layer} does not apply with --file: the change goes to ${this.file}`,
        );
      }
      return { file: this.file, exists: isFilePath(this.file), layer: "file" };
    }
    const name = layer ?? "user";
    const found = snap.layers.find((l) => l.name === name);
    if (!found?.located) throw new StrataError("usage", `the ${name} layer cannot be written`);
    return { file: found.located.file, exists: found.status !== "no-file", layer: name };
  }

  #typedValue(
    snap: Snapshot,
    keyPath: string[],
    value: unknown,
    options: SetOptions,
  ): { value: unknown; type?: ValueType } {
    const keyText = formatKey(keyPath);
    if (value === undefined || value === null) {
      throw new StrataError(
        "usage",
        `set ${keyText}: a value is needed (to remove the key, use unset)`,
      );
    }
    if (value instanceof Date) value = TomlDateTime.fromDate(value);
    const known = this.#knownType(snap, keyPath);
    if (options.type && known?.binding && known.type !== options.type) {
      throw new StrataError(
        "type",
        `--type ${options.type} does not fit ${keyText}: it is ${
          typeNames[known.type]
        } (from ${known.source}); nothing was written`,
      );
    }
    const type = options.type ?? known?.type;
    const from = () => options.type ? `--type ${options.type}` : known?.source;
    if (options.raw) {
      if (typeof value !== "string") {
        throw new StrataError("usage", `set ${keyText}: raw values are text`);
      }
      if (type === undefined) return { value };
      try {
        return { value: convertText(value, type, tomlInline), type };
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        const retype = options.type || known?.binding
          ? ""
          : `; to store it as text anyway: strata set --type string ${keyText} ${
            JSON.stringify(value)
          }`;
        throw new StrataError(
          "type",
          `${e.reason}: ${keyText} is ${typeNames[type]} (from ${from()}); nothing was written${
            e.hint ? ` (${e.hint})` : ""
          }${retype}`,
        );
      }
    }
    const checkAgainst = options.type ?? (known?.binding ? known.type : undefined);
    if (checkAgainst) {
      const why = mismatch(value, checkAgainst);
      if (why) {
        throw new StrataError(
          "type",
          `${why}: ${keyText} is ${typeNames[checkAgainst]} (from ${from()}); nothing was written`,
        );
      }
    }
    return { value, type };
  }

  #parseForWrite(current: string | undefined, format: FileFormat, file: string, layer: LayerName) {
    try {
      return parseDocument(current ?? "", format, file);
    } catch (e) {
      const err = e as StrataError & { line?: number; column?: number; reason?: string };
      if (!(e instanceof StrataError) || e.code !== "parse") throw e;
      const where = err.line !== undefined
        ? `${file}:${err.line}:${err.column}: ${err.reason}`
        : e.message;
      const mend = this.#mend(layer);
      throw new StrataError(
        "parse",
        `${where}; nothing was written (a file that does not parse is never overwritten). ` +
          `To mend it: ${mend.edit} (or go back to the last good version: ${mend.restore})`,
        { cause: e },
      );
    }
  }

  async #update(
    target: { file: string; layer: LayerName },
    edit: (
      current: string | undefined,
      file: string,
    ) => { text: string; changes: { key: string; old?: unknown; new?: unknown }[] } | null,
  ): Promise<{ changed: boolean }> {
    const { updateFile } = await import("./store/update_file.ts");
    const settings = this.#settings();
    const format = formatOf(target.file);
    try {
      const result = await updateFile(target.file, (current, ctx) => edit(current, ctx.file), {
        stateDir: this.#stateDir,
        layer: target.layer,
        program: this.#program,
        keepBackups: settings.keep,
        lockTimeoutMs: this.#lockTimeoutMs ?? settings.timeout,
        staleLockMs: settings.stale,
        isValid: (text) => {
          try {
            parseValues(text, format);
            return true;
          } catch {
            return false;
          }
        },
      });
      for (const w of result.warnings) this.#warn(w);
      return { changed: result.changed };
    } finally {
      this.#reads.delete(target.file);
    }
  }

  /** strata's own settings (backups kept, lock timings), from app `strata`'s configuration. */
  #settings(): { keep?: number; timeout?: number; stale?: number } {
    const own = this.app === "strata" ? this : new Config({
      app: "strata",
      env: this.#ctx.env,
      cwd: this.#ctx.cwd,
      platform: this.#ctx.platform,
      home: this.#ctx.home,
    });
    const num = (key: string): number | undefined => {
      try {
        const v = own.get(key);
        return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
      } catch (e) {
        this.#warn(
          `strata's own settings could not be read (${
            (e as Error).message
          }); using the built-in ${key}`,
        );
        return undefined;
      }
    };
    return {
      keep: num("backups.keep"),
      timeout: num("lock.timeout_ms"),
      stale: num("lock.stale_ms"),
    };
  }
}

function startsWith(p: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= p.length && prefix.every((s, i) => p[i] === s);
}

/**
 * Opens the configuration of an application (or of one file). Nothing is
 * read until a value is asked for; nothing is held open.
 *
 * @example
 * ```ts
 * import { openConfig } from "./config.ts";
 * const config = openConfig({ app: "demo", overrides: ["db.host=example.org"], env: {} });
 * console.assert(config.get("db.host") === "example.org");
 * console.assert(config.resolve("db.host")?.origin.layer === "command-line");
 * ```
 */
export function openConfig(options: OpenOptions): Config {
  return new Config(options);
}

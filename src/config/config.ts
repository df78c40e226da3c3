/**
 * `openConfig` and `Config`: the layered configuration of one application,
 * the public face of the core. A `Config` composes an ordered list of layer
 * sources (`sources.ts`: command line, environment, project, user, system,
 * defaults, the schema's defaults), assembles them into a snapshot
 * (`snapshot.ts`) on every call, finds the schema (`schema_file.ts`), and
 * writes through a source's own protocol with strata's own settings
 * (`settings.ts`).
 *
 * A `Config` holds no lock and keeps the files it read; on every call it
 * checks (stat) whether a file changed and re-reads only that file, so a
 * long-lived program sees changes made by others. Nothing happens at import.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { type HintWords, plainHintWords } from "../hints.ts";
import { parseKey } from "../keys.ts";
import { parseOverrides } from "../layers/overrides.ts";
import {
  explainKey,
  failOnUnreadable,
  findValue,
  knownType,
  listLeaves,
  listRejected,
  resolveKey,
  snapshotEnvWarnings,
} from "../layers/resolve.ts";
import type { LayerSource } from "../layers/source.ts";
import type {
  Explanation,
  LayerInfo,
  LayerName,
  Rejected,
  Resolved,
  SetOptions,
  SetResult,
  Snapshot,
  UnsetOptions,
  UnsetResult,
  WritableLayer,
} from "../layers/types.ts";
import type { EditResult, Mend } from "../layers/edits.ts";
import { isSecretPath } from "../layers/secret_keys.ts";
import { candidateFiles } from "../platform/locate.ts";
import {
  type FileFormat,
  formatOf,
  knownFormat,
  pathFor,
  type PlatformContext,
} from "../platform/paths.ts";
import { descriptionAt } from "../schema/check_value.ts";
import type { LoadedSchema } from "../schema/load_schema.ts";
import type { ConfigKey, Untyped, ValueAt } from "../typed/key_path.ts";
import { mergedTree } from "../typed/merged_tree.ts";
import type { ValueType } from "../codec/value.ts";
import type { ConfigChange, ConfigWatch, ConfigWatchOptions } from "../watch/watch_config.ts";
import { LayerFileReader } from "./file_reader.ts";
import { type OpenOptions, settleOptions, stateDirOf, strictFromEnv } from "./options.ts";
import { SchemaFinder } from "./schema_file.ts";
import { type OwnSettings, ownSettings } from "./settings.ts";
import { startWatch } from "./start_watch.ts";
import { assembleSnapshot, layerInfos } from "./snapshot.ts";
import { mendOf, type WriteTarget, writeTarget } from "./write_target.ts";
import { layerSources } from "./sources.ts";
import type { WriteAccess } from "./writes.ts";

export type {
  Explanation,
  LayerInfo,
  LayerName,
  Origin,
  Rejected,
  Resolved,
  SetOptions,
  SetResult,
  UnsetOptions,
  UnsetResult,
  WalkStep,
  WritableLayer,
} from "../layers/types.ts";
export type { ValueType } from "../codec/value.ts";
export type { OpenOptions } from "./options.ts";
export type {
  ConfigChange,
  ConfigWatch,
  ConfigWatchOptions,
  WatchError,
} from "../watch/watch_config.ts";

/**
 * The layered configuration of one application. Create it with
 * {@link openConfig}.
 */
export class Config<T extends object = Untyped> {
  /** The application, unless in single-file mode. */
  readonly app?: string;
  /** The file of single-file mode. */
  readonly file?: string;
  /** How messages word what a person can do (see `OpenOptions.hintWords`). */
  readonly hintWords: HintWords;
  #format?: FileFormat;
  #ctx: PlatformContext;
  #home?: string;
  #stateDir?: string | StrataError;
  #defaults?: string | Record<string, unknown>;
  #program: string;
  #lockTimeoutMs?: number;
  #schemaOption?: string | Record<string, unknown>;
  #reader: LayerFileReader;
  #schema: SchemaFinder;
  /** The layers, top first: the order of this list is the waterfall's. */
  #sources: LayerSource[];
  #strataConfig?: Config;
  #reported = new Set<string>();
  /** The layer a write is about to edit, while its snapshot is taken (see `#snapshotFor`). */
  #editing?: LayerName;
  /** Whether a snapshot was taken (warnings() then reports its reads). */
  #read = false;
  /** The snapshot of the current synchronous run (see `#snapshot`). */
  #runSnapshot?: Snapshot;
  #pending: string[] = [];
  #options: OpenOptions;

  /** Use {@link openConfig}. */
  constructor(options: OpenOptions) {
    this.#options = options;
    const opened = settleOptions(options);
    const ctx = opened.ctx;
    this.#ctx = ctx;
    this.#home = options.home;
    if (opened.file !== undefined) this.file = opened.file;
    if (opened.app !== undefined) this.app = opened.app;
    this.#format = opened.format;
    this.hintWords = options.hintWords ?? plainHintWords;
    this.#defaults = options.defaults;
    const overrides = parseOverrides(options.overrides ?? []);
    this.#program = options.program ?? "strata";
    const strict = options.strict ?? strictFromEnv(ctx.env.STRATA_STRICT);
    this.#lockTimeoutMs = options.lockTimeoutMs;
    this.#schemaOption = options.schema;
    const warn = (message: string) => this.#warn(message);
    this.#reader = new LayerFileReader({
      formatOf: (file) => this.#formatOf(file),
      stateDir: () => this.#readState(),
      mend: (layer) => this.#mend(layer),
      warn,
      strict,
      editing: (layer) => this.#editing === layer,
    });
    this.#schema = new SchemaFinder(
      this.#ctx,
      this.app,
      options.schema,
      options.defaults !== undefined,
      warn,
    );
    this.#sources = layerSources({
      ctx: this.#ctx,
      app: this.app,
      file: this.file,
      fileFormat: this.#format,
      defaults: options.defaults,
      schemaFile: typeof options.schema === "string"
        ? pathFor(ctx.platform).resolve(ctx.cwd, options.schema)
        : undefined,
      overrides,
      reader: this.#reader,
    });
  }

  /**
   * The folder of this configuration's backups and journal. A `StrataError`
   * (`usage`) saying what to set when it lives under a home that is missing.
   */
  get stateDir(): string {
    const dir = this.#state();
    if (dir instanceof StrataError) throw dir;
    return dir;
  }

  #state(): string | StrataError {
    return this.#stateDir ??= stateDirOf(this.#ctx);
  }

  /** The state folder for a read (backups to fall back to, the parse cache): none without a home. */
  #readState(): string | undefined {
    const dir = this.#state();
    return typeof dir === "string" ? dir : undefined;
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
  get<K extends ConfigKey<T>>(key: K): ValueAt<T, K> {
    const keyPath = parseKey(key);
    const snap = this.#snapshot();
    failOnUnreadable(snap);
    return findValue(snap, keyPath)?.value as ValueAt<T, K>;
  }

  /** The whole merged tree, as {@link Config.get} of every key would give it. */
  values(): T {
    return mergedTree(this.#snapshot()) as T;
  }

  /** The effective value of `key` and where it came from; undefined when no layer has it. */
  resolve(key: string): Resolved | undefined {
    const keyPath = parseKey(key);
    const snap = this.#snapshot();
    failOnUnreadable(snap);
    return resolveKey(snap, keyPath);
  }

  /**
   * Every layer's part for `key`, top first, the winner, the known type, and
   * warnings (such as environment variables that match no known key). A
   * layer that cannot be read is shown as such instead of failing.
   */
  explain(key: string): Explanation {
    return explainKey(this.#snapshot(), parseKey(key), this.app);
  }

  /**
   * The effective configuration as leaves (tables flattened, arrays are
   * leaves), sorted by key text; only keys under `prefix` when given. Each
   * result's `origin` is worked out when first read (its line costs a full
   * parse of that file).
   */
  list(prefix?: string): Resolved[] {
    const prefixPath = prefix === undefined || prefix === "" ? [] : parseKey(prefix);
    const snap = this.#snapshot();
    failOnUnreadable(snap);
    return listLeaves(snap, prefixPath);
  }

  /**
   * The values under `prefix` (everything when absent) that would win but
   * are not used: they break the schema, or are a person's text that does
   * not convert to the key's type. `list` skips them (the next valid layer
   * shows) and `get`/`resolve` of their key throw; this names each with its
   * layer and origin.
   */
  rejected(prefix?: string): Rejected[] {
    const prefixPath = prefix === undefined || prefix === "" ? [] : parseKey(prefix);
    const snap = this.#snapshot();
    failOnUnreadable(snap);
    return listRejected(snap, prefixPath);
  }

  /** Every layer, top first, with where it lives and whether it exists. */
  layers(): LayerInfo[] {
    return layerInfos(this.#snapshot(), (file) => this.#formatOf(file));
  }

  /**
   * One line per `<APP>_` variable a person should look at: those matching
   * no known key (likely typos) and those naming no key; `explain` and
   * `list` print these.
   */
  envWarnings(): string[] {
    return snapshotEnvWarnings(this.#snapshot());
  }

  /** The `<APP>_` variables that match no key known from another layer (likely typos). */
  unknownEnvVariables(): string[] {
    const env = this.#snapshot().env;
    if (!env) return [];
    return [...env.entries.filter((e) => !e.known).map((e) => e.name), ...env.invalid];
  }

  /**
   * Reads the files the next read needs ahead of it, with the runtime's
   * asynchronous calls (under Bun: its own stat and read-only read, which
   * spare a one-shot command loading `node:fs`; elsewhere nothing). Optional:
   * without it every read goes through `node:fs`.
   *
   * @example
   * ```ts
   * import { openConfig } from "./config.ts";
   * const config = openConfig({ app: "demo", env: {} });
   * await config.prefetch();
   * console.assert(config.get("no.such.key") === undefined);
   * ```
   */
  async prefetch(): Promise<void> {
    const ctx = this.#ctx;
    const p = pathFor(ctx.platform);
    const paths = this.file !== undefined
      ? [this.file]
      : this.app !== undefined
      ? candidateFiles(ctx, this.app)
      : [];
    for (const given of [this.#defaults, this.#schemaOption]) {
      if (typeof given === "string") paths.push(p.resolve(ctx.cwd, given));
    }
    await this.#reader.readAhead(paths);
  }

  /**
   * Warnings from reading (a file that does not parse and the backup used
   * instead, a `.toml` beside a `.json`, a journal that could not be
   * appended), each returned once: a second call returns only new ones.
   * They are the warnings of the reads and writes made so far; when nothing
   * was read yet, the configuration is read first.
   */
  warnings(): string[] {
    // After a write, reading again would only re-read the file just written.
    if (!this.#read) this.#snapshot();
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  /** The known type of `key` and where it is known from; undefined when none is. */
  typeOf(key: string): { type: ValueType; source: string } | undefined {
    const known = knownType(this.#snapshot(), parseKey(key));
    // `source` names a file line, which may cost a parse of that file: only
    // on demand (`get` asks the type alone, to print a whole float as 2.0).
    return known && {
      type: known.type,
      get source() {
        return known.source;
      },
    };
  }

  /**
   * The application's schema and its file; undefined when there is none.
   * A schema file that is not JSON or not of the supported subset is a
   * `StrataError` (`schema`) naming the file.
   */
  schema(): LoadedSchema | undefined {
    return this.#schema.load(defaultsOf(this.#snapshot()), true);
  }

  /** The schema's description of `key`, if it has one. */
  describe(key: string): string | undefined {
    const keyPath = parseKey(key);
    const loaded = this.#schema.load(defaultsOf(this.#snapshot()), false);
    return loaded && descriptionAt(loaded.schema, keyPath);
  }

  /**
   * Changes a writable layer's file (default `user`; the file in single-file
   * mode) with the caller's edit, through the same write protocol and
   * settings as {@link Config.set}: `edit` gets the text as it is under the
   * lock (undefined when missing) and returns the new text and the changes
   * for the journal, or null for no change; throwing refuses the write.
   */
  async update(
    edit: (
      current: string | undefined,
      file: string,
      info: { invalidUtf8?: boolean },
    ) => EditResult,
    options: { layer?: WritableLayer; acceptInvalidUtf8?: boolean } = {},
  ): Promise<{ file: string; changed: boolean; backupId?: string }> {
    const snap = this.#snapshot();
    const { updateFile } = await import("./writes.ts");
    return await updateFile(this.#writeAccess(), snap, edit, options);
  }

  /**
   * Sets `key` in a writable layer (default `user`; the file in single-file
   * mode) through the write protocol: lock, re-read, edit, backup, atomic
   * write, journal. With `raw`, `value` is a person's text and is converted
   * to the key's known type (or `options.type`), or refused with a
   * `StrataError` (`type`) before anything is written.
   */
  async set<K extends ConfigKey<T>>(
    key: K,
    value: ValueAt<T, K>,
    options: SetOptions = {},
  ): Promise<SetResult> {
    const keyPath = parseKey(key);
    const snap = this.#snapshotFor(options.layer);
    const { setKey } = await import("./writes.ts");
    return await setKey(this.#writeAccess(), snap, keyPath, value, options);
  }

  /**
   * Sets several keys of one layer in one write (one lock, one backup, each
   * key journaled), each as {@link Config.set} would (`sealFor` per entry
   * seals that one). Everything is converted, checked and sealed before the
   * lock is taken; one refusal writes nothing. `import` uses it.
   */
  async setMany(
    entries: readonly { key: string; value: unknown; sealFor?: string }[],
    options: SetOptions = {},
  ): Promise<{ file: string; changed: boolean; keys: string[] }> {
    const parsed = entries.map((e) => ({ ...e, key: parseKey(e.key) }));
    const snap = this.#snapshotFor(options.layer);
    const { setKeys } = await import("./writes.ts");
    return await setKeys(this.#writeAccess(), snap, parsed, options);
  }

  /**
   * Whether `key` holds a secret: a layer stores it sealed, or the schema
   * marks it (`"x-strata-secret": true`). Its value is then never shown and
   * never taken from the command line.
   */
  isSecret(key: string): boolean {
    return isSecretPath(this.#snapshot(), parseKey(key));
  }

  /**
   * The snapshot a write to `layer` starts from: that layer's file is read
   * as a document, which the edit under the lock then starts from when the
   * file is still the same (one parse of it, not two).
   */
  #snapshotFor(layer: WritableLayer | undefined): Snapshot {
    this.#editing = layer ?? (this.file !== undefined ? "file" : "user");
    try {
      return this.#snapshot();
    } finally {
      this.#editing = undefined;
    }
  }

  /** Removes `key` from a writable layer (default `user`), through the write protocol. */
  async unset(key: string, options: UnsetOptions = {}): Promise<UnsetResult> {
    const keyPath = parseKey(key);
    const snap = this.#snapshotFor(options.layer);
    const { unsetKey } = await import("./writes.ts");
    return await unsetKey(this.#writeAccess(), snap, keyPath, options);
  }

  /** What the writes (`writes.ts`) need of this configuration. */
  #writeAccess(): WriteAccess {
    return {
      app: this.app,
      file: this.file,
      hintWords: this.hintWords,
      target: (snap, layer) => this.#target(snap, layer),
      formatOf: (file) => this.#formatOf(file),
      mend: (layer) => this.#mend(layer),
      schemaForWrite: (snap) => this.#schema.forWrite(defaultsOf(snap)),
      sources: this.#sources,
      stateDir: () => this.stateDir,
      program: this.#program,
      lockTimeoutMs: this.#lockTimeoutMs,
      settings: () => this.#settings(),
      warn: (message) => this.#warn(message),
      written: (file) => {
        this.#reader.forget(file);
        this.#runSnapshot = undefined;
      },
      keepWritten: (file, doc) => this.#reader.keepWritten(this.stateDir, file, doc),
    };
  }

  /**
   * Watches every file of this configuration and calls `onChange` once per
   * key under `keyOrPrefix` (everything when empty) whose effective value
   * changed, by any writer; a file that does not parse goes to
   * `options.onError` and the last good values are kept. Close the handle
   * (or declare it with `using`) to stop. See `src/watch/watch_config.ts`.
   */
  watch(
    keyOrPrefix: string,
    onChange: (change: ConfigChange) => void,
    options?: ConfigWatchOptions,
  ): ConfigWatch {
    const { env, cwd } = this.#ctx;
    const open = () => new Config({ ...this.#options, env, cwd, strict: true });
    return startWatch(
      this as Config,
      { open, sources: this.#sources },
      keyOrPrefix,
      onChange,
      options,
    );
  }

  // ---- reading -------------------------------------------------------------

  /** A file's format: the one given for the `file` of single-file mode, else its extension's. */
  #formatOf(file: string): FileFormat {
    return file === this.file && this.#format !== undefined ? this.#format : formatOf(file);
  }

  /** What mends a writable layer's file: edit it, or restore its latest backup (hints, worded). */
  #mend(layer: LayerName): Mend {
    // A file whose name does not say its format is written only with its format named.
    const file = this.file;
    const format = file !== undefined && knownFormat(file) === undefined
      ? this.#formatOf(file)
      : undefined;
    return mendOf(this.hintWords, { app: this.app, file, format, layer });
  }

  #warn(message: string): void {
    if (this.#reported.has(message)) return;
    this.#reported.add(message);
    this.#pending.push(message);
  }

  #snapshot(): Snapshot {
    this.#read = true;
    // With `oneSnapshotPerRun` (or after `prefetch`), one snapshot serves
    // every call of one synchronous run (a `get`, its `isSecret` and its
    // `warnings()`; a `set`'s look at the layers and the set itself): the
    // calls see one version of the files, and a file just changed (whose
    // stamp cannot be trusted) is read once, not per call. The next run
    // (after any `await`) reads the disk again; a write drops it at once.
    if (this.#runSnapshot !== undefined) return this.#runSnapshot;
    const reader = this.#reader;
    const access = reader.access();
    const snap = assembleSnapshot(
      this.#sources,
      (layerOf) => this.#schema.load(layerOf("defaults"), false, access),
    );
    snap.editCommand = (layer) => this.#mend(layer).edit;
    const ahead = reader.prefetched;
    if (!this.#options.oneSnapshotPerRun && ahead === undefined) return snap;
    this.#runSnapshot = snap;
    // What was read ahead answers this run only.
    queueMicrotask(() => {
      if (ahead !== undefined && reader.prefetched === ahead) reader.prefetched = undefined;
      if (this.#runSnapshot === snap) this.#runSnapshot = undefined;
    });
    return snap;
  }

  // ---- writing -------------------------------------------------------------

  #target(snap: Snapshot, layer: WritableLayer | undefined): WriteTarget {
    const single = this.file === undefined ? undefined : {
      file: this.file,
      formatKnown: this.#format !== undefined || knownFormat(this.file) !== undefined,
    };
    return writeTarget(snap, layer, single);
  }

  /** strata's own settings (backups kept, lock timings), from app `strata`'s configuration. */
  #settings(): OwnSettings {
    // Kept, so a long-lived Config re-reads strata's own files only when they change.
    const own: Config = this.app === "strata"
      ? this as Config
      : (this.#strataConfig ??= new Config({
        app: "strata",
        env: this.#ctx.env,
        cwd: this.#ctx.cwd,
        platform: this.#ctx.platform,
        home: this.#home,
        // Its three settings are read together: one walk of its layers, not three.
        oneSnapshotPerRun: true,
      }));
    return ownSettings(own, (message) => this.#warn(message));
  }
}

/** The defaults layer of a snapshot. */
function defaultsOf(snap: Snapshot) {
  return snap.layers.find((l) => l.name === "defaults");
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
export function openConfig<T extends object = Untyped>(options: OpenOptions): Config<T> {
  return new Config(options);
}

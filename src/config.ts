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

import { StrataError } from "./errors.ts";
import { isTable } from "./is_table.ts";
import { parseKey } from "./keys.ts";
import { floatPaths, parseValues } from "./layers/document.ts";
import { mapEnvironment } from "./layers/env.ts";
import { type FileRead, readFileLayer } from "./layers/file_layer.ts";
import { type OverrideLayer, parseOverrides } from "./layers/overrides.ts";
import {
  explainKey,
  failOnUnreadable,
  findValue,
  knownType,
  listLeaves,
  listRejected,
  resolveKey,
  snapshotEnvWarnings,
} from "./layers/resolve.ts";
import {
  builtinDefaultsLayer,
  envLayer,
  fileLayer,
  homelessLayer,
  missingDefaultsLayer,
  overrideLayer,
  schemaDefaultsLayer,
  valueDefaultsLayer,
} from "./layers/sources.ts";
import type {
  Explanation,
  Layer,
  LayerInfo,
  LayerName,
  Rejected,
  Resolved,
  SetOptions,
  SetResult,
  Snapshot,
  UnsetResult,
  WritableLayer,
} from "./layers/types.ts";
import {
  type Change,
  type EditResult,
  type Mend,
  type Seen,
  setEdit,
  typedValue,
  unsetEdit,
} from "./layers/write.ts";
import { isSecretPath } from "./layers/secret_keys.ts";
import { refusePlaintextSecrets, sealForWrite } from "./layers/seal_for_write.ts";
import { cacheFileOf, cacheMinLength, writeCachedValues } from "./layers/parse_cache.ts";
import {
  candidateFiles,
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
  knownFormat,
  pathFor,
  type PlatformContext,
  stateDir,
} from "./platform/paths.ts";
import { HomeMissingError, homeNeeded, lazyHome } from "./platform/home.ts";
import {
  type AccessOptions,
  isFilePath,
  prefetchFiles,
  type PrefetchMap,
  probePath,
  statPath,
} from "./runtime/fs.ts";
import { descriptionAt } from "./schema/check_value.ts";
import {
  type LoadedSchema,
  loadSchemaFile,
  schemaFileName,
  schemaFromValue,
} from "./schema/load_schema.ts";
import type { ValueType } from "./values.ts";
import {
  type ConfigChange,
  type ConfigWatch,
  type ConfigWatchOptions,
  watchConfig,
} from "./watch/watch_config.ts";

export type {
  Explanation,
  LayerInfo,
  LayerName,
  Origin,
  Rejected,
  Resolved,
  SetOptions,
  SetResult,
  UnsetResult,
  WalkStep,
  WritableLayer,
} from "./layers/types.ts";
export type { ValueType } from "./values.ts";
export type {
  ConfigChange,
  ConfigWatch,
  ConfigWatchOptions,
  WatchError,
} from "./watch/watch_config.ts";

/** Options of {@link openConfig}. */
export interface OpenOptions {
  /** The application whose configuration this is; required unless `file` is given. */
  app?: string;
  /** Single-file mode: only this file (and `overrides`, and `defaults` when given), no layers. */
  file?: string;
  /**
   * The format of `file` (default: from its extension). Needed to write a
   * file whose name ends neither in `.toml` nor `.json`.
   */
  format?: FileFormat;
  /**
   * The application's read-only defaults: a `.toml`/`.json` path or a value.
   * Their values give keys their types; in a value, a whole number (`1.0`
   * is `1` in JavaScript) types its key as an integer, so give float
   * defaults in a file when the distinction matters.
   */
  defaults?: string | Record<string, unknown>;
  /** `--set key=value` items, in order (later ones win). */
  overrides?: string[];
  /** The environment (default: a copy of `process.env` taken when the Config is opened). */
  env?: Record<string, string | undefined>;
  /** The working directory, where the project file search starts (default `process.cwd()`). */
  cwd?: string;
  /** `process.platform` value to lay the paths out for (tests may force one). */
  platform?: string;
  /**
   * The home folder (default: an absolute `$HOME` or `%USERPROFILE%`, else the
   * password database's), looked up only when a path needs it. With none, the
   * user layer is absent for reads and a write to it says what to set.
   */
  home?: string;
  /**
   * Strict mode: a layer file that does not parse fails the read (a `parse`
   * `StrataError`) instead of being replaced by its newest backup that parses.
   * Default: on when the environment's `STRATA_STRICT` is `1` (or `true`, `yes`, `on`).
   */
  strict?: boolean;
  /** Who writes, for the lock and the journal (default `strata`). */
  program?: string;
  /** How long a write waits for another writer's lock, ms (default: strata's `lock.timeout_ms`, 10000). */
  lockTimeoutMs?: number;
  /**
   * The application's JSON Schema (the documented subset): a path or a value.
   * Default: `schema.json` beside the defaults file (or in the first defaults
   * folder holding one). It types keys (binding, before the defaults), refuses
   * a `set` that breaks it, describes keys, and says how arrays combine
   * across layers (`x-strata-merge`).
   */
  schema?: string | Record<string, unknown>;
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
  #format?: FileFormat;
  #ctx: PlatformContext;
  #home?: string;
  #stateDir?: string | StrataError;
  #defaults?: string | Record<string, unknown>;
  #overrides: OverrideLayer;
  #program: string;
  #strict: boolean;
  #lockTimeoutMs?: number;
  #reads = new Map<string, FileRead>();
  /**
   * What {@link Config.prefetch} read ahead: used by the snapshots taken
   * in the synchronous run of the first one, then dropped (later reads use
   * node:fs and see every change).
   */
  #prefetched?: PrefetchMap;
  #schemaOption?: string | Record<string, unknown>;
  #schemaCache?: { file?: string; stamp?: string; loaded?: LoadedSchema };
  #strataConfig?: Config;
  #reported = new Set<string>();
  #pending: string[] = [];
  #options: OpenOptions;

  /** Use {@link openConfig}. */
  constructor(options: OpenOptions) {
    this.#options = options;
    // One copy of the environment per Config: reading process.env as a whole is
    // costly under Deno (a conversion per read), and a Config reads it on every call.
    const env = options.env ?? { ...process.env };
    const platform = options.platform ?? process.platform;
    const path = pathFor(platform);
    const cwd = path.resolve(options.cwd ?? workingFolder());
    // Looked up when a path needs it: with explicit XDG folders or --file, never.
    const home = lazyHome(platform, env, options.home);
    this.#home = options.home;
    this.#ctx = {
      platform,
      env,
      cwd,
      get home() {
        return home.get();
      },
    };
    if (options.file !== undefined) {
      if (options.file === "") {
        throw new StrataError("usage", "--file needs a path, e.g. --file ./app.toml");
      }
      this.file = path.resolve(cwd, options.file);
      this.#format = options.format;
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
    if (options.defaults !== undefined && typeof options.defaults !== "string") {
      if (!isTable(options.defaults)) {
        throw new StrataError("usage", "defaults must be a table (a plain object) or a path");
      }
    }
    this.#defaults = options.defaults;
    this.#overrides = parseOverrides(options.overrides ?? []);
    this.#program = options.program ?? "strata";
    this.#strict = options.strict ?? strictFromEnv(env.STRATA_STRICT);
    this.#lockTimeoutMs = options.lockTimeoutMs;
    this.#schemaOption = options.schema;
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
    try {
      this.#stateDir ??= stateDir(this.#ctx, this.app ?? "_file");
    } catch (e) {
      if (!(e instanceof HomeMissingError)) throw e;
      this.#stateDir = homeNeeded(this.#ctx.platform, "state", e);
    }
    return this.#stateDir;
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
  get(key: string): unknown | undefined {
    const keyPath = parseKey(key);
    const snap = this.#snapshot();
    failOnUnreadable(snap);
    return findValue(snap, keyPath)?.value;
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
    return this.#snapshot().layers.map((l) => {
      const info: LayerInfo = {
        layer: l.name,
        exists: l.name === "command-line" || l.name === "environment"
          ? l.values !== undefined && Object.keys(l.values).length > 0
          : l.status !== "no-file",
        writable: l.writable,
      };
      if (l.file !== undefined) {
        info.file = l.file;
        info.format = this.#formatOf(l.file);
      } else if (l.status === "no-file" && l.error) {
        info.note = l.error.message;
      }
      if (l.located?.skipped) info.skipped = l.located.skipped;
      return info;
    });
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
    const ahead = await prefetchFiles(paths);
    // A big file's values are read from its parse cache: read that ahead too.
    const state = this.#readState();
    const caches = state === undefined
      ? []
      : [...ahead].flatMap(([file, found]) =>
        found.read instanceof Uint8Array && found.read.length >= cacheMinLength
          ? [cacheFileOf(state, file)]
          : []
      );
    this.#prefetched = caches.length ? await prefetchFiles(caches, ahead) : ahead;
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
    return this.#loadSchema(this.#snapshot(), true);
  }

  /** The schema's description of `key`, if it has one. */
  describe(key: string): string | undefined {
    const keyPath = parseKey(key);
    const loaded = this.#loadSchema(this.#snapshot(), false);
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
    const target = this.#target(snap, options.layer);
    // acceptInvalidUtf8: for restore and edit, which mend a file that is not
    // UTF-8 (`info.invalidUtf8` then says so); every other write refuses it.
    const result = await this.#update(
      target,
      (current, file, info) =>
        refusePlaintextSecrets(snap, edit(current, file, info), {
          app: this.app ?? "_file",
          layer: target.layer,
        }),
      options.acceptInvalidUtf8 === true,
    );
    const out: { file: string; changed: boolean; backupId?: string } = {
      file: target.file,
      changed: result.changed,
    };
    if (result.backupId !== undefined) out.backupId = result.backupId;
    return out;
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
    const snap = this.#snapshot();
    const target = this.#target(snap, options.layer);
    const seen: Seen = {};
    const { edit, stored, type } = await this.#setEditOf(
      snap,
      target,
      keyPath,
      value,
      options,
      seen,
    );
    const result = await this.#update(target, edit);
    if (result.changed) this.#cacheWritten(target.file, seen);
    const out: SetResult = { file: target.file, new: stored, changed: result.changed };
    if (type !== undefined) out.type = type;
    if (seen.old !== undefined) out.old = seen.old;
    return out;
  }

  /**
   * Sets several keys of one layer in one write (one lock, one backup, one
   * journal entry), each as {@link Config.set} would (`sealFor` per entry
   * seals that one). Everything is converted, checked and sealed before the
   * lock is taken; one refusal writes nothing. `import` uses it.
   */
  async setMany(
    entries: readonly { key: string; value: unknown; sealFor?: string }[],
    options: SetOptions = {},
  ): Promise<{ file: string; changed: boolean; keys: string[] }> {
    const snap = this.#snapshot();
    const target = this.#target(snap, options.layer);
    const edits: ((current: string | undefined, file: string) => EditResult)[] = [];
    for (const entry of entries) {
      const sealing = entry.sealFor === undefined ? {} : { sealFor: entry.sealFor };
      const one = { ...options, ...sealing };
      const keyPath = parseKey(entry.key);
      edits.push((await this.#setEditOf(snap, target, keyPath, entry.value, one, {})).edit);
    }
    const keys: string[] = [];
    const result = await this.#update(target, (current, file) => {
      let text = current;
      const changes: Change[] = [];
      for (const edit of edits) {
        const done = edit(text, file);
        if (done === null) continue;
        text = done.text;
        changes.push(...done.changes);
      }
      keys.splice(0, keys.length, ...changes.map((c) => c.key));
      return text === undefined || changes.length === 0 ? null : { text, changes };
    });
    return { file: target.file, changed: result.changed, keys: result.changed ? keys : [] };
  }

  /** The edit of one `set`, and what it stores: secrets sealed or refused (layers/seal_for_write.ts). */
  async #setEditOf(
    snap: Snapshot,
    target: { file: string; layer: LayerName },
    keyPath: string[],
    value: unknown,
    options: SetOptions,
    seen: Seen,
  ): Promise<{
    edit: (current: string | undefined, file: string) => EditResult;
    stored: unknown;
    type?: ValueType;
  }> {
    const sealing = await sealForWrite(snap, keyPath, value, options, {
      app: this.app ?? "_file",
      layer: target.layer,
    });
    const typed = sealing === undefined
      ? typedValue(snap, keyPath, value, options)
      : sealing.typed ?? { value: sealing.sealed };
    const stored = sealing?.sealed ?? typed.value;
    const edit = setEdit(
      keyPath,
      stored,
      sealing ? undefined : typed.type,
      this.#formatOf(target.file),
      this.#mend(target.layer),
      seen,
      this.#schemaForWrite(snap),
      sealing?.typed,
    );
    return { edit, stored, type: typed.type };
  }

  /**
   * Whether `key` holds a secret: a layer stores it sealed, or the schema
   * marks it (`"x-strata-secret": true`). Its value is then never shown and
   * never taken from the command line.
   */
  isSecret(key: string): boolean {
    return isSecretPath(this.#snapshot(), parseKey(key));
  }

  /** Removes `key` from a writable layer (default `user`), through the write protocol. */
  async unset(key: string, options: { layer?: WritableLayer } = {}): Promise<UnsetResult> {
    const keyPath = parseKey(key);
    const target = this.#target(this.#snapshot(), options.layer);
    if (!target.exists) return { file: target.file, removed: false };
    const seen: Seen = {};
    const edit = unsetEdit(keyPath, this.#formatOf(target.file), this.#mend(target.layer), seen);
    const result = await this.#update(target, edit);
    if (result.changed) this.#cacheWritten(target.file, seen);
    const out: UnsetResult = { file: target.file, removed: result.changed };
    if (result.changed && seen.old !== undefined) out.old = seen.old;
    return out;
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
    const schema = this.#options.schema;
    return watchConfig(
      this,
      {
        open: () => new Config({ ...this.#options, env, cwd, strict: true }),
        cwd,
        schemaFile: typeof schema === "string"
          ? pathFor(this.#ctx.platform).resolve(cwd, schema)
          : undefined,
      },
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

  #mend(layer: LayerName): Mend {
    // A file whose name does not say its format is written only with --format.
    const format = this.file !== undefined && knownFormat(this.file) === undefined
      ? ` --format ${this.#formatOf(this.file)}`
      : "";
    const who = this.file !== undefined ? `--file ${this.file}${format}` : `--app ${this.app}`;
    const flag = layer === "project" || layer === "system" ? ` --${layer}` : "";
    return { edit: `strata ${who} edit${flag}`, restore: `strata ${who} restore latest${flag}` };
  }

  #warn(message: string): void {
    if (this.#reported.has(message)) return;
    this.#reported.add(message);
    this.#pending.push(message);
  }

  /** Reads (or reuses, when unchanged) one layer file. */
  #fileLayer(name: LayerName, located: LocatedFile, writable: boolean): Layer {
    for (const w of located.warnings) this.#warn(w);
    const file = located.file;
    const state = this.#readState();
    const read = readFileLayer(file, this.#formatOf(file), {
      stateDir: writable ? state : undefined,
      mend: writable ? this.#mend(name) : undefined,
      previous: this.#reads.get(file),
      prefetched: this.#prefetched,
      cacheDir: state,
      strict: this.#strict,
    });
    this.#reads.set(file, read);
    if (read.warning) this.#warn(read.warning);
    return fileLayer(name, located, read, writable);
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
    if (given !== undefined) return valueDefaultsLayer(given);
    if (this.app === undefined) return undefined;
    const located = locateDefaults(this.#ctx, this.app, this.#probe());
    if (located) return this.#fileLayer("defaults", located, false);
    if (this.app === "strata") return builtinDefaultsLayer();
    return missingDefaultsLayer(
      pathFor(this.#ctx.platform).join(defaultsDirs(this.#ctx, this.app)[0], "defaults.toml"),
    );
  }

  /** The user layer; absent (saying what to set) when its folder is under a missing home. */
  #userLayer(app: string, probe: FileProbe): Layer {
    let located: LocatedFile;
    try {
      located = locateUser(this.#ctx, app, probe);
    } catch (e) {
      if (!(e instanceof HomeMissingError)) throw e;
      return homelessLayer("user", homeNeeded(this.#ctx.platform, "user", e));
    }
    return this.#fileLayer("user", located, true);
  }

  #snapshot(): Snapshot {
    const snap = this.#takeSnapshot();
    const ahead = this.#prefetched;
    // What was read ahead answers the snapshots of this synchronous run (a
    // `get` and its `warnings()`), then the disk does again.
    if (ahead) queueMicrotask(() => this.#prefetched === ahead && (this.#prefetched = undefined));
    return snap;
  }

  #probe(): FileProbe {
    const access: AccessOptions = { prefetched: this.#prefetched };
    return (file) => {
      const found = probePath(file, access);
      if (found === undefined) return false;
      return found === "unknown" || { type: found.type, uid: found.uid };
    };
  }

  #takeSnapshot(): Snapshot {
    const ctx = this.#ctx;
    const probe = this.#probe();
    const fileLayers: Layer[] = [];
    if (this.file !== undefined) {
      const located = { file: this.file, exists: probe(this.file) !== false, warnings: [] };
      fileLayers.push(
        this.#fileLayer("file", { ...located, format: this.#formatOf(this.file) }, true),
      );
    } else {
      const app = this.app!;
      fileLayers.push(
        this.#fileLayer("project", locateProject(ctx, app, probe), true),
        this.#userLayer(app, probe),
        this.#fileLayer("system", locateSystem(ctx, app, probe), true),
      );
    }
    const defaults = this.#defaultsLayer();
    const below = defaults ? [...fileLayers, defaults] : fileLayers;
    const layers: Layer[] = [overrideLayer(this.#overrides)];
    const snap: Snapshot = { layers: [...layers, ...below] };
    let schema: { loaded?: LoadedSchema } | undefined;
    const access: AccessOptions = { prefetched: this.#prefetched };
    snap.schema = () => (schema ??= { loaded: this.#loadSchema(snap, false, access) }).loaded;
    snap.editCommand = (layer) => this.#mend(layer).edit;
    // The schema's defaults are the bottom layer, there only when a schema is.
    const loaded = snap.schema();
    const fromSchema = loaded && schemaDefaultsLayer(loaded);
    if (fromSchema) below.push(fromSchema);
    snap.layers = [...layers, ...below];
    if (this.app === undefined) return snap;
    const known = below.flatMap((l) => (l.values ? [l.values] : []));
    const env = mapEnvironment(
      ctx.env,
      this.app,
      fromSchema ? [...known, fromSchema.keys] : known,
      { ignoreCase: ctx.platform === "win32" },
    );
    snap.layers = [...layers, envLayer(env), ...below];
    snap.env = env;
    return snap;
  }

  /** The schema a write must satisfy: a broken one refuses the write (it cannot check it). */
  #schemaForWrite(snap: Snapshot): LoadedSchema | undefined {
    try {
      return this.#loadSchema(snap, true);
    } catch (e) {
      if (!(e instanceof StrataError)) throw e;
      throw new StrataError(
        "schema",
        `${e.message}; nothing was written (a broken schema cannot check the change)`,
        { cause: e },
      );
    }
  }

  /** Where the schema file is: `--schema`, else beside the defaults file, else in a defaults folder. */
  #schemaFile(snap: Snapshot, access: AccessOptions): string | undefined {
    const path = pathFor(this.#ctx.platform);
    if (typeof this.#schemaOption === "string") {
      return path.resolve(this.#ctx.cwd, this.#schemaOption);
    }
    const defaults = snap.layers.find((l) => l.name === "defaults");
    if (defaults?.file !== undefined && defaults.status !== "no-file") {
      return path.join(path.dirname(defaults.file), schemaFileName);
    }
    if (this.app === undefined || this.#defaults !== undefined) return undefined;
    return defaultsDirs(this.#ctx, this.app)
      .map((dir) => path.join(dir, schemaFileName))
      .find((file) => isFilePath(file, access));
  }

  /**
   * The schema, read again only when its file changed. `strict`: a broken
   * schema throws; otherwise it is reported once and left out.
   */
  #loadSchema(
    snap: Snapshot,
    strict: boolean,
    access: AccessOptions = {},
  ): LoadedSchema | undefined {
    const option = this.#schemaOption;
    try {
      if (option !== undefined && typeof option !== "string") {
        this.#schemaCache ??= { loaded: schemaFromValue(option) };
        for (const w of this.#schemaCache.loaded?.warnings ?? []) this.#warn(w);
        return this.#schemaCache.loaded;
      }
      const file = this.#schemaFile(snap, access);
      if (file === undefined) return undefined;
      const info = statPath(file, access);
      // Most applications ship no schema: one stat says so, no read is tried.
      if (info === undefined && typeof option !== "string") return undefined;
      // A file changed in the last seconds may change again unseen by its stamp (see file_layer.ts).
      const stamp = info && Date.now() - info.mtimeMs > 3000 ? info.stamp : undefined;
      const cached = this.#schemaCache;
      if (cached && cached.file === file && stamp !== undefined && cached.stamp === stamp) {
        return cached.loaded;
      }
      const loaded = loadSchemaFile(file, typeof option === "string", access);
      this.#schemaCache = { file, stamp, loaded };
      for (const w of loaded?.warnings ?? []) this.#warn(w);
      return loaded;
    } catch (e) {
      if (strict || !(e instanceof StrataError)) throw e;
      this.#warn(`${e.message}; the schema is not applied until it is mended`);
      return undefined;
    }
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
      if (this.#format === undefined && knownFormat(this.file) === undefined) {
        throw new StrataError(
          "usage",
          `${this.file} is not named .toml or .json, so strata does not know which format to ` +
            `write; nothing was written. To fix: name the format, --format toml or --format json`,
        );
      }
      return { file: this.file, exists: isFilePath(this.file), layer: "file" };
    }
    const name = layer ?? "user";
    const found = snap.layers.find((l) => l.name === name);
    if (!found?.located && found?.error) throw found.error;
    if (!found?.located) throw new StrataError("usage", `the ${name} layer cannot be written`);
    const refused = found.located.refused;
    if (refused) {
      throw new StrataError(
        "io",
        `${refused.problem}; nothing was written. To fix: ${refused.mend}`,
      );
    }
    return { file: found.located.file, exists: found.status !== "no-file", layer: name };
  }

  /** Runs an edit through the store's write protocol (loaded only now: reads never pay for it). */
  async #update(
    target: { file: string; layer: LayerName },
    edit: (
      current: string | undefined,
      file: string,
      info: { invalidUtf8?: boolean },
    ) => EditResult,
    acceptInvalidUtf8 = false,
  ): Promise<{ changed: boolean; backupId?: string }> {
    const { updateFile } = await import("./store/update_file.ts");
    const settings = this.#settings();
    const format = this.#formatOf(target.file);
    try {
      const result = await updateFile(
        target.file,
        (current, ctx) => edit(current, ctx.file, ctx.invalidUtf8 ? { invalidUtf8: true } : {}),
        {
          acceptInvalidUtf8,
          stateDir: this.stateDir,
          layer: target.layer,
          program: this.#program,
          keepBackups: settings.keep,
          lockTimeoutMs: this.#lockTimeoutMs ?? settings.timeout,
          staleLockMs: settings.stale,
          // The system layer is meant to be read by everyone (its secrets are sealed).
          ...(target.layer === "system" ? { mode: 0o644, folderMode: 0o755 } : {}),
          isValid: (text) => {
            try {
              parseValues(text, format);
              return true;
            } catch {
              return false;
            }
          },
        },
      );
      for (const w of result.warnings) this.#warn(w);
      return { changed: result.changed, backupId: result.backupId };
    } finally {
      this.#reads.delete(target.file);
    }
  }

  /**
   * Keeps the parsed values of a big file just written, so the next read
   * (often the next `set`'s) does not parse it again.
   */
  #cacheWritten(file: string, seen: Seen): void {
    const text = seen.doc?.toString();
    if (text === undefined || text.length < cacheMinLength) return;
    const doc = seen.doc!;
    const values = doc.toValue();
    writeCachedValues(this.stateDir, file, text, values, floatPaths(values, doc));
  }

  /** strata's own settings (backups kept, lock timings), from app `strata`'s configuration. */
  #settings(): { keep?: number; timeout?: number; stale?: number } {
    // Kept, so a long-lived Config re-reads strata's own files only when they change.
    const own = this.app === "strata" ? this : (this.#strataConfig ??= new Config({
      app: "strata",
      env: this.#ctx.env,
      cwd: this.#ctx.cwd,
      platform: this.#ctx.platform,
      home: this.#home,
    }));
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

/** `STRATA_STRICT`: on for `1`, `true`, `yes`, `on`; off when unset or `0`, `false`, `no`, `off`, empty. */
function strictFromEnv(value: string | undefined): boolean {
  const v = value?.trim().toLowerCase() ?? "";
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["", "0", "false", "no", "off"].includes(v)) return false;
  throw new StrataError(
    "usage",
    `STRATA_STRICT=${JSON.stringify(value)} is neither on nor off: set it to 1 (strict) or 0`,
  );
}

/** The process's working folder; a folder removed under it is a clear error, not a crash. */
function workingFolder(): string {
  try {
    return process.cwd();
  } catch (e) {
    throw new StrataError(
      "io",
      "the working folder no longer exists (it was removed or moved); cd to an existing folder and retry",
      { cause: e },
    );
  }
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

/**
 * `watchConfig`: reports every change of a configuration's effective values
 * under a key or prefix, as it happens on disk, by any writer.
 *
 * Every file that takes part (project, user, system, defaults, the single
 * file, the schema) is watched with {@link watchFile}, including files that
 * do not exist yet (a project file created in the working folder or a parent
 * later). On any content change the configuration is read again, strictly
 * (a file that does not parse is an error, never replaced by its backup), and
 * compared with the last good one, key by key. A file that does not parse is
 * reported through `onError` and the last good configuration is kept until a
 * later change; nothing is ever written.
 *
 * @module
 */

import type { Config } from "../config.ts";
import { StrataError } from "../errors.ts";
import { ParseError } from "../parse_error.ts";
import type { LayerName, Origin, Resolved } from "../layers/types.ts";
import { type FileWatch, watchFile } from "../runtime/watch/watch_file.ts";
import { sameValue } from "./_same_value.ts";

/** One key whose effective value changed. */
export interface ConfigChange {
  /** The key as dotted text. */
  key: string;
  /** The value before; undefined when the key was not set. */
  old?: unknown;
  /** The value now; undefined when the key was removed. */
  new?: unknown;
  /** The layer the value now comes from (the one it came from, when removed). */
  layer: LayerName;
  /** Where the value now comes from (where it came from, when removed): layer, file and line. */
  origin: Origin;
}

/** The configuration could not be read after a change; the last good one is kept. */
export interface WatchError {
  /** The error (a `StrataError`; code `parse` for a file that does not parse). */
  error: StrataError;
  /** What happened and where, for a person. */
  message: string;
  /** The file at fault, when known. */
  file?: string;
  /** 1-based line of the mistake, when known. */
  line?: number;
  /** 1-based column of the mistake, when known. */
  column?: number;
}

/** Options of {@link watchConfig} (and `Config.watch`). */
export interface ConfigWatchOptions {
  /**
   * Called when a change leaves the configuration unreadable (a half-written
   * file, a broken schema); the last good configuration is kept and the next
   * change is awaited. Each distinct error is reported once.
   */
  onError?: (error: WatchError) => void;
  /** The safety-net stat poll of each file, ms (default: `watchFile`'s, 2000). */
  pollMs?: number;
  /** How long a burst of writes must pause before it is read, ms (default: `watchFile`'s, 25). */
  debounceMs?: number;
}

/** A running watch: close it (or let `using` dispose of it) to stop. */
export interface ConfigWatch {
  /** The files watched now (absolute paths, some of which may not exist). */
  readonly files: readonly string[];
  /** Stops watching: no more calls, the process may exit. Closing twice does nothing. */
  close(): void;
  /** Same as {@link ConfigWatch.close}, for `using`. */
  [Symbol.dispose](): void;
}

/** What the watch needs from the configuration it watches. */
export interface WatchSource {
  /** Opens the same configuration again, in strict mode (a file that does not parse throws). */
  open(): Config;
  /** The working folder, where the search for a project file starts. */
  cwd: string;
  /** The schema file given explicitly, if any (absolute). */
  schemaFile?: string;
}

/**
 * Starts watching `config` for changes of the keys under `keyOrPrefix`
 * (everything when empty). `onChange` gets one call per key whose effective
 * value changed, in key order. The values when the watch starts are not
 * reported.
 *
 * @example
 * ```ts ignore
 * using watch = config.watch("db", (change) => console.log(change.key, change.new));
 * ```
 */
export function watchConfig(
  config: Config,
  source: WatchSource,
  keyOrPrefix: string,
  onChange: (change: ConfigChange) => void,
  options: ConfigWatchOptions = {},
): ConfigWatch {
  const prefix = keyOrPrefix === "" ? undefined : keyOrPrefix;
  const watches = new Map<string, FileWatch>();
  let closed = false;
  let lastError: string | undefined;

  const sync = (cfg: Config) => {
    const wanted = new Set(filesToWatch(cfg, config.app, source));
    for (const [file, watch] of watches) {
      if (!wanted.has(file)) {
        watch.close();
        watches.delete(file);
      }
    }
    for (const file of wanted) {
      if (watches.has(file)) continue;
      watches.set(
        file,
        watchFile(file, () => refresh(), {
          pollMs: options.pollMs,
          debounceMs: options.debounceMs,
        }),
      );
    }
  };

  const report = (error: unknown) => {
    if (!(error instanceof StrataError)) throw error;
    if (error.message === lastError) return;
    lastError = error.message;
    options.onError?.(describeError(error));
  };

  // Watch first, then read: a change in between is reported by the watch and
  // compares equal or not with what was read, so none is lost.
  let cfg = source.open();
  sync(cfg);
  let current = new Map<string, Resolved>();
  try {
    current = byKey(readStrict(cfg, prefix));
  } catch (e) {
    report(e);
    // The values a read gives now (a broken file's backup): the last good ones.
    try {
      current = byKey(config.list(prefix));
    } catch (inner) {
      if (!(inner instanceof StrataError)) throw inner;
    }
  }

  function refresh(): void {
    if (closed) return;
    cfg = source.open();
    let next: Map<string, Resolved> | undefined;
    try {
      next = byKey(readStrict(cfg, prefix));
    } catch (e) {
      report(e);
    }
    if (next !== undefined) {
      lastError = undefined;
      const changes = diff(current, next);
      current = next;
      for (const change of changes) {
        if (closed) break;
        onChange(change);
      }
    }
    if (!closed) sync(cfg);
  }

  const close = () => {
    if (closed) return;
    closed = true;
    for (const watch of watches.values()) watch.close();
    watches.clear();
  };
  return {
    get files() {
      return [...watches.keys()];
    },
    close,
    [Symbol.dispose]: close,
  };
}

/** The effective values under `prefix`; a broken schema or layer file throws. */
function readStrict(cfg: Config, prefix: string | undefined): Resolved[] {
  cfg.schema();
  return cfg.list(prefix);
}

function byKey(entries: Resolved[]): Map<string, Resolved> {
  return new Map(entries.map((e) => [e.key, e]));
}

/** One change per key whose value differs, sorted by key text. */
function diff(before: Map<string, Resolved>, after: Map<string, Resolved>): ConfigChange[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: ConfigChange[] = [];
  for (const key of keys) {
    const old = before.get(key);
    const now = after.get(key);
    if (old && now && sameValue(old.value, now.value)) continue;
    const origin = (now ?? old)!.origin;
    const change: ConfigChange = { key, layer: origin.layer, origin };
    if (old) change.old = old.value;
    if (now) change.new = now.value;
    changes.push(change);
  }
  return changes;
}

/** Where the mistake is: the first file, line and column along the error's causes. */
function describeError(error: StrataError): WatchError {
  const out: WatchError = { error, message: error.message };
  // Only a ParseError's fields: Bun gives every Error a `line` (the source line of the throw).
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (!(e instanceof ParseError)) continue;
    if (e.file !== undefined) out.file = e.file;
    out.line = e.line;
    out.column = e.column;
    break;
  }
  out.file ??= fileIn(error.message);
  return out;
}

/** The file a message starts with (`/a/config.toml:2:8: ...`), when it does. */
function fileIn(message: string): string | undefined {
  return /^(.+?):\d+:\d+: /.exec(message)?.[1];
}

/**
 * Every file whose change may change the configuration: each layer's file
 * and its other-format sibling (`config.json` beside `config.toml`), the
 * project file's every candidate from the working folder up, the schema.
 */
function filesToWatch(cfg: Config, app: string | undefined, source: WatchSource): string[] {
  const path = process.getBuiltinModule("node:path");
  const files: string[] = [];
  const withSibling = (file: string) => {
    files.push(file);
    const ext = path.extname(file);
    if (ext === ".toml") files.push(file.slice(0, -ext.length) + ".json");
    if (ext === ".json") files.push(file.slice(0, -ext.length) + ".toml");
  };
  const layers = cfg.layers();
  for (const layer of layers) {
    if (layer.file === undefined) continue;
    if (layer.layer === "file") files.push(layer.file);
    else withSibling(layer.file);
  }
  if (app !== undefined) {
    for (let dir = path.resolve(source.cwd);; dir = path.dirname(dir)) {
      withSibling(path.join(dir, `.${app}.toml`));
      if (path.dirname(dir) === dir) break;
    }
  }
  if (source.schemaFile !== undefined) files.push(source.schemaFile);
  const defaults = layers.find((l) => l.layer === "defaults")?.file;
  if (defaults !== undefined) files.push(path.join(path.dirname(defaults), "schema.json"));
  try {
    const schema = cfg.schema()?.file;
    if (schema !== undefined) files.push(schema);
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
  }
  return [...new Set(files)];
}

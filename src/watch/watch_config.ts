/**
 * `watchConfig`: reports every change of a configuration's effective values
 * under a key or prefix, as it happens on disk, by any writer.
 *
 * It is built on the change reports of the configuration's layer sources:
 * each file source watches, with {@link watchFile}, every place its file may
 * be (so also files that do not exist yet: a project file created in the
 * working folder or a parent later, a defaults folder that appears), the
 * schema's defaults watch the schema's. On any report the configuration is
 * read again, strictly
 * (a file that does not parse is an error, never replaced by its backup), and
 * compared with the last good one, key by key. A file that does not parse is
 * reported through `onError` and the last good configuration is kept until a
 * later change; nothing is ever written.
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import { ParseError } from "../parse_error.ts";
import type { FileWatcher, LayerSource } from "../layers/source.ts";
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
  /** The configuration's layer sources, top first: their change reports drive the watch. */
  sources: readonly LayerSource[];
  /**
   * The values under the prefix when the watch was asked for (read strictly),
   * if they could be read: a change between then and the start of the
   * watches is reported.
   */
  since?: Resolved[];
}

/**
 * Starts watching `config` for changes of the keys under `keyOrPrefix`
 * (everything when empty). `onChange` gets one call per key whose effective
 * value changed, in key order. The values when the watch starts (or, with
 * `source.since`, when it was asked for) are not reported.
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

  // One watch per file, whichever sources ask for it: each report re-reads everything.
  const watcher: FileWatcher = (file, changed) => {
    if (watches.has(file)) return { close: () => {} };
    const watch = watchFile(file, changed, {
      pollMs: options.pollMs,
      debounceMs: options.debounceMs,
    });
    watches.set(file, watch);
    return watch;
  };
  const reports = source.sources.flatMap((s) => s.watch ? [s.watch(() => refresh(), watcher)] : []);

  const report = (error: unknown) => {
    if (!(error instanceof StrataError)) throw error;
    if (error.message === lastError) return;
    lastError = error.message;
    options.onError?.(describeError(error));
  };

  // Watch first, then read: a change in between is reported by the watch and
  // compares equal or not with what was read, so none is lost.
  let current = new Map<string, Resolved>();
  if (source.since !== undefined) {
    // Read when the watch was asked for: what changed since is reported now.
    current = byKey(source.since);
    refresh();
  } else {
    try {
      current = byKey(readStrict(source.open(), prefix));
    } catch (e) {
      report(e);
      // The values a read gives now (a broken file's backup): the last good ones.
      try {
        current = byKey(config.list(prefix));
      } catch (inner) {
        if (!(inner instanceof StrataError)) throw inner;
      }
    }
  }

  function refresh(): void {
    if (closed) return;
    let next: Map<string, Resolved> | undefined;
    try {
      next = byKey(readStrict(source.open(), prefix));
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
  }

  const close = () => {
    if (closed) return;
    closed = true;
    for (const r of reports) r.close();
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

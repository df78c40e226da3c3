/**
 * Reading layer files for the sources of one configuration: each file's
 * last read is kept and reused while the file is unchanged (one stat), what
 * a one-shot command read ahead is used first, and each warning of a read
 * (a file replaced by its backup, a `.toml` beside a `.json`) goes to the
 * configuration's warnings.
 *
 * @module
 */

import { type FileRead, readFileLayer } from "../layers/file_layer.ts";
import { fileLayer } from "../layers/build_layers.ts";
import type { Layer, LayerName } from "../layers/types.ts";
import type { Mend } from "../layers/edits.ts";
import type { FileProbe, LocatedFile } from "../platform/locate.ts";
import type { FileFormat } from "../platform/paths.ts";
import { cacheFileOf, cacheMinLength, writeCachedValues } from "../layers/parse_cache.ts";
import { type ConfigDocument, floatPaths, viewValues } from "../layers/document.ts";
import { type AccessOptions, prefetchFiles, type PrefetchMap, probePath } from "../runtime/fs.ts";
import type { FileReader } from "./sources.ts";

/** What the reader needs from its configuration. */
export interface ReaderSetting {
  /** A file's format (the one given for the single file, else its extension's). */
  formatOf(file: string): FileFormat;
  /** The state folder for a read (backups, parse cache); undefined without a home. */
  stateDir(): string | undefined;
  /** The commands that mend a writable layer's file, for messages. */
  mend(layer: LayerName): Mend;
  /** Reports a warning once. */
  warn(message: string): void;
  /** Strict mode: a file that does not parse fails instead of falling back to its backup. */
  strict: boolean;
  /** Whether a layer's file is about to be edited (read it as a document: `ReadFileOptions.asDocument`). */
  editing(layer: LayerName): boolean;
}

/** The layer files of one configuration, as last read. */
export class LayerFileReader implements FileReader {
  #setting: ReaderSetting;
  #reads = new Map<string, FileRead>();
  /**
   * What `Config.prefetch` read ahead: used by the snapshots taken in the
   * synchronous run of the first one, then dropped (later reads use
   * node:fs and see every change).
   */
  prefetched?: PrefetchMap;

  /** A reader for one configuration. */
  constructor(setting: ReaderSetting) {
    this.#setting = setting;
  }

  /** How a read may use what was read ahead. */
  access(): AccessOptions {
    return { prefetched: this.prefetched };
  }

  /** Whether a file is there, and its type and owner. */
  probe(): FileProbe {
    const access = this.access();
    return (file) => {
      const found = probePath(file, access);
      if (found === undefined) return false;
      return found === "unknown" || { type: found.type, uid: found.uid };
    };
  }

  /** Reads (or reuses, when unchanged) one layer file. */
  read(name: LayerName, located: LocatedFile, writable: boolean): Layer {
    const s = this.#setting;
    for (const w of located.warnings) s.warn(w);
    const file = located.file;
    const state = s.stateDir();
    const read = readFileLayer(file, s.formatOf(file), {
      stateDir: writable ? state : undefined,
      mend: writable ? s.mend(name) : undefined,
      previous: this.#reads.get(file),
      prefetched: this.prefetched,
      cacheDir: state,
      strict: s.strict,
      asDocument: writable && s.editing(name),
    });
    this.#reads.set(file, read);
    if (read.warning) s.warn(read.warning);
    return fileLayer(name, located, read, writable);
  }

  /**
   * Reads `paths` ahead with the runtime's asynchronous calls (and the parse
   * cache of each big one), for the snapshots of the current synchronous run.
   */
  async readAhead(paths: string[]): Promise<void> {
    const ahead = await prefetchFiles(paths);
    // A big file's values are read from its parse cache: read that ahead too.
    const state = this.#setting.stateDir();
    const caches: string[] = [];
    if (state !== undefined) {
      for (const [file, found] of ahead) {
        const read = found.read;
        if (read instanceof Uint8Array && read.length >= cacheMinLength) {
          caches.push(cacheFileOf(state, file));
        }
      }
    }
    this.prefetched = caches.length ? await prefetchFiles(caches, ahead) : ahead;
  }

  /**
   * Keeps the parsed values of a big file just written (`doc`), so the next
   * read (often the next `set`'s) does not parse it again.
   */
  keepWritten(stateDir: string, file: string, doc: ConfigDocument | undefined): void {
    const text = doc?.toString();
    if (doc === undefined || text === undefined || text.length < cacheMinLength) return;
    const values = viewValues(doc);
    writeCachedValues(stateDir, file, text, values, floatPaths(values, doc));
  }

  /** Forgets a file's last read (it was just written). */
  forget(file: string): void {
    this.#reads.delete(file);
  }
}

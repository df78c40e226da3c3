/**
 * Finding and loading the application's schema: `--schema` (a path or a
 * value), else `schema.json` beside the defaults file, else in the first
 * defaults folder holding one. Read again only when its file changed.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import type { Layer } from "../layers/types.ts";
import { defaultsDirs, pathFor, type PlatformContext } from "../platform/paths.ts";
import { type AccessOptions, isFilePath, statPath } from "../runtime/fs.ts";
import {
  type LoadedSchema,
  loadSchemaFile,
  schemaFileName,
  schemaFromValue,
} from "../schema/load_schema.ts";

/** The schema of one configuration, with the last one read. */
export class SchemaFinder {
  #ctx: PlatformContext;
  #app?: string;
  #option?: string | Record<string, unknown>;
  #defaultsGiven: boolean;
  #warn: (message: string) => void;
  #cache?: { file?: string; stamp?: string; loaded?: LoadedSchema };

  /** `warn` receives each warning of a schema read (the caller reports each once). */
  constructor(
    ctx: PlatformContext,
    app: string | undefined,
    option: string | Record<string, unknown> | undefined,
    defaultsGiven: boolean,
    warn: (message: string) => void,
  ) {
    this.#ctx = ctx;
    this.#app = app;
    this.#option = option;
    this.#defaultsGiven = defaultsGiven;
    this.#warn = warn;
  }

  /** Where the schema file is: `--schema`, else beside the defaults file, else in a defaults folder. */
  file(defaults: Layer | undefined, access: AccessOptions = {}): string | undefined {
    const path = pathFor(this.#ctx.platform);
    if (typeof this.#option === "string") return path.resolve(this.#ctx.cwd, this.#option);
    if (defaults?.file !== undefined && defaults.status !== "no-file") {
      return path.join(path.dirname(defaults.file), schemaFileName);
    }
    if (this.#app === undefined || this.#defaultsGiven) return undefined;
    return defaultsDirs(this.#ctx, this.#app)
      .map((dir) => path.join(dir, schemaFileName))
      .find((file) => isFilePath(file, access));
  }

  /**
   * The schema, read again only when its file changed. `strict`: a broken
   * schema throws; otherwise it is reported once and left out.
   */
  load(
    defaults: Layer | undefined,
    strict: boolean,
    access: AccessOptions = {},
  ): LoadedSchema | undefined {
    const option = this.#option;
    try {
      if (option !== undefined && typeof option !== "string") {
        this.#cache ??= { loaded: schemaFromValue(option) };
        return this.#cache.loaded;
      }
      const file = this.file(defaults, access);
      if (file === undefined) return undefined;
      const info = statPath(file, access);
      // Most applications ship no schema: one stat says so, no read is tried.
      if (info === undefined && typeof option !== "string") return undefined;
      // A file changed in the last seconds may change again unseen by its stamp (see file_layer.ts).
      const stamp = info && Date.now() - info.mtimeMs > 3000 ? info.stamp : undefined;
      const cached = this.#cache;
      if (cached && cached.file === file && stamp !== undefined && cached.stamp === stamp) {
        return cached.loaded;
      }
      const loaded = loadSchemaFile(file, typeof option === "string", access);
      this.#cache = { file, stamp, loaded };
      return loaded;
    } catch (e) {
      if (strict || !(e instanceof StrataError)) throw e;
      this.#warn(`${e.message}; the schema is not applied until it is mended`);
      return undefined;
    }
  }

  /** The schema a write must satisfy: a broken one refuses the write (it cannot check it). */
  forWrite(defaults: Layer | undefined): LoadedSchema | undefined {
    try {
      return this.load(defaults, true);
    } catch (e) {
      if (!(e instanceof StrataError)) throw e;
      throw new StrataError(
        "schema",
        `${e.message}; nothing was written (a broken schema cannot check the change)`,
        { cause: e },
      );
    }
  }
}

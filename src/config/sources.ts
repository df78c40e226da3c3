/**
 * The layer sources of a configuration and their order. The order is data:
 * {@link appLayerOrder} (top first) is the whole waterfall of an
 * application; a new layer is a new source put at its place in that list.
 * Each source locates its file (or takes its values) and reads it through
 * the {@link FileReader} its configuration owns (which keeps what it read
 * and re-reads only a file that changed).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { mapEnvironment } from "../layers/env.ts";
import type { OverrideLayer } from "../layers/overrides.ts";
import type { FileWatcher, LayerSource, SourceWatch } from "../layers/source.ts";
import {
  builtinDefaultsLayer,
  envLayer,
  homelessLayer,
  missingDefaultsLayer,
  overrideLayer,
  schemaDefaultsLayer,
  valueDefaultsLayer,
} from "../layers/build_layers.ts";
import type { Layer, LayerName } from "../layers/types.ts";
import { HomeMissingError, homeNeeded } from "../platform/home.ts";
import { readSnapshotHeader, remoteOrigin } from "../remote/snapshot_header.ts";
import {
  type FileProbe,
  locateDefaults,
  type LocatedFile,
  locateProject,
  locateShared,
  locateSystem,
  locateUser,
} from "../platform/locate.ts";
import {
  defaultsDirs,
  type FileFormat,
  formatOf,
  pathFor,
  type PlatformContext,
  projectBaseName,
  projectDirs,
  systemConfigDirs,
  userConfigDir,
} from "../platform/paths.ts";
import { schemaFileName } from "../schema/load_schema.ts";
import { fileHistory, fileVersions, writeLayerFile } from "./write_file.ts";

/** The layers of an application's configuration, top first (`--file` mode: see {@link fileModeOrder}). */
export const appLayerOrder: readonly LayerName[] = [
  "command-line",
  "environment",
  "project",
  "user",
  "shared",
  "system",
  "defaults",
  "schema-defaults",
];

/** The layers of single-file mode, top first. */
export const fileModeOrder: readonly LayerName[] = [
  "command-line",
  "file",
  "defaults",
  "schema-defaults",
];

/** What the sources of one configuration share: where they are, and how a file is read. */
export interface SourceSetting {
  /** The platform: its environment, working folder, home. */
  ctx: PlatformContext;
  /** The application (absent in single-file mode). */
  app?: string;
  /** The one file of single-file mode. */
  file?: string;
  /** Its format, when given (else its extension's). */
  fileFormat?: FileFormat;
  /** The defaults given: a path or a value. */
  defaults?: string | Record<string, unknown>;
  /** The schema given as a path, if it is one (watched). */
  schemaFile?: string;
  /** The `--set` items. */
  overrides: OverrideLayer;
  /** Reads (or reuses) one layer file. */
  reader: FileReader;
}

/** Reads layer files for the sources (see `config/config.ts`). */
export interface FileReader {
  /** Reads (or reuses, when unchanged) one layer file into a layer. */
  read(name: LayerName, located: LocatedFile, writable: boolean): Layer;
  /** Whether a file is there (from what was read ahead when it was). */
  probe(): FileProbe;
}

/** The sources of a configuration, top first, in the order the names give. */
export function layerSources(setting: SourceSetting): LayerSource[] {
  const order = setting.file !== undefined ? fileModeOrder : appLayerOrder;
  return order.map((name) => sourceOf(name, setting));
}

function sourceOf(name: LayerName, s: SourceSetting): LayerSource {
  const p = pathFor(s.ctx.platform);
  const pair = (dir: string, base: string) => [
    p.join(dir, `${base}.toml`),
    p.join(dir, `${base}.json`),
  ];
  switch (name) {
    case "command-line":
      return { name, read: () => overrideLayer(s.overrides) };
    case "environment":
      return {
        name,
        read: (ctx) => {
          const known: Record<string, unknown>[] = [];
          let schemaKeys: Record<string, unknown> | undefined;
          for (const l of ctx.below()) {
            if (l.values) known.push(l.values);
            if (l.name === "schema-defaults") schemaKeys = (l as { keys?: typeof schemaKeys }).keys;
          }
          if (schemaKeys) known.push(schemaKeys);
          const env = mapEnvironment(s.ctx.env, s.app!, known, {
            ignoreCase: s.ctx.platform === "win32",
          });
          return envLayer(env);
        },
      };
    case "project":
      return fileSource(
        name,
        s,
        (probe) => locateProject(s.ctx, s.app!, probe),
        () => projectDirs(s.ctx).flatMap((d) => pair(d, projectBaseName(s.app!))),
      );
    case "user":
      return fileSource(
        name,
        s,
        (probe) => locateUser(s.ctx, s.app!, probe),
        () => pair(userConfigDir(s.ctx, s.app!), "config"),
      );
    case "shared":
      return sharedSource(s);
    case "system":
      return fileSource(
        name,
        s,
        (probe) => locateSystem(s.ctx, s.app!, probe),
        () => systemConfigDirs(s.ctx, s.app!).flatMap((d) => pair(d, "config")),
      );
    case "file":
      return fileSource(name, s, (probe) => ({
        file: s.file!,
        exists: probe(s.file!) !== false,
        format: s.fileFormat ?? formatOf(s.file!),
        warnings: [],
      }), () => [s.file!]);
    case "defaults":
      return defaultsSource(s, pair);
    case "schema-defaults":
      return {
        name,
        read: (ctx) => {
          const loaded = ctx.schema();
          return loaded && schemaDefaultsLayer(loaded);
        },
        watch: (onChange, watchFile) => watchAll(schemaCandidates(s), onChange, watchFile),
      };
    default:
      throw new Error(`no source for the ${name} layer`);
  }
}

/** A layer held in one file strata may write. */
function fileSource(
  name: LayerName,
  s: SourceSetting,
  locate: (probe: FileProbe) => LocatedFile,
  candidates: () => string[],
): LayerSource {
  return {
    name,
    read: () => {
      let located: LocatedFile;
      try {
        located = locate(s.reader.probe());
      } catch (e) {
        // The user layer's folder is under a home that is missing: absent, saying what to set.
        if (!(e instanceof HomeMissingError) || name !== "user") throw e;
        return homelessLayer(name, homeNeeded(s.ctx.platform, "user", e));
      }
      return s.reader.read(name, located, true);
    },
    write: (target, edit, settings) => writeLayerFile(name, target, edit, settings),
    versions: (stateDir) => fileVersions(stateDir, locate(s.reader.probe()).file),
    history: (stateDir) => fileHistory(stateDir, locate(s.reader.probe()).file),
    watch: (onChange, watchFile) => {
      let files: string[];
      try {
        files = candidates();
      } catch (e) {
        if (!(e instanceof HomeMissingError)) throw e;
        files = [];
      }
      return watchAll(files, onChange, watchFile);
    },
  };
}

/**
 * The shared layer: the local snapshot of a scope on a PostgreSQL server
 * (`shared.toml` beside the user file), read like a file layer. It is
 * written only by `strata remote` and `set --shared` (src/remote/), never
 * through the config's own writes. Not there at all (not listed by `paths`
 * or `explain`) until a first sync writes the snapshot, and without a home.
 */
function sharedSource(s: SourceSetting): LayerSource {
  const where = () => locateShared(s.ctx, s.app!, s.reader.probe());
  return {
    name: "shared",
    read: () => {
      try {
        const located = where();
        return located.exists ? namedRemote(s.reader.read("shared", located, false)) : undefined;
      } catch (e) {
        if (e instanceof HomeMissingError) return undefined;
        throw e;
      }
    },
    // The snapshot's backups and journal, kept by the write protocol like any layer file's.
    versions: (stateDir) => fileVersions(stateDir, where().file),
    history: (stateDir) => fileHistory(stateDir, where().file),
    watch: (onChange, watchFile) => {
      let files: string[];
      try {
        files = [where().file];
      } catch (e) {
        if (!(e instanceof HomeMissingError)) throw e;
        files = [];
      }
      return watchAll(files, onChange, watchFile);
    },
  };
}

/**
 * The shared layer with each origin naming the scope and server its
 * snapshot copies (from the snapshot's header, read once, when first asked).
 */
function namedRemote(layer: Layer): Layer {
  let remote: string | undefined | null = null;
  const named = () => {
    if (remote === null) {
      const text = layer.read?.document()?.toString();
      remote = text === undefined ? undefined : remoteOrigin(readSnapshotHeader(text));
    }
    return remote;
  };
  return {
    ...layer,
    origin: (p) => {
      const o = layer.origin(p);
      const name = named();
      return name === undefined ? o : { ...o, remote: name };
    },
  };
}

/** The application's read-only defaults: given (a path or a value), shipped, or strata's own. */
function defaultsSource(
  s: SourceSetting,
  pair: (dir: string, base: string) => string[],
): LayerSource {
  const p = pathFor(s.ctx.platform);
  const given = s.defaults;
  const file = typeof given === "string" ? p.resolve(s.ctx.cwd, given) : undefined;
  return {
    name: "defaults",
    read: () => {
      if (file !== undefined) {
        const located: LocatedFile = { file, exists: true, format: formatOf(file), warnings: [] };
        const layer = s.reader.read("defaults", located, false);
        if (layer.status === "no-file") {
          layer.status = "unreadable";
          layer.error = new StrataError(
            "io",
            `the defaults file ${file} does not exist. To fix: check the --defaults path`,
          );
        }
        return layer;
      }
      if (given !== undefined) return valueDefaultsLayer(given as Record<string, unknown>);
      if (s.app === undefined) return undefined;
      const located = locateDefaults(s.ctx, s.app, s.reader.probe());
      if (located) return s.reader.read("defaults", located, false);
      if (s.app === "strata") return builtinDefaultsLayer();
      return missingDefaultsLayer(p.join(defaultsDirs(s.ctx, s.app)[0], "defaults.toml"));
    },
    watch: (onChange, watchFile) => {
      const files = file !== undefined
        ? [file]
        : given === undefined && s.app !== undefined
        ? defaultsDirs(s.ctx, s.app).flatMap((d) => pair(d, "defaults"))
        : [];
      return watchAll(files, onChange, watchFile);
    },
  };
}

/** Where the schema file may be: given, beside the defaults file given, or in a defaults folder. */
function schemaCandidates(s: SourceSetting): string[] {
  const p = pathFor(s.ctx.platform);
  if (s.schemaFile !== undefined) return [s.schemaFile];
  if (typeof s.defaults === "string") {
    return [p.join(p.dirname(p.resolve(s.ctx.cwd, s.defaults)), schemaFileName)];
  }
  if (s.defaults !== undefined || s.app === undefined) return [];
  return defaultsDirs(s.ctx, s.app).map((d) => p.join(d, schemaFileName));
}

function watchAll(files: string[], onChange: () => void, watchFile: FileWatcher): SourceWatch {
  const watches = [...new Set(files)].map((f) => watchFile(f, onChange));
  return {
    files,
    close: () => {
      for (const w of watches) w.close();
    },
  };
}

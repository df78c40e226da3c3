/**
 * Builds the resolver's {@link Layer}s from what was read: a layer file,
 * defaults given as a value, strata's built-in defaults, a missing defaults
 * file, the `--set` items and the environment. Each knows the origin and the
 * stored kind of its values.
 *
 * @module
 */

import type { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";
import type { LocatedFile } from "../platform/locate.ts";
import { typeOfValue } from "../codec/value.ts";
import { builtinDefaultsName, strataDefaultsText } from "./builtin_defaults.ts";
import { type ConfigDocument, parseDocument, parseValues } from "./document.ts";
import type { EnvLayer } from "./env.ts";
import type { FileRead } from "./file_layer.ts";
import { lookup } from "./merge.ts";
import type { OverrideLayer } from "./overrides.ts";
import type { LoadedSchema } from "../schema/load_schema.ts";
import { schemaDefaults } from "../schema/schema_defaults.ts";
import type { Layer, LayerName, Origin } from "./types.ts";

const kindNames = {
  string: "string",
  int: "integer",
  float: "float",
  bool: "boolean",
  date: "local-date",
} as const;

/**
 * The TOML kind of a plain value. A whole JavaScript number cannot tell
 * `1` from `1.0`, so `exact` (the file's own reading) decides when given.
 */
function kindFromValue(
  value: unknown,
  exact?: () => { kindOf(path: string[]): string | undefined } | undefined,
  path?: string[],
): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && exact && path) {
    return exact()?.kindOf(path) ?? "integer";
  }
  const t = typeOfValue(value);
  if (t === undefined) return undefined;
  if (t === "json") return Array.isArray(value) ? "array" : "table";
  return kindNames[t];
}

function startsWith(p: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= p.length && prefix.every((s, i) => p[i] === s);
}

/** A layer file as read: origins name the file (or the backup used) and the key's line. */
export function fileLayer(
  name: LayerName,
  located: LocatedFile,
  read: FileRead,
  writable: boolean,
): Layer {
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

/** Defaults a program gave as a value. */
export function valueDefaultsLayer(values: Record<string, unknown>): Layer {
  return {
    name: "defaults",
    writable: false,
    status: "ok",
    values,
    textual: false,
    label: "the program's defaults",
    origin: () => ({ layer: "defaults" }),
    kindOf: (p) => {
      const found = lookup(values, p);
      return found.found ? kindFromValue(found.value) : undefined;
    },
  };
}

/** strata's own defaults, built into the binary (`defaults/strata.toml`). */
export function builtinDefaultsLayer(): Layer {
  const { values } = parseValues(strataDefaultsText, "toml");
  let doc: ConfigDocument | undefined;
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

/** No defaults shipped: the layer is still shown (explain, paths) where it would be. */
export function missingDefaultsLayer(file: string): Layer {
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

/**
 * The schema's `default`s, below the application's defaults: origins name
 * the schema file and the JSON pointer of the `default`.
 */
export function schemaDefaultsLayer(
  loaded: LoadedSchema,
): Layer & { keys: Record<string, unknown> } {
  const { values, pointers, keys } = schemaDefaults(loaded.schema);
  const where = loaded.file ?? "the program's schema";
  return {
    name: "schema-defaults",
    ...(loaded.file === undefined ? {} : { file: loaded.file }),
    keys,
    writable: false,
    status: "ok",
    values,
    textual: false,
    label: `schema defaults ${where}`,
    origin: (p) => {
      const o: Origin = { layer: "schema-defaults" };
      if (loaded.file !== undefined) o.file = loaded.file;
      // A table's origin: the first default under it.
      const key = p.join("\0");
      const pointer = pointers.get(key) ??
        [...pointers].find(([k]) => p.length === 0 || k.startsWith(key + "\0"))?.[1];
      if (pointer !== undefined) o.pointer = pointer;
      return o;
    },
    kindOf: (p) => {
      const found = lookup(values, p);
      return found.found ? kindFromValue(found.value) : undefined;
    },
  };
}

/** The `--set` items: origins name the (last) item that set a key. */
export function overrideLayer(o: OverrideLayer): Layer {
  return textualLayer("command-line", "command line", o.values, (p) => {
    const key = formatKey(p);
    const entry = [...o.entries].reverse().find((e) =>
      formatKey(e.path) === key || startsWith(e.path, p)
    );
    return entry ? { layer: "command-line", arg: entry.arg } : { layer: "command-line" };
  });
}

/** The environment: origins name the variable. */
export function envLayer(env: EnvLayer): Layer {
  const layer = textualLayer("environment", "environment", env.values, (p) => {
    const key = formatKey(p);
    const entry = env.entries.find((e) => formatKey(e.path) === key) ??
      env.entries.find((e) => startsWith(e.path, p));
    return entry ? { layer: "environment", env: entry.name } : { layer: "environment" };
  });
  layer.env = env;
  return layer;
}

/** A layer of text from a person (`--set`, the environment): read-only, typed on the way out. */
function textualLayer(
  name: "command-line" | "environment",
  label: string,
  values: Record<string, unknown>,
  origin: (path: string[]) => Origin,
): Layer {
  return {
    name,
    writable: false,
    status: "ok",
    values,
    textual: true,
    label,
    origin,
    kindOf: () => undefined,
  };
}

/**
 * A file layer with no place on this machine (its folder is under a home
 * that is missing): absent for reads; `error` says what to set, and is what
 * a write to it throws.
 */
export function homelessLayer(name: LayerName, error: StrataError): Layer {
  return {
    name,
    writable: false,
    status: "no-file",
    error,
    textual: false,
    label: `${name} (no folder)`,
    origin: () => ({ layer: name }),
    kindOf: () => undefined,
  };
}

/**
 * The environment layer: `<APP>_<KEY>` variables. The app name is upper-cased
 * with `-` and `.` turned into `_`; `__` separates nesting levels
 * (`DEMO_DB__HOST` is `db.host` for app `demo`). Each segment matches a key
 * known from another layer case-insensitively (and with `-`, `.` and spaces
 * of the known key read as `_`, since variable names cannot hold them), so
 * `DEMO_DATABASE__HOST` finds `Database.Host`; a segment that matches no
 * known key is taken in lower case.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { MAX_DEPTH } from "../max_depth.ts";
import { isTable } from "../is_table.ts";
import { formatKey } from "../keys.ts";
import { assignPath } from "./merge.ts";

/**
 * Variables that are never configuration: `STRATA_APP` names the app for
 * the `strata` command itself, so it is not the key `app` of app `strata`;
 * `STRATA_IDENTITY`, `STRATA_IDENTITY_FILE` and `STRATA_KEYCHAIN` say where
 * the identity that opens sealed values is.
 */
export const reservedVariables: readonly string[] = [
  "STRATA_APP",
  "STRATA_IDENTITY",
  "STRATA_IDENTITY_FILE",
  "STRATA_KEYCHAIN",
];

/**
 * The variable prefix of an app: `my-app.v2` -> `MY_APP_V2_`.
 *
 * @example
 * ```ts
 * import { envPrefix } from "./env.ts";
 * console.assert(envPrefix("my-app.v2") === "MY_APP_V2_");
 * ```
 */
export function envPrefix(app: string): string {
  return app.toUpperCase().replaceAll("-", "_").replaceAll(".", "_") + "_";
}

/** One variable mapped to a key. */
export interface EnvEntry {
  /** The variable's name. */
  name: string;
  /** The key it sets. */
  path: string[];
  /** Its text (converted to the key's type later). */
  text: string;
  /** False when no other layer knows the key (likely a typo): reported. */
  known: boolean;
}

/** The environment layer's values and where each came from. */
export interface EnvLayer {
  /** Values as text, nested by key. */
  values: Record<string, unknown>;
  /** Every variable that was read, in name order. */
  entries: EnvEntry[];
  /** Variables that start with the prefix but name no key (`DEMO_`, `DEMO_A____B`). */
  invalid: string[];
}

function normal(segment: string): string {
  return segment.toUpperCase().replaceAll("-", "_").replaceAll(".", "_").replaceAll(" ", "_");
}

/** Finds the spelling of `segment` among the keys of the known tables. */
function matchSegment(segment: string, tables: Record<string, unknown>[]): string | undefined {
  const lower = segment.toLowerCase();
  let first: string | undefined;
  for (const t of tables) {
    if (Object.prototype.hasOwnProperty.call(t, lower)) return lower;
    if (first !== undefined) continue;
    for (const k of Object.keys(t)) {
      if (normal(k) === segment.toUpperCase()) {
        first = k;
        break;
      }
    }
  }
  return first;
}

/**
 * Maps the variables of `env` that start with the app's prefix to keys,
 * matching against `known` (the other layers' values, top first).
 *
 * @example
 * ```ts
 * import { mapEnvironment } from "./env.ts";
 * const layer = mapEnvironment({ DEMO_DB__HOST: "h", DEMO_PORT: "1" }, "demo", [{ DB: { Host: "x" } }]);
 * console.assert(JSON.stringify(layer.values) === '{"DB":{"Host":"h"},"port":"1"}');
 * console.assert(layer.entries.find((e) => e.name === "DEMO_PORT")?.known === false);
 * ```
 */
export function mapEnvironment(
  env: Record<string, string | undefined>,
  app: string,
  known: Record<string, unknown>[],
  options: { ignoreCase?: boolean } = {},
): EnvLayer {
  const prefix = envPrefix(app);
  const values: Record<string, unknown> = {};
  const entries: EnvEntry[] = [];
  const invalid: string[] = [];
  // Windows variable names are case-insensitive: `Demo_Port` is `DEMO_PORT` there.
  const norm = (n: string) => (options.ignoreCase ? n.toUpperCase() : n);
  const names = Object.keys(env).filter((n) =>
    norm(n).startsWith(prefix) && env[n] !== undefined && !reservedVariables.includes(norm(n))
  ).sort();
  for (const name of names) {
    const segments = name.slice(prefix.length).split("__");
    if (segments.some((s) => s === "") || segments.length > MAX_DEPTH) {
      invalid.push(name);
      continue;
    }
    let tables = known;
    let isKnown = true;
    const path: string[] = [];
    for (const segment of segments) {
      const spelled = isKnown ? matchSegment(segment, tables) : undefined;
      if (spelled === undefined) {
        isKnown = false;
        path.push(segment.toLowerCase());
        continue;
      }
      path.push(spelled);
      tables = tables
        .map((t) => Object.prototype.hasOwnProperty.call(t, spelled) ? t[spelled] : undefined)
        .filter(isTable);
    }
    const text = env[name]!;
    entries.push({ name, path, text, known: isKnown });
    assignPath(values, path, text);
  }
  return { values, entries, invalid };
}

/**
 * One line per variable a person should look at: those that match no known
 * key (a typo is otherwise invisible) and those that name no key at all.
 */
export function envWarnings(layer: EnvLayer): string[] {
  return [
    ...layer.entries.filter((e) => !e.known).map((e) =>
      `${clipText(e.name)} matches no key known from another layer (read as ${
        clipText(formatKey(e.path))
      }); check its spelling`
    ),
    ...layer.invalid.map((n) =>
      `${clipText(n)} names no key (${
        n.split("__").length > MAX_DEPTH
          ? `more than ${MAX_DEPTH} levels of "__"`
          : 'empty part between "__"'
      }); it is ignored: rename or unset it`
    ),
  ];
}

/**
 * The variable that sets `path` for `app`: what `explain` tells a person to
 * use. Each segment is upper-cased with `-`, `.` and spaces as `_`.
 *
 * @example
 * ```ts
 * import { envVariableFor } from "./env.ts";
 * console.assert(envVariableFor("demo", ["db", "max-conn"]) === "DEMO_DB__MAX_CONN");
 * ```
 */
export function envVariableFor(app: string, path: readonly string[]): string {
  return envPrefix(app) + path.map(normal).join("__");
}

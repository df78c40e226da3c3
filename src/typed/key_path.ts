/**
 * Types only: the dotted keys of a configuration type `T` and the type of
 * the value at each, so `openConfig<T>()` gives `get("db.port")` the type
 * `T` declares and refuses a path `T` does not have, at compile time.
 *
 * A key is written as {@link formatKey} writes it: segments joined by `.`,
 * a segment holding a `.`, a space or a quote in double quotes
 * (`servers."eu.west".port`). Tables (plain objects) are walked into;
 * arrays, dates and `TomlDateTime` are values. An index signature
 * (`Record<string, Server>`) admits any segment at its place, and a value
 * typed `unknown` admits any path below it, typed `unknown`.
 *
 * The types say what the program expects, not what the files hold: a
 * schema (see `OpenOptions.schema`) and defaults make them true at run
 * time; `strata types` writes `T` from the schema.
 *
 * @module
 */

import type { TomlDateTime } from "../toml/datetime.ts";

/** A configuration type with no declared shape: every key is a `string`, every value `unknown`. */
export type Untyped = Record<string, unknown>;

/** Values a path does not walk into. */
export type KeyLeaf = readonly unknown[] | Date | TomlDateTime | ((...args: never[]) => unknown);

/** How one segment is written in a dotted key. */
export type KeySegment<K extends string> = string extends K ? string
  : K extends "" | `${string}${"." | " " | '"' | "\\"}${string}` ? `"${K}"`
  : K;

/** Puts `P.` before every key of `E`; `U` is `undefined` when a table on the way is optional. */
export type KeysUnder<P extends string, E, U> = E extends
  { key: infer K extends string; value: infer V } ? { key: `${P}.${K}`; value: V | U }
  : never;

/** The entries below a value of type `V` reached by the key `P`. */
export type KeysBelow<P extends string, V, D extends unknown[]> = unknown extends V
  ? { key: `${P}.${string}`; value: unknown }
  : NonNullable<V> extends KeyLeaf ? never
  : NonNullable<V> extends object
    ? KeysUnder<P, Entries<NonNullable<V>, D>, undefined extends V ? undefined : never>
  : never;

/** Every key of `T` (tables included) with its value's type, eight tables deep at most. */
export type Entries<T, D extends unknown[] = []> = D["length"] extends 8 ? never : {
  [K in keyof T & string]-?:
    | { key: KeySegment<K>; value: T[K] }
    | KeysBelow<KeySegment<K>, T[K], [...D, unknown]>;
}[keyof T & string];

/**
 * The dotted keys of `T`: `"db" | "db.port" | ...`, or any `string` when
 * `T` declares no shape.
 *
 * @example
 * ```ts
 * import type { ConfigKey } from "./key_path.ts";
 * type App = { db: { host: string; port: number }; "log.level"?: string };
 * const keys: ConfigKey<App>[] = ["db", "db.host", "db.port", '"log.level"'];
 * console.assert(keys.length === 4);
 * ```
 */
export type ConfigKey<T> = IsUntyped<T> extends true ? string : Entries<T>["key"];

/**
 * The type of the value at key `K` of `T` (`unknown` when `T` declares no shape).
 *
 * @example
 * ```ts
 * import type { ValueAt } from "./key_path.ts";
 * type App = { db: { host: string; port: number }; tags?: string[] };
 * const port: ValueAt<App, "db.port"> = 5432;
 * const tags: ValueAt<App, "tags"> = undefined;
 * console.assert(port === 5432 && tags === undefined);
 * ```
 */
export type ValueAt<T, K extends string> = IsUntyped<T> extends true ? unknown
  : KeyWalk<T, KeySplit<K>>;

/** A dotted key's first segment (unquoted) and the rest. */
export type KeySplit<K extends string> = K extends `"${infer Q}".${infer R}` ? [Q, R]
  : K extends `"${infer Q}"` ? [Q, never]
  : K extends `${infer H}.${infer R}` ? [H, R]
  : [K, never];

/** The table entry named `H`, or the index signature's value. */
export type KeyField<T, H extends string> = H extends keyof T ? T[H]
  : string extends keyof T ? T[string & keyof T]
  : never;

/** Follows the split key `S` into `T`; `undefined` joins when a table on the way may be absent. */
export type KeyWalk<T, S extends [string, string]> = [S[1]] extends [never] ? KeyField<T, S[0]>
  : KeyField<T, S[0]> extends infer V ? unknown extends V ? unknown
    :
      | ValueAt<NonNullable<V>, S[1]>
      | (undefined extends V ? undefined : never)
  : never;

/** Whether `T` declares no shape (`unknown`, or `Record<string, unknown>`). */
export type IsUntyped<T> = unknown extends T ? true
  : string extends keyof T ? unknown extends T[keyof T] ? true : false
  : false;

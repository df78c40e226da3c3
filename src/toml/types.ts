/**
 * The shapes of TOML values as strata returns them: what `parse` gives,
 * what `stringify` takes, and the names of TOML's value kinds.
 *
 * @module
 */

import type { TomlDateTime } from "./datetime.ts";

/** Any TOML value as strata returns it. */
export type TomlValue =
  | string
  | number
  | bigint
  | boolean
  | TomlDateTime
  | TomlValue[]
  | TomlTable;

/** A TOML table: a plain object whose keys are the (unquoted) TOML keys. */
export interface TomlTable {
  /** The value of each key. */
  [key: string]: TomlValue;
}

/** An absolute location in the document: keys, and indexes into arrays. */
export type TomlPath = (string | number)[];

/** The TOML type of a value, as the parser's `value` event reports it. */
export type TomlValueKind =
  | "string"
  | "integer"
  | "float"
  | "boolean"
  | "offset-date-time"
  | "local-date-time"
  | "local-date"
  | "local-time"
  | "array"
  | "table";

/**
 * A version of the TOML language. strata reads 1.1 unless asked for "1.0";
 * what it writes is always valid 1.0 (and so valid 1.1).
 */
export type TomlVersion = "1.0" | "1.1";

/** The versions {@link TomlVersion} may name, for checking an option. */
export const TOML_VERSIONS: readonly TomlVersion[] = ["1.0", "1.1"];

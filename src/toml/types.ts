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

/**
 * strata: plaintext, layered ("waterfall") configuration for Bun and Deno.
 *
 * A value is looked up through the layers, top first: the command line
 * (`overrides`), the environment (`<APP>_<KEY>`, `__` for nesting), the
 * project file (`.<app>.toml` in the working directory or a parent), the
 * user file, the system file and the application's defaults. Tables merge
 * key by key; arrays and scalars replace. Every value carries where it came
 * from. Writes go through one protocol (lock, re-read, backup, atomic
 * rename, journal), so programs in any language can share the files.
 * Importing this module does nothing; state lives in the `Config` you open.
 *
 * @example
 * ```ts
 * import { openConfig } from "./mod.ts";
 *
 * const config = openConfig({
 *   app: "demo",
 *   defaults: { db: { host: "localhost", port: 5432 } },
 *   env: { DEMO_DB__PORT: "6543" },
 * });
 * console.assert(config.get("db.port") === 6543); // the environment, as an integer
 * console.assert(config.resolve("db.port")?.origin.env === "DEMO_DB__PORT");
 * // await config.set("db.host", "db.example.org"); // writes the user file safely
 * ```
 *
 * @module
 */

export {
  Config,
  type Explanation,
  type LayerInfo,
  type LayerName,
  openConfig,
  type OpenOptions,
  type Origin,
  type Resolved,
  type SetOptions,
  type SetResult,
  type UnsetResult,
  type WalkStep,
  type WritableLayer,
} from "./config.ts";
export { formatKey, parseKey } from "./keys.ts";
export type { LoadedSchema } from "./schema/load_schema.ts";
export type { Schema } from "./schema/validate.ts";
export { convertText, parseValueType, type ValueType, valueTypes } from "./values.ts";
export { type ErrorCode, ExitCode, StrataError } from "./errors.ts";
export { TomlDateTime } from "./toml/datetime.ts";
export { JsonDocument } from "./json/document.ts";
export { TomlDocument } from "./toml/document.ts";

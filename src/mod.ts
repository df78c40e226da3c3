/**
 * strata: plaintext, layered ("waterfall") configuration for Bun and Deno.
 *
 * ## Reading
 *
 * {@link openConfig} opens the configuration of one application. A key is
 * looked up through the layers, top first; the first layer that has it wins:
 *
 * | layer        | where                                                             |
 * |--------------|-------------------------------------------------------------------|
 * | command-line | `overrides: ["db.port=5432"]` (the CLI's `--set`), one run only   |
 * | environment  | `<APP>_<KEY>`, `__` for nesting: `DEMO_DB__HOST` is `db.host`     |
 * | project      | `.<app>.toml` / `.<app>.json` in the working folder or a parent   |
 * | user         | `$XDG_CONFIG_HOME/<app>/config.toml`, `~/Library/Application Support/<app>/`, `%APPDATA%\<app>\` |
 * | system       | `$XDG_CONFIG_DIRS/<app>/`, `/etc/<app>/`, `/Library/Application Support/<app>/`, `%PROGRAMDATA%\<app>\` |
 * | defaults     | `defaults` (a path or a value), else `$XDG_DATA_DIRS/<app>/defaults.toml` |
 *
 * Tables merge key by key across layers; arrays and scalars replace (unless
 * the application's schema says an array appends or unions). Keys are dotted
 * paths with TOML quoting (`servers."eu.west".port`) and keep their case.
 * Every value carries its origin (layer, file and line, or variable):
 * {@link Config.resolve}, {@link Config.list}, {@link Config.explain}.
 *
 * A key's type is known from the schema, the defaults, or the value already
 * stored; text from the environment or `--set` is converted to it (or
 * refused with a `StrataError` naming the variable). Nothing is guessed:
 * `"1.10"` for a string key stays `"1.10"`.
 *
 * A `Config` holds no lock and nothing at module level; on each call it
 * checks (stat) which files changed and re-reads only those, so a
 * long-lived program sees what other processes wrote.
 *
 * ## Writing
 *
 * {@link Config.set} and {@link Config.unset} change the user layer (or
 * `project`, `system`, or the one file of `file` mode) through strata's write
 * protocol: lock file, re-read under the lock, refuse a file that does not
 * parse, backup, temp file + fsync + rename, journal line. Comments, order
 * and layout of the file are kept; only the changed value's text changes.
 *
 * ## Secrets
 *
 * A value may be stored sealed (`enc:v1:...`, PROTOCOL.md section 13):
 * {@link Config.get} returns the sealed text, {@link isSealed} tells it, and
 * {@link openValue} opens it with the app's identity in the context it was
 * read in (app, the layer of its origin, key). `Config.set(key, value, {
 * sealFor: recipient })` stores a value sealed; a plaintext value for a
 * secret key ({@link Config.isSecret}) is refused.
 *
 * ## Errors
 *
 * Every failure a person can cause is a {@link StrataError} whose `code`
 * (`not_found`, `usage`, `parse`, `type`, `schema`, `lock`, `io`) maps to the
 * CLI's exit code, with a message that says what, where and what to do.
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
 * console.assert(config.explain("db.host").winner?.origin.layer === "defaults");
 * // await config.set("db.host", "db.example.org"); // writes the user file safely
 * ```
 *
 * @module
 */

export {
  Config,
  type ConfigChange,
  type ConfigWatch,
  type ConfigWatchOptions,
  type Explanation,
  type LayerInfo,
  type LayerName,
  openConfig,
  type OpenOptions,
  type Origin,
  type Rejected,
  type Resolved,
  type SetOptions,
  type SetResult,
  type UnsetOptions,
  type UnsetResult,
  type WalkStep,
  type WatchError,
  type WritableLayer,
} from "./config/config.ts";
export type {
  ConfigKey,
  Entries,
  IsUntyped,
  KeyField,
  KeyLeaf,
  KeysBelow,
  KeySegment,
  KeySplit,
  KeysUnder,
  KeyWalk,
  Untyped,
  ValueAt,
} from "./typed/key_path.ts";
export type { Change, EditResult } from "./layers/edits.ts";
export type { FileFormat } from "./platform/paths.ts";
export type { SkippedFile } from "./platform/locate.ts";
export type { Hint, HintAction, HintTarget, HintWords } from "./hints.ts";
export { formatKey, parseKey } from "./keys.ts";
export type { LoadedSchema } from "./schema/load_schema.ts";
export type { Schema } from "./schema/validate.ts";
export type { MergeStrategy, SchemaNode, SchemaType } from "./schema/types.ts";
export { convertText, parseValueType, type ValueType, valueTypes } from "./codec/value.ts";
export { type ErrorCode, ExitCode, StrataError } from "./errors.ts";
export { isSealed } from "./codec/is_sealed.ts";
export { type OpenedValue, openValue, type OpenValueOptions, sealValue } from "./codec/sealed.ts";
export type { PlaintextOptions } from "./codec/sealed_plaintext.ts";
export type { SealedContext } from "./codec/sealed_context.ts";
export { SealedError, type SealedFailure } from "./codec/sealed_error.ts";
export {
  generateIdentity,
  type Identity,
  type NewIdentity,
  recipientOf,
} from "./codec/sealed_keys.ts";
export { TomlDateTime, type TomlDateTimeFields, type TomlDateTimeKind } from "./toml/datetime.ts";
export type { TomlTable, TomlValue } from "./toml/types.ts";
export { JsonDocument, type JsonEntry } from "./json/document.ts";
export {
  TomlDocument,
  type TomlEntry,
  type TomlKeyPath,
  type TomlSetOptions,
} from "./toml/document.ts";

/**
 * The schema's part in a write and a read: whether a `set` breaks it, what
 * a key's description and array merge are.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";
import type { LoadedSchema } from "./load_schema.ts";
import { leafIssues, schemaAt } from "./nodes_at.ts";
import type { MergeStrategy, Schema, SchemaIssue } from "./types.ts";

function related(issue: SchemaIssue, keyPath: readonly string[]): boolean {
  const n = Math.min(issue.path.length, keyPath.length);
  for (let i = 0; i < n; i++) if (String(issue.path[i]) !== keyPath[i]) return false;
  return true;
}

/** An issue's key for people: `ports[1]`, `db.host`. */
function issueKey(issue: SchemaIssue): string {
  let key = "";
  for (const segment of issue.path) {
    if (typeof segment === "number") key += `[${segment}]`;
    else key += (key ? "." : "") + formatKey([segment]);
  }
  return key || "(the whole file)";
}

/**
 * Refuses a write when the layer's values after it break the schema at,
 * under or above `keyPath` (an `additionalProperties: false` parent).
 * Issues elsewhere in the file (already there) and missing `required` keys
 * (another layer may hold them) do not refuse it.
 *
 * @example
 * ```ts
 * import { refuseBrokenSet } from "./check_value.ts";
 * const loaded = { schema: { type: "object" as const, properties: { port: { type: "integer" as const } } }, file: "/s.json" };
 * let refused = false;
 * try { refuseBrokenSet(loaded, { port: "x" }, ["port"]); } catch { refused = true; }
 * console.assert(refused);
 * ```
 */
export function refuseBrokenSet(
  loaded: LoadedSchema,
  values: Record<string, unknown>,
  keyPath: readonly string[],
): void {
  const issues = leafIssues(loaded.schema, values).filter((issue) => related(issue, keyPath));
  if (issues.length === 0) return;
  const from = loaded.file ? `the schema ${loaded.file}` : "the program's schema";
  throw new StrataError(
    "schema",
    `${
      issues.map((i) => `${issueKey(i)}: ${i.message}`).join("; ")
    } (${from}); nothing was written`,
  );
}

/**
 * The schema's description of a key, if it has one.
 *
 * @example
 * ```ts
 * import { descriptionAt } from "./check_value.ts";
 * const schema = { properties: { port: { description: "TCP port" } } };
 * console.assert(descriptionAt(schema, ["port"]) === "TCP port");
 * ```
 */
export function descriptionAt(schema: Schema, keyPath: readonly string[]): string | undefined {
  return schemaAt(schema, keyPath)?.description;
}

/**
 * How the arrays of a key combine across layers (`replace` when the schema
 * does not say).
 *
 * @example
 * ```ts
 * import { mergeStrategyAt } from "./check_value.ts";
 * console.assert(mergeStrategyAt({ properties: { p: { "x-strata-merge": "union" } } }, ["p"]) === "union");
 * ```
 */
export function mergeStrategyAt(schema: Schema, keyPath: readonly string[]): MergeStrategy {
  return schemaAt(schema, keyPath)?.["x-strata-merge"] ?? "replace";
}

/**
 * Whether the schema marks a key as a secret (`"x-strata-secret": true`).
 *
 * @example
 * ```ts
 * import { secretAt } from "./check_value.ts";
 * console.assert(secretAt({ properties: { pw: { "x-strata-secret": true } } }, ["pw"]));
 * ```
 */
export function secretAt(schema: Schema, keyPath: readonly string[]): boolean {
  return schemaAt(schema, keyPath)?.["x-strata-secret"] === true;
}

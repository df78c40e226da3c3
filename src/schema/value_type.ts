/**
 * The value type a schema node implies for a key, so that a string from a
 * person (`set`, the environment, `--set`) is converted to it.
 *
 * @module
 */

import type { Schema } from "./validate.ts";

/** The value types strata converts a person's text to. */
export type SchemaValueType = "string" | "int" | "float" | "bool" | "date" | "json";

const dateFormats = new Set(["date-time", "date", "time"]);

/**
 * The conversion type for a schema node, or undefined when the schema leaves
 * it open (no `type`, or several).
 *
 * @example
 * ```ts
 * import { valueTypeOfSchema } from "./value_type.ts";
 * console.assert(valueTypeOfSchema({ type: "integer" }) === "int");
 * ```
 */
export function valueTypeOfSchema(node: Schema): SchemaValueType | undefined {
  const types = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (types.length !== 1) return undefined;
  switch (types[0]) {
    case "string":
      return node.format !== undefined && dateFormats.has(node.format) ? "date" : "string";
    case "integer":
      return "int";
    case "number":
      return "float";
    case "boolean":
      return "bool";
    case "object":
    case "array":
      return "json";
  }
}

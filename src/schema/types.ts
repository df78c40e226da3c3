/**
 * The shapes of the JSON Schema subset strata reads. Types only.
 *
 * @module
 */

/** The JSON Schema types strata understands. */
export type SchemaType = "string" | "integer" | "number" | "boolean" | "object" | "array" | "null";

/** How an array value combines across layers. */
export type MergeStrategy = "replace" | "append" | "union";

/** A schema: an object of keywords, or `true` (anything) / `false` (nothing). */
export type SchemaNode = Schema | boolean;

/** One schema object of the supported subset (see docs/recovery.md, "The schema"). */
export interface Schema {
  type?: SchemaType | SchemaType[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode;
  propertyNames?: SchemaNode;
  minProperties?: number;
  maxProperties?: number;
  dependentRequired?: Record<string, string[]>;
  items?: SchemaNode;
  prefixItems?: SchemaNode[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  contains?: SchemaNode;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  definitions?: Record<string, SchemaNode>;
  default?: unknown;
  description?: string;
  "x-strata-merge"?: MergeStrategy;
  /** The key holds a secret: its value is stored sealed and never shown (strata's own keyword). */
  "x-strata-secret"?: boolean;
}

/** One way a value breaks the schema, at a key path. */
export interface SchemaIssue {
  /** Where in the value (key segments; array indexes as numbers). */
  path: (string | number)[];
  /** What is wrong, in words: `70000 is greater than the maximum 65535`. */
  message: string;
  /** The rule broken, as a JSON pointer into the schema: `/properties/port/maximum`. */
  pointer?: string;
}

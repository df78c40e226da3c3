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
  /** The allowed type or types of the value. */
  type?: SchemaType | SchemaType[];
  /** The value must equal one of these. */
  enum?: unknown[];
  /** The value must equal this. */
  const?: unknown;
  /** A number must be at least this. */
  minimum?: number;
  /** A number must be at most this. */
  maximum?: number;
  /** A number must be greater than this. */
  exclusiveMinimum?: number;
  /** A number must be less than this. */
  exclusiveMaximum?: number;
  /** A number must be a multiple of this. */
  multipleOf?: number;
  /** A string must have at least this many characters. */
  minLength?: number;
  /** A string must have at most this many characters. */
  maxLength?: number;
  /** A string must match this regular expression. */
  pattern?: string;
  /** A string must be of this format (`email`, `uri`, `date-time`, ...). */
  format?: string;
  /** The keys a table must have. */
  required?: string[];
  /** The schema of each named key of a table. */
  properties?: Record<string, SchemaNode>;
  /** The schema of the keys of a table whose name matches a regular expression. */
  patternProperties?: Record<string, SchemaNode>;
  /** The schema of the other keys of a table (`false`: none allowed). */
  additionalProperties?: SchemaNode;
  /** The schema every key name of a table must match. */
  propertyNames?: SchemaNode;
  /** A table must have at least this many keys. */
  minProperties?: number;
  /** A table must have at most this many keys. */
  maxProperties?: number;
  /** When the named key is present, these keys must be too. */
  dependentRequired?: Record<string, string[]>;
  /** The schema of each item of an array (after `prefixItems`). */
  items?: SchemaNode;
  /** The schemas of the first items of an array, in order. */
  prefixItems?: SchemaNode[];
  /** An array must have at least this many items. */
  minItems?: number;
  /** An array must have at most this many items. */
  maxItems?: number;
  /** The items of an array must all differ. */
  uniqueItems?: boolean;
  /** At least one item of an array must match this schema. */
  contains?: SchemaNode;
  /** The value must match every one of these schemas. */
  allOf?: SchemaNode[];
  /** The value must match at least one of these schemas. */
  anyOf?: SchemaNode[];
  /** The value must match exactly one of these schemas. */
  oneOf?: SchemaNode[];
  /** The value must not match this schema. */
  not?: SchemaNode;
  /** When the value matches this schema, it must match `then`, else `else`. */
  if?: SchemaNode;
  /** What a value that matches `if` must match. */
  then?: SchemaNode;
  /** What a value that does not match `if` must match. */
  else?: SchemaNode;
  /** A reference to another schema (`#/$defs/name`). */
  $ref?: string;
  /** Schemas named for `$ref`. */
  $defs?: Record<string, SchemaNode>;
  /** Schemas named for `$ref` (the older name of `$defs`). */
  definitions?: Record<string, SchemaNode>;
  /** The value when no layer sets one. */
  default?: unknown;
  /** What the key is for, in words (shown by `explain` and in the ui). */
  description?: string;
  /** How an array combines across layers (strata's own keyword; default `replace`). */
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

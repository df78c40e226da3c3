/**
 * A TypeScript type from an application's JSON Schema (the subset strata
 * reads), for `openConfig<T>()`: `strata types` prints it.
 *
 * A property is required in the type when the schema lists it in
 * `required` or gives it (or a property below it) a `default`: the
 * schema-defaults layer then always supplies it. Otherwise it is optional. `$ref`s within the schema
 * are written out in place (a reference to itself becomes `unknown`);
 * `description`s become doc comments. What a type cannot say (ranges,
 * patterns, formats) is left to the schema check at run time.
 *
 * @module
 */

import type { Schema, SchemaNode, SchemaType } from "../schema/types.ts";

/** What {@link schemaToType} writes. */
export interface SchemaTypeOptions {
  /** The exported type's name (an identifier). */
  name: string;
  /** Where the schema came from, named in the header comment. */
  source?: string;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The text of a TypeScript module exporting one type for `schema`.
 *
 * @example
 * ```ts
 * import { schemaToType } from "./schema_type.ts";
 * const text = schemaToType({
 *   type: "object",
 *   properties: { port: { type: "integer", default: 8080 }, tags: { type: "array", items: { type: "string" } } },
 * }, { name: "AppConfig" });
 * console.assert(text.includes("export interface AppConfig {\n  port: number;\n  tags?: string[];\n}"));
 * ```
 */
export function schemaToType(schema: Schema, options: SchemaTypeOptions): string {
  const from = options.source === undefined ? "the application's schema" : options.source;
  const head = `// Written by \`strata types\` from ${from}.\n` +
    "// Do not edit: run `strata types` again after changing the schema.\n\n";
  const body = typeOf(schema, schema, "", []);
  const doc = comment(schema.description, "");
  if (isObjectShape(schema) && body.startsWith("{")) {
    return `${head}${doc}export interface ${options.name} ${body}\n`;
  }
  return `${head}${doc}export type ${options.name} = ${body};\n`;
}

function isObjectShape(schema: Schema): boolean {
  return schema.properties !== undefined && schema.anyOf === undefined &&
    schema.oneOf === undefined && schema.allOf === undefined && schema.enum === undefined &&
    schema.const === undefined;
}

/** A doc comment for `text` at `indent`, or nothing. */
function comment(text: string | undefined, indent: string): string {
  if (text === undefined || text.trim() === "") return "";
  const lines = text.trim().replaceAll("*/", "*\\/").split("\n");
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${
    lines.map((l) => `${indent} * ${l}`.trimEnd()).join("\n")
  }\n${indent} */\n`;
}

/** The schema a `#/...` pointer names, or undefined. */
function follow(root: Schema, ref: string): SchemaNode | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const part = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "boolean" || (typeof node === "object" && node !== null)
    ? node as SchemaNode
    : undefined;
}

const simple: Record<SchemaType, string> = {
  string: "string",
  integer: "number",
  number: "number",
  boolean: "boolean",
  null: "null",
  array: "unknown[]",
  object: "Record<string, unknown>",
};

/** The type for one schema node; `seen` holds the `$ref`s being written (cycles). */
function typeOf(node: SchemaNode, root: Schema, indent: string, seen: string[]): string {
  if (node === true) return "unknown";
  if (node === false) return "never";
  const parts: string[] = [];
  if (node.$ref !== undefined) {
    const target = seen.includes(node.$ref) ? undefined : follow(root, node.$ref);
    parts.push(
      target === undefined ? "unknown" : typeOf(target, root, indent, [...seen, node.$ref]),
    );
  }
  if (node.const !== undefined) parts.push(JSON.stringify(node.const));
  else if (node.enum !== undefined) parts.push(union(node.enum.map((v) => JSON.stringify(v))));
  else if (node.anyOf !== undefined || node.oneOf !== undefined) {
    const options = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
    parts.push(union(options.map((o) => typeOf(o, root, indent, seen))));
  } else if (node.$ref === undefined || node.type !== undefined || node.properties !== undefined) {
    parts.push(ownType(node, root, indent, seen));
  }
  for (const part of node.allOf ?? []) parts.push(typeOf(part, root, indent, seen));
  const known = parts.filter((p) => p !== "unknown");
  if (known.length === 0) return "unknown";
  return known.length === 1 ? known[0] : known.map(wrap).join(" & ");
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes("unknown")) return "unknown";
  return unique.length === 1 ? unique[0] : unique.map(wrap).join(" | ");
}

/** Parentheses around a union or intersection inside another. */
function wrap(type: string): string {
  return /^[^{(]*[|&]/.test(type) ? `(${type})` : type;
}

/** The type a node's `type`, `properties` and `items` say. */
function ownType(node: Schema, root: Schema, indent: string, seen: string[]): string {
  const declared = node.type === undefined
    ? (node.properties !== undefined ? ["object" as const] : [])
    : Array.isArray(node.type)
    ? node.type
    : [node.type];
  if (declared.length === 0) return "unknown";
  return union(declared.map((type) => {
    if (type === "object") return objectType(node, root, indent, seen);
    if (type === "array") return arrayType(node, root, indent, seen);
    return simple[type];
  }));
}

function arrayType(node: Schema, root: Schema, indent: string, seen: string[]): string {
  if (node.prefixItems !== undefined) {
    const items = node.prefixItems.map((s) => typeOf(s, root, indent, seen));
    const rest = node.items === false
      ? []
      : [`...${wrapArray(typeOf(node.items ?? true, root, indent, seen))}[]`];
    return `[${[...items, ...rest].join(", ")}]`;
  }
  return `${wrapArray(typeOf(node.items ?? true, root, indent, seen))}[]`;
}

function wrapArray(type: string): string {
  return /[|&]/.test(type) && !type.startsWith("{") ? `(${type})` : type;
}

/** Whether the schema-defaults layer always supplies a value here (a default, or one below). */
function alwaysSupplied(node: SchemaNode): boolean {
  if (typeof node === "boolean") return false;
  if (node.default !== undefined) return true;
  return Object.values(node.properties ?? {}).some(alwaysSupplied);
}

function objectType(node: Schema, root: Schema, indent: string, seen: string[]): string {
  const inner = `${indent}  `;
  const required = new Set(node.required ?? []);
  const lines: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const always = required.has(key) || alwaysSupplied(child);
    const name = identifier.test(key) ? key : JSON.stringify(key);
    const doc = typeof child === "object" ? comment(child.description, inner) : "";
    lines.push(`${doc}${inner}${name}${always ? "" : "?"}: ${typeOf(child, root, inner, seen)};`);
  }
  const extra = [
    ...Object.values(node.patternProperties ?? {}),
    ...(node.additionalProperties === undefined || node.additionalProperties === false
      ? []
      : [node.additionalProperties]),
  ];
  if (
    node.additionalProperties === undefined && node.properties === undefined && extra.length === 0
  ) {
    return "Record<string, unknown>";
  }
  if (extra.length > 0) {
    const value = union(extra.map((s) => typeOf(s, root, inner, seen)));
    // Named properties must fit the index signature: widen it to take them.
    const wide = lines.length > 0 && value !== "unknown" ? "unknown" : value;
    lines.push(`${inner}[key: string]: ${wide};`);
  }
  if (lines.length === 0) return "Record<string, never>";
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/**
 * What the page shows of the schema next to a key: its type, allowed values,
 * bounds, description and default, and the keys the schema declares that no
 * layer sets yet (offered when adding a value). The library checks every
 * write; these are hints for a person.
 *
 * @module
 */

import { formatKey, type Schema } from "../mod.ts";
import { isTable } from "../is_table.ts";

/** The schema's word on one key, as the page shows it. */
export interface SchemaHint {
  /** `string`, `integer`, `number`, `boolean`, `array`, `object` (several joined by `|`). */
  type?: string;
  /** The allowed values. */
  enum?: unknown[];
  /** Bounds and lengths: `minimum`, `maximum`, `minLength`, `maxLength`, ... */
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  /** The description. */
  description?: string;
  /** The default, as JSON. */
  default?: unknown;
}

const COPIED = [
  "enum",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "description",
  "default",
] as const;

/** The schema node of `path` (through `properties` and local `$ref`s); undefined when none. */
export function nodeAt(root: Schema, path: readonly string[]): Schema | undefined {
  let node: Schema | undefined = follow(root, root);
  for (const segment of path) {
    const next: unknown = node?.properties?.[segment] ??
      (isTable(node?.additionalProperties) ? node?.additionalProperties : undefined);
    node = isTable(next) ? follow(root, next as Schema) : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

function follow(root: Schema, node: Schema): Schema | undefined {
  let current: Schema | undefined = node;
  for (let hops = 0; current?.$ref !== undefined && hops < 16; hops++) {
    const ref: string = current.$ref;
    if (!ref.startsWith("#/")) return current;
    let target: unknown = root;
    for (const part of ref.slice(2).split("/")) {
      const name = part.replaceAll("~1", "/").replaceAll("~0", "~");
      target = isTable(target) ? (target as Record<string, unknown>)[name] : undefined;
    }
    current = isTable(target) ? target as Schema : undefined;
  }
  return current;
}

/** The hint for `path`, or undefined when the schema says nothing about it. */
export function hintAt(root: Schema | undefined, path: readonly string[]): SchemaHint | undefined {
  const node = root && nodeAt(root, path);
  if (node === undefined) return undefined;
  const hint: SchemaHint = {};
  if (node.type !== undefined) {
    hint.type = Array.isArray(node.type) ? node.type.join("|") : node.type;
  }
  for (const name of COPIED) {
    if (node[name] !== undefined) (hint as Record<string, unknown>)[name] = node[name];
  }
  return hint;
}

/** Every leaf key the schema declares (not a table of `properties`), as key paths. */
export function declaredKeys(root: Schema | undefined): string[][] {
  const found: string[][] = [];
  const walk = (node: Schema | undefined, path: string[], depth: number) => {
    if (node === undefined || depth > 32) return;
    const props = node.properties;
    if (props === undefined || Object.keys(props).length === 0) {
      if (path.length > 0) found.push(path);
      return;
    }
    for (const [name, child] of Object.entries(props)) {
      if (isTable(child)) walk(follow(root!, child as Schema), [...path, name], depth + 1);
    }
  };
  if (root !== undefined) walk(follow(root, root), [], 0);
  return found;
}

/** A key path as the page keys rows: the dotted text. */
export function keyText(path: readonly string[]): string {
  return formatKey([...path]);
}

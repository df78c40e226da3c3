/**
 * JSON pointers (RFC 6901) into a schema document: writing one for a
 * message, and resolving a `$ref` within the document (`#`, `#/$defs/x`).
 *
 * @module
 */

import { isTable } from "../is_table.ts";

/**
 * A pointer with one more segment (`~` and `/` escaped).
 *
 * @example
 * ```ts
 * import { pointerJoin } from "./pointer.ts";
 * console.assert(pointerJoin("/properties", "a/b") === "/properties/a~1b");
 * ```
 */
export function pointerJoin(pointer: string, ...segments: (string | number)[]): string {
  return pointer +
    segments.map((s) => "/" + String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}

/**
 * The segments of a `$ref` within the document (`#/$defs/port` -> `["$defs",
 * "port"]`), or undefined when it is not of that form (a remote URL, an anchor).
 *
 * @example
 * ```ts
 * import { refSegments } from "./pointer.ts";
 * console.assert(refSegments("#/$defs/a~1b")?.[1] === "a/b");
 * console.assert(refSegments("other.json#/x") === undefined);
 * ```
 */
export function refSegments(ref: string): string[] | undefined {
  if (ref === "#") return [];
  if (!ref.startsWith("#/")) return undefined;
  let text: string;
  try {
    text = decodeURIComponent(ref.slice(2));
  } catch {
    return undefined;
  }
  return text.split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * The node a `$ref` names in `root`, with its pointer; undefined when the
 * reference is not within the document or names nothing.
 *
 * @example
 * ```ts
 * import { resolveRef } from "./pointer.ts";
 * const root = { $defs: { port: { type: "integer" } } };
 * console.assert(resolveRef(root, "#/$defs/port")?.pointer === "/$defs/port");
 * ```
 */
export function resolveRef(
  root: unknown,
  ref: string,
): { node: unknown; pointer: string } | undefined {
  const segments = refSegments(ref);
  if (segments === undefined) return undefined;
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(segment)) node = node[Number(segment)];
    else if (isTable(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  if (node !== true && node !== false && !isTable(node)) return undefined;
  return { node, pointer: pointerJoin("", ...segments) };
}

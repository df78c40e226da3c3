/**
 * The schema's word on a key, in short text for a person: type, allowed
 * values, bounds, default.
 *
 * @module
 */

import type { Hint } from "./_types.ts";

/** `integer, 1 to 65535, default 5432`. */
export function hintText(hint: Hint | undefined, type: string | undefined): string {
  const parts: string[] = [];
  const kind = hint?.type ?? type;
  if (kind) parts.push(kind);
  if (hint?.enum) parts.push(`one of ${hint.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  const low = hint?.minimum ?? hint?.exclusiveMinimum;
  const high = hint?.maximum ?? hint?.exclusiveMaximum;
  if (low !== undefined && high !== undefined) parts.push(`${low} to ${high}`);
  else if (low !== undefined) parts.push(`at least ${low}`);
  else if (high !== undefined) parts.push(`at most ${high}`);
  if (hint?.minLength !== undefined) parts.push(`at least ${hint.minLength} characters`);
  if (hint?.maxLength !== undefined) parts.push(`at most ${hint.maxLength} characters`);
  if (hint?.pattern !== undefined) parts.push(`matches ${hint.pattern}`);
  if (hint?.format !== undefined) parts.push(`format ${hint.format}`);
  if (hint?.default !== undefined) parts.push(`default ${JSON.stringify(hint.default)}`);
  return parts.join(", ");
}

/** The type to send with a set, when the key has no known type yet: from the schema. */
export function typeFromSchema(hint: Hint | undefined): string | undefined {
  const first = hint?.type?.split("|")[0];
  const table: Record<string, string> = {
    string: "string",
    integer: "int",
    number: "float",
    boolean: "bool",
    array: "json",
    object: "json",
  };
  return first === undefined ? undefined : table[first];
}

/** The choices of an input: the enum, or true/false for a boolean; undefined for free text. */
export function choicesOf(hint: Hint | undefined, type: string | undefined): string[] | undefined {
  if (hint?.enum) return hint.enum.map((v) => typeof v === "string" ? v : JSON.stringify(v));
  if (type === "bool" || hint?.type === "boolean") return ["true", "false"];
  return undefined;
}

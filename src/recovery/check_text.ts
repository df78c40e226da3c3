/**
 * Whether a layer file's text is usable: it parses (syntax) and its values
 * match the application's schema. Used by `edit` (before writing), `restore`
 * (before putting a backup back) and `doctor` (every layer).
 *
 * @module
 */

import { sealedLeaves, sealedShapeProblem, withoutSealed } from "../codec/sealed_shape.ts";
import { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";
import { parseValues } from "../layers/document.ts";
import type { FileFormat } from "../platform/paths.ts";
import { leafIssues } from "../schema/nodes_at.ts";
import type { Schema, SchemaIssue } from "../schema/types.ts";

/** A parse error's location, as the TOML and JSON parsers give it. */
interface Located {
  line?: number;
  column?: number;
  reason?: string;
}

/**
 * The values of a layer file's text. Throws a `parse` StrataError whose
 * message reads `FILE:LINE:COLUMN: REASON` (the parser's own sentence).
 *
 * @example
 * ```ts
 * import { parseLayerText } from "./check_text.ts";
 * try {
 *   parseLayerText("a = ", "toml", "/c.toml");
 * } catch (e) {
 *   console.assert((e as Error).message.startsWith("/c.toml:1:"));
 * }
 * ```
 */
export function parseLayerText(
  text: string,
  format: FileFormat,
  file: string,
): Record<string, unknown> {
  try {
    return parseValues(text, format, file).values;
  } catch (e) {
    if (!(e instanceof StrataError) || e.code !== "parse") throw e;
    throw new StrataError("parse", locatedMessage(e, file), { cause: e });
  }
}

/** `FILE:LINE:COLUMN: REASON` for a located parse error, else `FILE: MESSAGE`. */
export function locatedMessage(error: Error, file: string): string {
  const at = error as Error & Located;
  if (at.line !== undefined && at.column !== undefined) {
    return `${file}:${at.line}:${at.column}: ${at.reason ?? error.message}`;
  }
  return error.message.startsWith(file) ? error.message : `${file}: ${error.message}`;
}

/**
 * The ways one layer's values break the schema. A `required` key missing
 * from one layer is not an issue: another layer (or the defaults) may hold
 * it; required keys are checked on the merged configuration.
 *
 * @example
 * ```ts
 * import { layerIssues } from "./check_text.ts";
 * const schema = { type: "object" as const, required: ["a"], properties: { b: { type: "integer" as const } } };
 * console.assert(layerIssues(schema, { b: "x" }).length === 1);
 * ```
 */
export function layerIssues(schema: Schema, values: Record<string, unknown>): SchemaIssue[] {
  // Per key, as reads check it: what ties keys together needs the merged view.
  // Sealed values are checked when they are opened (their plaintext was checked when sealed).
  return leafIssues(schema, withoutSealed(values));
}

/** One issue as a sentence: `db.port: 70000 is greater than the maximum 65535`. */
export function issueText(issue: SchemaIssue): string {
  if (issue.path.length === 0) return `(the whole file): ${issue.message}`;
  // Array indexes read as `ports[1]`, keys as strata writes them.
  let key = "";
  for (const segment of issue.path) {
    if (typeof segment === "number") key += `[${segment}]`;
    else key += (key ? "." : "") + formatKey([segment]);
  }
  return `${key}: ${issue.message}`;
}

/**
 * Checks a text: parses it, then validates it against `schema` (when given).
 * Throws `parse` (located) or `schema` (every issue, the schema file named).
 */
export function checkLayerText(
  text: string,
  format: FileFormat,
  file: string,
  schema?: { schema: Schema; file?: string },
): Record<string, unknown> {
  const values = parseLayerText(text, format, file);
  for (const [path, sealed] of sealedLeaves(values)) {
    const problem = sealedShapeProblem(sealed);
    if (problem === undefined) continue;
    throw new StrataError(
      "parse",
      `${file}: ${formatKey(path)}: the sealed value is damaged: ${problem}; a sealed value ` +
        `must stay as it was written: put it back as it was, or set it again with ` +
        `strata set --secret`,
    );
  }
  if (schema) {
    const issues = layerIssues(schema.schema, values);
    if (issues.length > 0) {
      const from = schema.file ? ` (schema ${schema.file})` : "";
      throw new StrataError(
        "schema",
        `${file} does not match the schema${from}:\n` +
          issues.map((i) => `  ${issueText(i)}`).join("\n"),
      );
    }
  }
  return values;
}

/**
 * Finding and reading an application's schema: `--schema PATH` (or a value
 * given to `openConfig`), else `schema.json` in the folder of the defaults
 * file. Read without static `node:` imports (the read path's start-up budget).
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { type AccessOptions, maxReadBytes, readRegularFile } from "../runtime/fs.ts";
import { checkSchema } from "./check_schema.ts";
import type { Schema } from "./types.ts";

/** A schema and where it came from. */
export interface LoadedSchema {
  /** The schema (checked to be of the supported subset). */
  schema: Schema;
  /** Its file; undefined when the program gave it as a value. */
  file?: string;
  /** What strata does not check in it (a keyword, a format), one line each, naming its JSON pointer. */
  warnings?: string[];
}

/** The name of the schema file strata looks for beside the defaults file. */
export const schemaFileName = "schema.json";

/**
 * Reads and checks a schema file. Undefined when it does not exist (and
 * `required` is false); a file that is not JSON or not a schema of the
 * subset is a `schema` StrataError naming the file.
 *
 * @example
 * ```ts
 * import { loadSchemaFile } from "./load_schema.ts";
 * console.assert(loadSchemaFile("/no/such/strata/schema.json") === undefined);
 * ```
 */
export function loadSchemaFile(
  file: string,
  required = false,
  access: AccessOptions = {},
): LoadedSchema | undefined {
  let bytes: Uint8Array;
  try {
    // A regular file of a sane size only: a FIFO or a device would hang or fill memory.
    bytes = readRegularFile(file, access);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!required && (code === "ENOENT" || code === "ENOTDIR")) return undefined;
    const why = code === "ENOENT"
      ? "no such file"
      : code === "EFBIG"
      ? `it is bigger than ${maxReadBytes / 1024 / 1024} MiB, the most strata reads`
      : (e as Error).message;
    throw new StrataError(
      code === "ENOENT" ? "not_found" : "io",
      `cannot read the schema ${file}: ${why}${
        code === "ENOENT" ? "" : "; give --schema a schema file (JSON)"
      }`,
      { cause: e },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new StrataError(
      "schema",
      `${file}: the schema is not valid JSON (${(e as Error).message}); mend the schema file`,
      { cause: e },
    );
  }
  const checked = checkSchema(value, file);
  return { schema: checked.schema, file, warnings: checked.warnings };
}

/**
 * A schema given as a value (`openConfig({ schema: {...} })`), checked.
 *
 * @example
 * ```ts
 * import { schemaFromValue } from "./load_schema.ts";
 * console.assert(schemaFromValue({ type: "object" }).schema.type === "object");
 * ```
 */
export function schemaFromValue(value: unknown): LoadedSchema {
  if (!isTable(value)) {
    throw new StrataError("usage", "a schema must be a JSON Schema object or a path to one");
  }
  const checked = checkSchema(value, "the program's schema");
  return { schema: checked.schema, warnings: checked.warnings };
}

/**
 * The command-line layer: `--set KEY=VALUE` items (like `git -c`), for one
 * run only. Later items win over earlier ones.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { StrataError } from "../errors.ts";
import { parseKey } from "../keys.ts";
import { assignPath } from "./merge.ts";

/** One `--set` item. */
export interface OverrideEntry {
  /** The item as given, e.g. `db.port=5432`. */
  arg: string;
  /** The key it sets. */
  path: string[];
  /** The value text (converted to the key's type later). */
  text: string;
}

/** The command-line layer's values (as text) and the items they came from. */
export interface OverrideLayer {
  /** Values as text, nested by key. */
  values: Record<string, unknown>;
  /** Every item, in the order given. */
  entries: OverrideEntry[];
}

/**
 * Parses `--set` items; a malformed one is a {@link StrataError} (`usage`).
 *
 * @example
 * ```ts
 * import { parseOverrides } from "./overrides.ts";
 * const layer = parseOverrides(['db."eu.west"=a=b']);
 * console.assert(JSON.stringify(layer.values) === '{"db":{"eu.west":"a=b"}}');
 * ```
 */
export function parseOverrides(items: readonly string[]): OverrideLayer {
  const values: Record<string, unknown> = {};
  const entries: OverrideEntry[] = [];
  for (const arg of items) {
    const eq = findEquals(arg);
    if (eq < 0) {
      throw new StrataError(
        "usage",
        `--set ${clipText(JSON.stringify(arg))}: expected KEY=VALUE, e.g. --set db.port=5432`,
      );
    }
    let path: string[];
    try {
      path = parseKey(arg.slice(0, eq).trim());
    } catch (e) {
      throw new StrataError(
        "usage",
        `--set ${clipText(JSON.stringify(arg))}: ${(e as Error).message}`,
      );
    }
    const text = arg.slice(eq + 1);
    entries.push({ arg, path, text });
    assignPath(values, path, text);
  }
  return { values, entries };
}

/** The first `=` outside a quoted key segment. */
function findEquals(arg: string): number {
  let quote = "";
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "=") {
      return i;
    }
  }
  return -1;
}

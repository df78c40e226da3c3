/**
 * doctor's finding for an integer beyond 64 bits in a (JSON) layer file:
 * strata reads it exactly, shows it as its digits and keeps its text when
 * other keys change, but TOML cannot hold it, most programs' JSON readers
 * round it, and strata never writes such a value.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { formatKey } from "../keys.ts";
import type { WideInteger } from "../codec/value.ts";
import { advise, type LayerFile } from "./layer_files.ts";

/** The problem and the mend (a `set --type string` that keeps the digits). */
export function wideFinding(
  target: LayerFile,
  wide: WideInteger,
): { check: "value"; problem: string; mend: string; fixable: false } {
  const key = clipText(formatKey(wide.path));
  const digits = clipText(String(wide.value));
  return {
    check: "value",
    problem: `${key} holds ${digits}, an integer beyond 64 bits: strata reads it exactly and ` +
      "keeps its text, but TOML cannot hold it, most JSON readers round it, and strata will not " +
      "write such a value",
    mend: `keep its digits as a string: ${
      advise(target, { action: "set", type: "string", key, value: digits })
    } (or edit it: ${advise(target, { action: "edit" })})`,
    fixable: false,
  };
}

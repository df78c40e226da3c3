/**
 * strata's own defaults (`defaults/strata.toml`), built into the binary as
 * text: a text import works in `bun build --compile`, in `bun` and in
 * `deno run` (Deno 2.9 needs no flag for it).
 *
 * @module
 */

import text from "../../defaults/strata.toml" with { type: "text" };

/** The text of `defaults/strata.toml`. */
export const strataDefaultsText: string = text;

/** How the built-in defaults are named in origins and messages. */
export const builtinDefaultsName = "(built in)";

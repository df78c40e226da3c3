/**
 * Refuses command-line arguments that are not valid UTF-8. Bun and Deno hand
 * a program its arguments already decoded, and both decode leniently: a byte
 * that is not UTF-8 (Latin-1 `é` is the byte E9) becomes U+FFFD, and that
 * replacement character would then be stored as if a person had typed it.
 * An argument holding U+FFFD is therefore checked against the bytes the
 * process was really given, which Linux keeps in `/proc/self/cmdline`: valid
 * UTF-8 there means the person did type U+FFFD; anything else is refused.
 * Where the raw bytes cannot be read (macOS, the BSDs, Windows), an argument
 * holding U+FFFD is refused too: strata cannot tell the two apart there.
 * Loaded only when an argument holds U+FFFD, so a normal start pays nothing.
 *
 * @module
 */

import { shownField } from "../clip.ts";
import { StrataError } from "../errors.ts";

/** The process's arguments as raw bytes (program and runtime flags first), or undefined. */
export function rawArguments(): Uint8Array[] | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const fs = process.getBuiltinModule("node:fs") as typeof import("node:fs");
    const bytes = fs.readFileSync("/proc/self/cmdline");
    const out: Uint8Array[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0) continue;
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
    if (start < bytes.length) out.push(bytes.subarray(start));
    return out;
  } catch {
    return undefined;
  }
}

/** Whether `bytes` are valid UTF-8 that decodes to exactly `text`. */
function isUtf8Of(bytes: Uint8Array, text: string): boolean {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes) === text;
  } catch {
    return false;
  }
}

/**
 * Throws a `usage` error for the first of `args` (the arguments after the
 * program, as the runtime decoded them) that was not valid UTF-8. `raw` are
 * the process's raw arguments (default: {@link rawArguments}); the last
 * `args.length` of them are `args`' bytes.
 *
 * @example
 * ```ts
 * import { refuseInvalidUtf8 } from "./_argv_utf8.ts";
 * const bytes = (...args: string[]) => () => args.map((a) => new TextEncoder().encode(a));
 * // A person typed U+FFFD itself: accepted.
 * refuseInvalidUtf8(["set", "k", "\uFFFD"], bytes("strata", "set", "k", "\uFFFD"));
 * let refused = false;
 * try {
 *   const latin1 = () => [...bytes("strata", "set", "k")(), Uint8Array.of(0x63, 0x61, 0x66, 0xe9)];
 *   refuseInvalidUtf8(["set", "k", "caf\uFFFD"], latin1);
 * } catch {
 *   refused = true;
 * }
 * console.assert(refused);
 * ```
 */
export function refuseInvalidUtf8(
  args: readonly string[],
  raw: () => Uint8Array[] | undefined = rawArguments,
): void {
  let bytes: Uint8Array[] | undefined | null = null;
  for (let i = 0; i < args.length; i++) {
    if (!args[i].includes("\uFFFD")) continue;
    if (bytes === null) bytes = raw();
    const own = bytes !== undefined && bytes.length >= args.length
      ? bytes[bytes.length - args.length + i]
      : undefined;
    if (own !== undefined && isUtf8Of(own, args[i])) continue;
    const why = own === undefined
      ? "holds U+FFFD, the character an invalid UTF-8 byte is decoded to, and the raw " +
        "arguments cannot be read on this system to tell them apart"
      : "is not valid UTF-8 (a byte in it is not part of a UTF-8 character)";
    throw new StrataError(
      "usage",
      `argument ${i + 1} ${
        shownField(JSON.stringify(args[i]), 80)
      } ${why}; strata stores text as UTF-8 and ` +
        "would store U+FFFD in its place. Nothing was done. To fix: give the text in UTF-8 " +
        "(convert it first, e.g. iconv -f LATIN1 -t UTF-8)",
    );
  }
}

/**
 * Where a sealed value belongs: the application, the layer and the key path
 * it was sealed for, and the associated data that binds it there. A value
 * copied to another key, layer or application no longer authenticates.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { formatKey } from "../keys.ts";

/** The place a sealed value is bound to. */
export interface SealedContext {
  /** The application's name, as given to `--app` (`_file` for a file opened with `--file`). */
  app: string;
  /** The layer the value is stored in: `project`, `user`, `system`, `file`, `defaults`, ... */
  layer: string;
  /** The key's segments, unquoted (`["servers", "eu.west", "password"]`). */
  key: readonly string[];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The context in words, for messages: `key db.password (app pipeline, layer user)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeContext } from "./sealed_context.ts";
 * const where = describeContext({ app: "pipeline", layer: "user", key: ["eu.west", "pw"] });
 * assert.equal(where, 'key "eu.west".pw (app pipeline, layer user)');
 * ```
 */
export function describeContext(context: SealedContext): string {
  return `key ${formatKey(context.key)} (app ${context.app}, layer ${context.layer})`;
}

function field(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

function checkText(what: string, text: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new StrataError(
      "usage",
      `cannot seal for ${what} ${JSON.stringify(text)}: it holds half of a surrogate pair, ` +
        `which is not Unicode text; name it with whole characters`,
    );
  }
}

/**
 * The associated data of a sealed value (PROTOCOL.md, "Sealed values"):
 * `u32(len) app | u32(len) layer | u32(count) | u32(len) segment ...`, every
 * text as UTF-8, every number a 32-bit big-endian unsigned integer. Lengths
 * make it unambiguous: no two contexts encode to the same bytes.
 *
 * @throws {StrataError} code "usage" for an empty app, layer or key, or text
 * that is not Unicode (a lone surrogate).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeContext } from "./sealed_context.ts";
 * const aad = encodeContext({ app: "a", layer: "user", key: ["k"] });
 * assert.deepEqual([...aad], [0, 0, 0, 1, 97, 0, 0, 0, 4, 117, 115, 101, 114, 0, 0, 0, 1, 0, 0, 0, 1, 107]);
 * ```
 */
export function encodeContext(context: SealedContext): Uint8Array {
  if (context.app === "" || context.layer === "" || context.key.length === 0) {
    throw new StrataError(
      "usage",
      "a sealed value needs an app, a layer and a key to be bound to; one of them is empty",
    );
  }
  checkText("app", context.app);
  checkText("layer", context.layer);
  for (const segment of context.key) checkText("key segment", segment);
  const encoder = new TextEncoder();
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, context.key.length);
  const parts = [
    field(encoder.encode(context.app)),
    field(encoder.encode(context.layer)),
    count,
    ...context.key.map((segment) => field(encoder.encode(segment))),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

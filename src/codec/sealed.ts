/**
 * Sealed values: a secret stored in a configuration file as
 * `enc:v1:<base64url(ephemeral public key | nonce | ciphertext | tag)>`,
 * which anyone can see is there and only the holder of the identity can
 * read. Each value is sealed on its own for a recipient (an X25519 public
 * key), bound to its app, layer and key, with WebCrypto only (X25519,
 * HKDF-SHA256, AES-256-GCM). PROTOCOL.md, "Sealed values", is the contract.
 *
 * Everything here is async and nothing runs at import; the cheap shape test
 * {@link isSealed} lives in `is_sealed.ts`, which imports nothing.
 *
 * @module
 */

import type { TomlValue } from "../toml/parse.ts";
import { badBase64urlColumn, decodeBase64url } from "./base64url.ts";
import { SEALED_PREFIX } from "./is_sealed.ts";
import { describeContext, encodeContext, type SealedContext } from "./sealed_context.ts";
import { SealedError } from "./sealed_error.ts";
import { type Identity, importIdentity } from "./sealed_keys.ts";
import { decodePlaintext, type OpenedValue, type PlaintextOptions } from "./sealed_plaintext.ts";
import { sealValueWith } from "./_seal_value.ts";
import {
  decryptPayload,
  KEY_BYTES,
  NONCE_BYTES,
  randomPrivateKey,
  TAG_BYTES,
  unlockPayload,
} from "./_sealed_crypto.ts";
import { formatKey } from "../keys.ts";

export { isSealed, SEALED_PREFIX } from "./is_sealed.ts";
export type { OpenedValue, PlaintextOptions } from "./sealed_plaintext.ts";
export type { SealedContext } from "./sealed_context.ts";

/** The smallest payload: keys and tag, and at least one byte of ciphertext. */
const MIN_PAYLOAD = KEY_BYTES + NONCE_BYTES + TAG_BYTES + 1;

/** Options of {@link openValue}. */
export interface OpenValueOptions {
  /**
   * Other places the value may have been sealed for (the file's other keys,
   * the other layers): when it does not open here, the one it opens at is
   * named in the error (`sealedFor`), so "it was copied from key X" can be said.
   */
  candidates?: readonly SealedContext[];
  /** Where the identity came from, for messages (`STRATA_IDENTITY_FILE /run/key`). */
  identitySource?: string;
}

/**
 * Seals a value for a recipient, bound to `context`: the text to store in
 * place of the value. Each call uses a fresh ephemeral key, so sealing the
 * same value twice gives two different texts.
 *
 * @throws {SealedError} reason `recipient-text` or `recipient` for a
 * recipient that cannot be used; {@link StrataError} code "usage" for an
 * empty context, code "type" for a value TOML cannot hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateIdentity } from "./sealed_keys.ts";
 * import { openValue, sealValue } from "./sealed.ts";
 * const { identity, recipient } = await generateIdentity();
 * const context = { app: "pipeline", layer: "user", key: ["db", "password"] };
 * const sealed = await sealValue("hunter2", recipient, context);
 * assert.ok(sealed.startsWith("enc:v1:"));
 * assert.deepEqual(await openValue(sealed, identity, context), { value: "hunter2", float: false });
 * ```
 */
export async function sealValue(
  value: TomlValue,
  recipient: string | Uint8Array,
  context: SealedContext,
  options: PlaintextOptions = {},
): Promise<string> {
  return await sealValueWith(value, recipient, context, randomPrivateKey(), options);
}

function shellWord(text: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The command that seals the key again in its place (the advice of most messages). */
function resealCommand(context: SealedContext): string {
  const where = context.app === "_file" ? "--file FILE" : `--app ${shellWord(context.app)}`;
  const layer = context.layer === "project" || context.layer === "system"
    ? ` --${context.layer}`
    : "";
  return `strata ${where} set --secret${layer} ${shellWord(formatKey(context.key))}`;
}

function fail(
  reason: "malformed" | "version" | "not-sealed" | "plaintext",
  what: string,
  context: SealedContext,
): never {
  const fix = reason === "version"
    ? "upgrade strata to a version that reads it"
    : `restore an earlier version of the file (strata restore), or set the secret again: ` +
      resealCommand(context);
  throw new SealedError(reason, `the sealed value of ${describeContext(context)} ${what}; ${fix}`, {
    context,
  });
}

function payloadOf(sealed: string, context: SealedContext): Uint8Array {
  const version = /^enc:v([0-9]+):/.exec(sealed);
  if (version === null) fail("not-sealed", "is not a sealed value (no enc:v1: in front)", context);
  if (version[0] !== SEALED_PREFIX) {
    fail("version", `is in format v${version[1]}, which this strata cannot open`, context);
  }
  const body = sealed.slice(SEALED_PREFIX.length);
  const column = badBase64urlColumn(body);
  if (column > 0) {
    const at = SEALED_PREFIX.length + column;
    const ch = JSON.stringify(body[column - 1]);
    fail("malformed", `is damaged: character ${at} (${ch}) is not base64url`, context);
  }
  const payload = decodeBase64url(body);
  if (payload === undefined) {
    fail(
      "malformed",
      `is damaged: its ${body.length} characters end mid-byte (cut short?)`,
      context,
    );
  }
  if (payload.length < MIN_PAYLOAD) {
    fail(
      "malformed",
      `is damaged: it holds ${payload.length} bytes, fewer than the ${MIN_PAYLOAD} of the ` +
        `smallest sealed value (cut short?)`,
      context,
    );
  }
  return payload;
}

/**
 * Opens a sealed value with an identity, in the context it is read in.
 *
 * @throws {SealedError} with `reason`: `not-sealed`, `version`, `malformed`
 * (the text is not a sealed value of a known version, or is damaged:
 * the message gives the character), `identity-text`, `identity` (sealed for
 * another identity), `moved` (sealed for another key, layer or app, or its
 * ciphertext altered; `sealedFor` names the candidate it opens at, if any),
 * `plaintext`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateIdentity } from "./sealed_keys.ts";
 * import { openValue, sealValue } from "./sealed.ts";
 * const { identity, recipient } = await generateIdentity();
 * const here = { app: "pipeline", layer: "user", key: ["db", "password"] };
 * const sealed = await sealValue(5432, recipient, here);
 * await assert.rejects(
 *   openValue(sealed, identity, { ...here, key: ["db", "user"] }),
 *   { name: "SealedError", reason: "moved" },
 * );
 * ```
 */
export async function openValue(
  sealed: string,
  identity: string | Identity,
  context: SealedContext,
  options: OpenValueOptions = {},
): Promise<OpenedValue> {
  const aad = encodeContext(context);
  const payload = payloadOf(sealed, context);
  const id = typeof identity === "string"
    ? await importIdentity(identity, options.identitySource)
    : identity;
  const where = describeContext(context);
  const reseal = resealCommand(context);
  const unlocked = await unlockPayload(payload, id.privateKey, id.publicKey);
  if (unlocked === "ephemeral") {
    fail("malformed", "is damaged: its key part is not an X25519 public key", context);
  }
  if (unlocked === "identity") {
    throw new SealedError(
      "identity",
      `cannot open the sealed value of ${where}: it was sealed for another identity, not for ` +
        `${id.recipient}${options.identitySource ? ` (${options.identitySource})` : ""}; open it ` +
        `with the identity it was sealed for (STRATA_IDENTITY or STRATA_IDENTITY_FILE), or set ` +
        `it again: ${reseal}`,
      { context },
    );
  }
  const plaintext = await decryptPayload(payload, unlocked, aad);
  if (plaintext === undefined) {
    let sealedFor: SealedContext | undefined;
    for (const candidate of options.candidates ?? []) {
      if (await decryptPayload(payload, unlocked, encodeContext(candidate)) !== undefined) {
        sealedFor = candidate;
        break;
      }
    }
    const origin = sealedFor === undefined
      ? "it was sealed for another key, layer or app and copied here, or its text was altered"
      : `it was sealed for ${describeContext(sealedFor)} and copied here`;
    throw new SealedError(
      "moved",
      `cannot open the sealed value of ${where}: ${origin}; a sealed value opens only where it ` +
        `was sealed: set it again here: ${reseal}`,
      sealedFor === undefined ? { context } : { context, sealedFor },
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
  } catch {
    fail("plaintext", "opened, but holds bytes that are not UTF-8 (its writer is faulty)", context);
  }
  const opened = decodePlaintext(text);
  if (opened === undefined) {
    fail("plaintext", "opened, but holds no single TOML value (its writer is faulty)", context);
  }
  return opened;
}

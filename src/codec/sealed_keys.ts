/**
 * The keys of sealed values and their text forms. An identity (private key)
 * opens values; its recipient (public key) seals them and may sit in plain
 * configuration, so any writer can seal a value it cannot read:
 *
 * - `strata-identity-v1:<base64url of the 32-byte X25519 private key>`
 * - `strata-recipient-v1:<base64url of the 32-byte X25519 public key>`
 *
 * Both carry the raw RFC 7748 bytes (as JWK `d`/`x` and Python's
 * `cryptography` `Raw` encoding do), never PKCS #8, so any X25519 library
 * reads them.
 *
 * @module
 */

import { decodeBase64url, encodeBase64url } from "./base64url.ts";
import { SealedError } from "./sealed_error.ts";
import { importPrivateKey, KEY_BYTES, publicKeyOf, randomPrivateKey } from "./_sealed_crypto.ts";

/** Text before the key bytes of an identity. */
export const IDENTITY_PREFIX = "strata-identity-v1:";
/** Text before the key bytes of a recipient. */
export const RECIPIENT_PREFIX = "strata-recipient-v1:";

/** An identity ready to open values (see {@link importIdentity}). */
export interface Identity {
  /** The X25519 private key. */
  readonly privateKey: CryptoKey;
  /** Its raw public key. */
  readonly publicKey: Uint8Array;
  /** Its recipient text, to name it in messages and to seal for it. */
  readonly recipient: string;
}

/** A new identity and its recipient, as text. */
export interface NewIdentity {
  /** `strata-identity-v1:...`: keep it private. */
  identity: string;
  /** `strata-recipient-v1:...`: give it to every writer that seals values. */
  recipient: string;
}

const KEY_CHARS = 43; // base64url of 32 bytes, no padding

/** What is wrong with the key part of a text that has the right prefix. */
function damage(part: string, prefix: string): string {
  return part.length !== KEY_CHARS
    ? `the part after "${prefix}" is not ${KEY_CHARS} base64url characters ` +
      `(it has ${part.length}): it was cut short or altered`
    : `the part after "${prefix}" is not the base64url of 32 bytes: it was altered`;
}

function keyBytes(text: string, prefix: string): Uint8Array | undefined {
  const t = text.trim();
  if (!t.startsWith(prefix)) return undefined;
  const raw = decodeBase64url(t.slice(prefix.length));
  return raw !== undefined && raw.length === KEY_BYTES ? raw : undefined;
}

/**
 * The raw public key of a recipient text (white space around it is ignored).
 *
 * @throws {SealedError} reason `recipient-text` (code `usage`), saying what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRecipient, parseRecipient } from "./sealed_keys.ts";
 * const text = formatRecipient(new Uint8Array(32).fill(7));
 * assert.deepEqual(parseRecipient(text + "\n"), new Uint8Array(32).fill(7));
 * ```
 */
export function parseRecipient(text: string, source = "the recipient"): Uint8Array {
  const raw = keyBytes(text, RECIPIENT_PREFIX);
  if (raw !== undefined) return raw;
  const t = text.trim();
  const why = t.startsWith(IDENTITY_PREFIX)
    ? "it is an identity (a private key: keep it secret), not a recipient"
    : t.startsWith(RECIPIENT_PREFIX)
    ? damage(t.slice(RECIPIENT_PREFIX.length), RECIPIENT_PREFIX)
    : `it does not start with "${RECIPIENT_PREFIX}"`;
  throw new SealedError(
    "recipient-text",
    `${source} is not a strata recipient key: ${why}; copy it whole from the output of ` +
      `strata --app APP key show --recipient`,
  );
}

/**
 * The raw private key of an identity text (white space around it is ignored).
 * The message never repeats the text: it may be a secret.
 *
 * @throws {SealedError} reason `identity-text` (code `usage`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatIdentity, parseIdentity } from "./sealed_keys.ts";
 * assert.deepEqual(parseIdentity(formatIdentity(new Uint8Array(32))), new Uint8Array(32));
 * ```
 */
export function parseIdentity(text: string, source = "the identity"): Uint8Array {
  const raw = keyBytes(text, IDENTITY_PREFIX);
  if (raw !== undefined) return raw;
  const t = text.trim();
  const why = t.startsWith(RECIPIENT_PREFIX)
    ? "it is a recipient (a public key: it seals values but cannot open them)"
    : t.startsWith(IDENTITY_PREFIX)
    ? damage(t.slice(IDENTITY_PREFIX.length), IDENTITY_PREFIX)
    : `it does not start with "${IDENTITY_PREFIX}"`;
  throw new SealedError(
    "identity-text",
    `${source} is not a strata identity: ${why}; use the whole text that ` +
      `strata --app APP key init stored`,
  );
}

/**
 * Recipient text of a raw 32-byte public key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRecipient } from "./sealed_keys.ts";
 * assert.equal(formatRecipient(new Uint8Array(32)), "strata-recipient-v1:" + "A".repeat(43));
 * ```
 */
export function formatRecipient(publicKey: Uint8Array): string {
  if (publicKey.length !== KEY_BYTES) throw new RangeError("a recipient key is 32 bytes");
  return RECIPIENT_PREFIX + encodeBase64url(publicKey);
}

/**
 * Identity text of a raw 32-byte private key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatIdentity } from "./sealed_keys.ts";
 * assert.ok(formatIdentity(new Uint8Array(32)).startsWith("strata-identity-v1:"));
 * ```
 */
export function formatIdentity(privateKey: Uint8Array): string {
  if (privateKey.length !== KEY_BYTES) throw new RangeError("an identity key is 32 bytes");
  return IDENTITY_PREFIX + encodeBase64url(privateKey);
}

/**
 * Reads an identity text into a key that opens values.
 *
 * @throws {SealedError} reason `identity-text` for a text that is not an identity.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateIdentity, importIdentity } from "./sealed_keys.ts";
 * const made = await generateIdentity();
 * assert.equal((await importIdentity(made.identity)).recipient, made.recipient);
 * ```
 */
export async function importIdentity(text: string, source?: string): Promise<Identity> {
  const privateKey = await importPrivateKey(parseIdentity(text, source));
  const publicKey = await publicKeyOf(privateKey);
  return { privateKey, publicKey, recipient: formatRecipient(publicKey) };
}

/**
 * Makes a new identity (32 random bytes) and its recipient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateIdentity } from "./sealed_keys.ts";
 * const { identity, recipient } = await generateIdentity();
 * assert.ok(identity.startsWith("strata-identity-v1:") && recipient.startsWith("strata-recipient-v1:"));
 * ```
 */
export async function generateIdentity(): Promise<NewIdentity> {
  const raw = randomPrivateKey();
  const publicKey = await publicKeyOf(await importPrivateKey(raw));
  return { identity: formatIdentity(raw), recipient: formatRecipient(publicKey) };
}

/**
 * The recipient text of an identity text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateIdentity, recipientOf } from "./sealed_keys.ts";
 * const made = await generateIdentity();
 * assert.equal(await recipientOf(made.identity), made.recipient);
 * ```
 */
export async function recipientOf(identity: string, source?: string): Promise<string> {
  return (await importIdentity(identity, source)).recipient;
}

/**
 * Sealing with a given ephemeral private key: {@link sealValue} passes fresh
 * random bytes; the tests pass fixed ones to reproduce the test vectors of
 * PROTOCOL.md. Internal to `src/codec/`.
 *
 * @module
 */

import type { TomlValue } from "../toml/parse.ts";
import { encodeBase64url } from "./base64url.ts";
import { SEALED_PREFIX } from "./is_sealed.ts";
import { encodeContext, type SealedContext } from "./sealed_context.ts";
import { SealedError } from "./sealed_error.ts";
import { formatRecipient, parseRecipient } from "./sealed_keys.ts";
import { encodePlaintext, type PlaintextOptions } from "./sealed_plaintext.ts";
import { sealBytes } from "./_sealed_crypto.ts";

/**
 * `enc:v1:...` for `value`, sealed for `recipient` in `context`, with the
 * ephemeral private key `ephemeralPrivate` (32 bytes; MUST be fresh random
 * bytes for every value outside tests).
 */
export async function sealValueWith(
  value: TomlValue,
  recipient: string | Uint8Array,
  context: SealedContext,
  ephemeralPrivate: Uint8Array,
  options: PlaintextOptions = {},
): Promise<string> {
  const recipientKey = typeof recipient === "string" ? parseRecipient(recipient) : recipient;
  const aad = encodeContext(context);
  const plaintext = new TextEncoder().encode(encodePlaintext(value, options));
  const payload = await sealBytes(plaintext, recipientKey, ephemeralPrivate, aad);
  if (payload === undefined) {
    throw new SealedError(
      "recipient",
      `cannot seal for the recipient ${formatRecipient(recipientKey)}: it is not a usable ` +
        `X25519 public key (a low-order point, which anyone could open); copy the recipient ` +
        `whole from the output of strata --app APP key show --recipient`,
      { context },
    );
  }
  return SEALED_PREFIX + encodeBase64url(payload);
}

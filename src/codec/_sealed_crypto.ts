/**
 * The cryptography of sealed values, from WebCrypto only (`crypto.subtle`,
 * read when called: importing this module does nothing). X25519 between an
 * ephemeral key and the recipient, HKDF-SHA256 to an AES-256-GCM key and its
 * nonce, AES-256-GCM with the context as associated data. PROTOCOL.md,
 * "Sealed values", is the contract; this file speaks bytes, never words.
 *
 * Internal to `src/codec/` (and the tests, which inject the ephemeral key to
 * reproduce the published test vectors).
 *
 * @module
 */

import { decodeBase64url } from "./base64url.ts";

/** HKDF `info`: ASCII, 16 bytes. */
export const HKDF_INFO = "strata sealed v1";
/** Bytes of an X25519 key, public or private. */
export const KEY_BYTES = 32;
/** Bytes of the AES-GCM nonce. */
export const NONCE_BYTES = 12;
/** Bytes of the AES-GCM tag. */
export const TAG_BYTES = 16;

/** PKCS #8 of an X25519 private key is this DER prefix, then the 32 raw bytes (RFC 8410). */
const PKCS8_X25519 = [
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x6e,
  0x04,
  0x22,
  0x04,
  0x20,
];

const X25519 = { name: "X25519" };

function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** The raw 32-byte private key as a WebCrypto key (extractable, so its public key can be read). */
export async function importPrivateKey(raw: Uint8Array): Promise<CryptoKey> {
  const pkcs8 = new Uint8Array(PKCS8_X25519.length + KEY_BYTES);
  pkcs8.set(PKCS8_X25519);
  pkcs8.set(raw, PKCS8_X25519.length);
  return await crypto.subtle.importKey("pkcs8", pkcs8, X25519, true, ["deriveBits"]);
}

/** The raw 32-byte public key of a private key imported by {@link importPrivateKey}. */
export async function publicKeyOf(privateKey: CryptoKey): Promise<Uint8Array> {
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  const raw = jwk.x === undefined ? undefined : decodeBase64url(jwk.x);
  if (raw === undefined || raw.length !== KEY_BYTES) {
    throw new Error("WebCrypto exported an X25519 key without its public part");
  }
  return raw;
}

/** A fresh random private key, raw (any 32 bytes are one: X25519 clamps them when used). */
export function randomPrivateKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

/**
 * X25519(privateKey, peer), or undefined when the peer is not a usable public
 * key (the shared secret would be all zero: a low-order point).
 */
async function sharedSecret(
  privateKey: CryptoKey,
  peer: Uint8Array,
): Promise<Uint8Array | undefined> {
  let bits: ArrayBuffer;
  try {
    const peerKey = await crypto.subtle.importKey("raw", buffer(peer), X25519, true, []);
    bits = await crypto.subtle.deriveBits({ name: "X25519", public: peerKey }, privateKey, 256);
  } catch {
    return undefined;
  }
  const secret = new Uint8Array(bits);
  return secret.some((b) => b !== 0) ? secret : undefined;
}

/** The AES-256-GCM key and nonce of one sealed value. */
export interface ValueKey {
  /** AES-256-GCM key (HKDF output bytes 0-31). */
  key: CryptoKey;
  /** The nonce (HKDF output bytes 32-43). */
  nonce: Uint8Array;
}

/**
 * HKDF-SHA256(ikm = shared secret, salt = ephemeral public | recipient
 * public, info = {@link HKDF_INFO}, 44 bytes): the AES key, then the nonce.
 */
async function deriveValueKey(
  shared: Uint8Array,
  ephemeralPublic: Uint8Array,
  recipientPublic: Uint8Array,
): Promise<ValueKey> {
  const salt = new Uint8Array(2 * KEY_BYTES);
  salt.set(ephemeralPublic);
  salt.set(recipientPublic, KEY_BYTES);
  const ikm = await crypto.subtle.importKey("raw", buffer(shared), "HKDF", false, ["deriveBits"]);
  const okm = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt, info: new TextEncoder().encode(HKDF_INFO) },
      ikm,
      8 * (KEY_BYTES + NONCE_BYTES),
    ),
  );
  const key = await crypto.subtle.importKey("raw", okm.slice(0, KEY_BYTES), "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
  return { key, nonce: okm.slice(KEY_BYTES) };
}

/**
 * Seals `plaintext` for `recipientPublic` with the given ephemeral private
 * key: the payload `ephemeral public | nonce | ciphertext | tag`, or
 * undefined when the recipient is not a usable public key. The ephemeral key
 * MUST be fresh random bytes for every value; only tests pass fixed ones.
 */
export async function sealBytes(
  plaintext: Uint8Array,
  recipientPublic: Uint8Array,
  ephemeralPrivate: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array | undefined> {
  const ephemeral = await importPrivateKey(ephemeralPrivate);
  const ephemeralPublic = await publicKeyOf(ephemeral);
  const shared = await sharedSecret(ephemeral, recipientPublic);
  if (shared === undefined) return undefined;
  const { key, nonce } = await deriveValueKey(shared, ephemeralPublic, recipientPublic);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: buffer(nonce), additionalData: buffer(aad), tagLength: 128 },
      key,
      buffer(plaintext),
    ),
  );
  const payload = new Uint8Array(KEY_BYTES + NONCE_BYTES + sealed.length);
  payload.set(ephemeralPublic);
  payload.set(nonce, KEY_BYTES);
  payload.set(sealed, KEY_BYTES + NONCE_BYTES);
  return payload;
}

/**
 * The first step of opening a payload: derive its key with the identity.
 * `ephemeral`: the payload's ephemeral key is not a usable public key;
 * `identity`: the derived nonce differs from the payload's, so the value was
 * sealed for another identity (or its first 44 bytes were altered).
 */
export async function unlockPayload(
  payload: Uint8Array,
  privateKey: CryptoKey,
  publicKey: Uint8Array,
): Promise<ValueKey | "ephemeral" | "identity"> {
  const ephemeralPublic = payload.subarray(0, KEY_BYTES);
  const shared = await sharedSecret(privateKey, ephemeralPublic);
  if (shared === undefined) return "ephemeral";
  const derived = await deriveValueKey(shared, ephemeralPublic, publicKey);
  const stored = payload.subarray(KEY_BYTES, KEY_BYTES + NONCE_BYTES);
  let diff = 0;
  for (let i = 0; i < NONCE_BYTES; i++) diff |= stored[i] ^ derived.nonce[i];
  return diff === 0 ? derived : "identity";
}

/** The plaintext, or undefined when the tag does not authenticate with this associated data. */
export async function decryptPayload(
  payload: Uint8Array,
  valueKey: ValueKey,
  aad: Uint8Array,
): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: buffer(valueKey.nonce),
          additionalData: buffer(aad),
          tagLength: 128,
        },
        valueKey.key,
        buffer(payload.subarray(KEY_BYTES + NONCE_BYTES)),
      ),
    );
  } catch {
    return undefined;
  }
}

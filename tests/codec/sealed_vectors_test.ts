import { test } from "node:test";
import assert from "node:assert/strict";
import { openValue } from "../../src/codec/sealed.ts";
import { sealValueWith } from "../../src/codec/_seal_value.ts";
import { encodeContext } from "../../src/codec/sealed_context.ts";
import { importIdentity, parseIdentity, recipientOf } from "../../src/codec/sealed_keys.ts";
import { decodePlaintext, encodePlaintext } from "../../src/codec/sealed_plaintext.ts";
import { importPrivateKey, publicKeyOf } from "../../src/codec/_sealed_crypto.ts";
import { parseKey } from "../../src/keys.ts";
import { fromHex, readVectors, toHex } from "./_vectors.ts";

const vectors = readVectors();

test("PROTOCOL.md holds the test vectors", () => {
  assert.equal(vectors.length, 3);
  // The first shared secret is RFC 7748's (section 6.1).
  assert.equal(
    vectors[0]["shared secret"],
    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
  );
});

for (const [i, v] of vectors.entries()) {
  const context = { app: v.app, layer: v.layer, key: parseKey(v.key) };

  test(`vector ${i + 1}: keys, associated data and plaintext`, async () => {
    assert.equal(await recipientOf(v.identity), v.recipient);
    const ephemeral = await importPrivateKey(fromHex(v.ephemeral));
    assert.equal(toHex(await publicKeyOf(ephemeral)), v["ephemeral public"]);
    assert.equal(toHex(encodeContext(context)), v.aad);
    const opened = decodePlaintext(v.plaintext);
    assert.ok(opened !== undefined);
    assert.equal(encodePlaintext(opened.value), v.plaintext);
  });

  test(`vector ${i + 1}: the key schedule, step by step with WebCrypto`, async () => {
    // An independent computation of 13.4 steps 2 and 3, straight from the page.
    const identity = await importIdentity(v.identity);
    const subtle = crypto.subtle;
    const ephemeral = await importPrivateKey(fromHex(v.ephemeral));
    const recipient = await subtle.importKey(
      "raw",
      new Uint8Array(identity.publicKey),
      { name: "X25519" },
      true,
      [],
    );
    const shared = new Uint8Array(
      await subtle.deriveBits({ name: "X25519", public: recipient }, ephemeral, 256),
    );
    assert.equal(toHex(shared), v["shared secret"]);
    const ikm = await subtle.importKey("raw", shared, "HKDF", false, ["deriveBits"]);
    const salt = new Uint8Array([...fromHex(v["ephemeral public"]), ...identity.publicKey]);
    const info = new TextEncoder().encode("strata sealed v1");
    const okm = new Uint8Array(
      await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, ikm, 44 * 8),
    );
    assert.equal(toHex(okm.slice(0, 32)), v["aes key"]);
    assert.equal(toHex(okm.slice(32)), v.nonce);
    // The sealed text is E | N | AES-256-GCM(P, A) with that key and nonce.
    const aes = await subtle.importKey("raw", okm.slice(0, 32), "AES-GCM", false, ["encrypt"]);
    const sealed = new Uint8Array(
      await subtle.encrypt(
        { name: "AES-GCM", iv: okm.slice(32), additionalData: fromHex(v.aad) },
        aes,
        new TextEncoder().encode(v.plaintext),
      ),
    );
    const payload = new Uint8Array([
      ...fromHex(v["ephemeral public"]),
      ...okm.slice(32),
      ...sealed,
    ]);
    const b64 = btoa(String.fromCharCode(...payload)).replaceAll("+", "-").replaceAll("/", "_")
      .replace(/=+$/, "");
    assert.equal("enc:v1:" + b64, v.sealed);
  });

  test(`vector ${i + 1}: sealValue gives the text, openValue the value`, async () => {
    const opened = decodePlaintext(v.plaintext)!;
    const sealed = await sealValueWith(opened.value, v.recipient, context, fromHex(v.ephemeral));
    assert.equal(sealed, v.sealed);
    assert.deepEqual(await openValue(v.sealed, v.identity, context), opened);
    assert.equal(parseIdentity(v.identity).length, 32);
  });
}

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  formatIdentity,
  formatRecipient,
  generateIdentity,
  importIdentity,
  parseIdentity,
  parseRecipient,
  recipientOf,
} from "../../src/codec/sealed_keys.ts";
import { SealedError } from "../../src/codec/sealed_error.ts";

test("identities are 32 random bytes; each recipient is its own public key", async () => {
  const a = await generateIdentity();
  const b = await generateIdentity();
  assert.notEqual(a.identity, b.identity);
  assert.notEqual(a.recipient, b.recipient);
  assert.match(a.identity, /^strata-identity-v1:[A-Za-z0-9_-]{43}$/);
  assert.match(a.recipient, /^strata-recipient-v1:[A-Za-z0-9_-]{43}$/);
  assert.equal(await recipientOf(a.identity), a.recipient);
  const imported = await importIdentity(`  ${b.identity}\r\n`);
  assert.equal(imported.recipient, b.recipient);
  assert.deepEqual(imported.publicKey, parseRecipient(b.recipient));
});

test("the text forms carry the raw key bytes", () => {
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => i * 8);
  assert.equal(
    formatRecipient(bytes),
    "strata-recipient-v1:AAgQGCAoMDhASFBYYGhweICIkJigqLC4wMjQ2ODo8Pg",
  );
  assert.deepEqual(parseRecipient(formatRecipient(bytes)), bytes);
  assert.deepEqual(parseIdentity(formatIdentity(bytes)), bytes);
  assert.throws(() => formatRecipient(new Uint8Array(31)), RangeError);
});

test("key texts that are not keys are refused, saying what is wrong", async () => {
  const { identity, recipient } = await generateIdentity();
  const cases: [() => unknown, string, string][] = [
    [
      () => parseRecipient(identity),
      "recipient-text",
      "the recipient is not a strata recipient key: it is an identity (a private key: keep it " +
      "secret), not a recipient; copy it whole from the output of strata --app APP key show --recipient",
    ],
    [
      () => parseRecipient(recipient.slice(0, -2), "--seal"),
      "recipient-text",
      '--seal is not a strata recipient key: the part after "strata-recipient-v1:" is not 43 ' +
      "base64url characters (it has 41): it was cut short or altered; copy it whole from the " +
      "output of strata --app APP key show --recipient",
    ],
    [
      () => parseRecipient("age1qqq"),
      "recipient-text",
      'the recipient is not a strata recipient key: it does not start with "strata-recipient-v1:"; ' +
      "copy it whole from the output of strata --app APP key show --recipient",
    ],
    [
      () => parseIdentity(recipient),
      "identity-text",
      "the identity is not a strata identity: it is a recipient (a public key: it seals values " +
      "but cannot open them); use the whole text that strata --app APP key init stored",
    ],
    [
      () => parseIdentity("strata-identity-v1:" + "A".repeat(42) + "B"),
      "identity-text",
      'the identity is not a strata identity: the part after "strata-identity-v1:" is not the ' +
      "base64url of 32 bytes: it was altered; use the whole text that strata --app APP key init stored",
    ],
  ];
  for (const [call, reason, message] of cases) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof SealedError);
      assert.equal(e.reason, reason);
      assert.equal(e.code, "usage");
      assert.equal(e.message, message);
      return true;
    });
  }
});

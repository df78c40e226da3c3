import { test } from "node:test";
import assert from "node:assert/strict";
import { openValue, type SealedContext, sealValue } from "../../src/codec/sealed.ts";
import { SealedError, type SealedFailure } from "../../src/codec/sealed_error.ts";
import { formatIdentity, generateIdentity, importIdentity } from "../../src/codec/sealed_keys.ts";
import { encodeContext } from "../../src/codec/sealed_context.ts";
import { decodeBase64url, encodeBase64url } from "../../src/codec/base64url.ts";
import { sealBytes } from "../../src/codec/_sealed_crypto.ts";
import { parse } from "../../src/toml/parse.ts";
import { StrataError } from "../../src/errors.ts";

// The identity of PROTOCOL.md's test vectors (RFC 7748 section 6.1, "Bob").
const IDENTITY = formatIdentity(
  Uint8Array.from(
    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb".match(/../g)!,
    (h) => parseInt(h, 16),
  ),
);
const RECIPIENT = "strata-recipient-v1:3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08";
const HERE: SealedContext = { app: "pipeline", layer: "user", key: ["db", "password"] };
const WHERE = "key db.password (app pipeline, layer user)";

/** Asserts that `promise` rejects with a SealedError of `reason` and exactly `message`. */
async function rejectsWith(
  promise: Promise<unknown>,
  reason: SealedFailure,
  message: string,
): Promise<SealedError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof SealedError, `expected a SealedError, got ${caught}`);
  assert.ok(caught instanceof StrataError);
  assert.equal(caught.reason, reason);
  assert.equal(caught.message, message);
  assert.equal(caught.exitCode, reason.endsWith("-text") || reason === "recipient" ? 2 : 3);
  return caught;
}

/** `sealed` with the character at `index` (counted in the whole text) replaced by another. */
function alter(sealed: string, index: number): string {
  const other = sealed[index] === "A" ? "B" : "A";
  return sealed.slice(0, index) + other + sealed.slice(index + 1);
}

test("every TOML value type comes back with its type", async () => {
  const doc = parse(
    [
      'text = "pa\\"ss\\\\wörd \\u0001\\t✓ 🔑"',
      'empty = ""',
      "int = -5432",
      "big = 9223372036854775807",
      "small = -9223372036854775808",
      "beyond53 = 9007199254740993",
      "float = 3.25",
      "inf = -inf",
      "nan = nan",
      "yes = true",
      "no = false",
      "odt = 1979-05-27T00:32:00.999999-07:00",
      "ldt = 1979-05-27T07:32:00",
      "ld = 1979-05-27",
      "lt = 07:32:00.5",
      'arr = [1, "two", [3.5, false], { k = "v" }]',
      "none = []",
      'tab = { user = "ana", "eu.west" = { port = 1 } }',
      "blank = {}",
    ].join("\n"),
  );
  for (const [name, value] of Object.entries(doc)) {
    const context = { ...HERE, key: ["t", name] };
    const sealed = await sealValue(value, RECIPIENT, context);
    const opened = await openValue(sealed, IDENTITY, context);
    assert.deepEqual(opened, { value, float: false }, name);
  }
  assert.equal(typeof doc.big, "bigint");
});

test("a whole-number float stays a float when sealed as one", async () => {
  const sealed = await sealValue(3, RECIPIENT, HERE, { float: true });
  assert.deepEqual(await openValue(sealed, IDENTITY, HERE), { value: 3, float: true });
  const int = await sealValue(3, RECIPIENT, HERE);
  assert.deepEqual(await openValue(int, IDENTITY, HERE), { value: 3, float: false });
  const negativeZero = await openValue(await sealValue(-0, RECIPIENT, HERE), IDENTITY, HERE);
  assert.ok(Object.is(negativeZero.value, -0) && negativeZero.float);
});

test("each seal uses a fresh ephemeral key: the same value seals to different texts", async () => {
  const a = await sealValue("same", RECIPIENT, HERE);
  const b = await sealValue("same", RECIPIENT, HERE);
  assert.notEqual(a, b);
  assert.notEqual(a.slice(7, 50), b.slice(7, 50));
  // 7 + 43 (E) + 16 (N) + ... : "same" is 6 bytes of plaintext, so 32 + 12 + 6 + 16 = 66 bytes.
  assert.equal(decodeBase64url(a.slice(7))!.length, 66);
  assert.equal((await openValue(b, IDENTITY, HERE)).value, "same");
});

test("an identity object opens many values without re-reading the text", async () => {
  const identity = await importIdentity(IDENTITY);
  assert.equal(identity.recipient, RECIPIENT);
  const sealed = await sealValue(["x", 1], RECIPIENT, HERE);
  assert.deepEqual((await openValue(sealed, identity, HERE)).value, ["x", 1]);
});

test("another identity cannot open it, and the error says so", async () => {
  const other = await generateIdentity();
  const sealed = await sealValue("hunter2", RECIPIENT, HERE);
  await rejectsWith(
    openValue(sealed, other.identity, HERE),
    "identity",
    `cannot open the sealed value of ${WHERE}: it was sealed for another identity, not for ` +
      `${other.recipient}; open it with the identity it was sealed for (STRATA_IDENTITY or ` +
      `STRATA_IDENTITY_FILE), or set it again: strata --app pipeline set --secret db.password`,
  );
  await rejectsWith(
    openValue(sealed, other.identity, HERE, { identitySource: "STRATA_IDENTITY_FILE /run/k" }),
    "identity",
    `cannot open the sealed value of ${WHERE}: it was sealed for another identity, not for ` +
      `${other.recipient} (STRATA_IDENTITY_FILE /run/k); open it with the identity it was ` +
      `sealed for (STRATA_IDENTITY or STRATA_IDENTITY_FILE), or set it again: ` +
      `strata --app pipeline set --secret db.password`,
  );
});

test("a value moved to another key, layer or app does not open", async () => {
  const sealed = await sealValue("hunter2", RECIPIENT, HERE);
  // [where it is read, how messages name it, the command that seals it again there]
  const places: [SealedContext, string, string][] = [
    [
      { ...HERE, key: ["db", "user"] },
      "key db.user (app pipeline, layer user)",
      "strata --app pipeline set --secret db.user",
    ],
    [
      { ...HERE, key: ["db"] },
      "key db (app pipeline, layer user)",
      "strata --app pipeline set --secret db",
    ],
    [
      { ...HERE, key: ["db", "password", "x"] },
      "key db.password.x (app pipeline, layer user)",
      "strata --app pipeline set --secret db.password.x",
    ],
    [
      { ...HERE, key: ["db.password"] },
      'key "db.password" (app pipeline, layer user)',
      `strata --app pipeline set --secret '"db.password"'`,
    ],
    [
      { ...HERE, layer: "project" },
      "key db.password (app pipeline, layer project)",
      "strata --app pipeline set --secret --project db.password",
    ],
    [
      { ...HERE, layer: "system" },
      "key db.password (app pipeline, layer system)",
      "strata --app pipeline set --secret --system db.password",
    ],
    [
      { ...HERE, app: "it's" },
      "key db.password (app it's, layer user)",
      `strata --app 'it'\\''s' set --secret db.password`,
    ],
    [
      { app: "_file", layer: "file", key: ["pw"] },
      "key pw (app _file, layer file)",
      "strata --file FILE set --secret pw",
    ],
  ];
  for (const [context, where, command] of places) {
    const e = await rejectsWith(
      openValue(sealed, IDENTITY, context),
      "moved",
      `cannot open the sealed value of ${where}: it was sealed for another key, layer or app ` +
        `and copied here, or its text was altered; a sealed value opens only where it was ` +
        `sealed: set it again here: ${command}`,
    );
    assert.deepEqual(e.context, context);
    assert.equal(e.sealedFor, undefined);
  }
});

test("with candidates, the error names the place a moved value was sealed for", async () => {
  const old = { ...HERE, key: ["db", "old_password"] };
  const sealed = await sealValue("hunter2", RECIPIENT, old);
  const e = await rejectsWith(
    openValue(sealed, IDENTITY, HERE, {
      candidates: [{ ...HERE, key: ["db", "user"] }, old, { ...HERE, layer: "system" }],
    }),
    "moved",
    `cannot open the sealed value of ${WHERE}: it was sealed for key db.old_password ` +
      `(app pipeline, layer user) and copied here; a sealed value opens only where it was ` +
      `sealed: set it again here: strata --app pipeline set --secret db.password`,
  );
  assert.deepEqual(e.sealedFor, old);
});

test("an altered tag or ciphertext is refused; an altered nonce or key part too", async () => {
  const sealed = await sealValue("hunter2", RECIPIENT, HERE);
  // Characters 8-50 carry E, 51-66 N (and the first bits of C), the last 22 the tag.
  const moved =
    `cannot open the sealed value of ${WHERE}: it was sealed for another key, layer or ` +
    `app and copied here, or its text was altered; a sealed value opens only where it was ` +
    `sealed: set it again here: strata --app pipeline set --secret db.password`;
  await rejectsWith(openValue(alter(sealed, sealed.length - 10), IDENTITY, HERE), "moved", moved);
  await rejectsWith(openValue(alter(sealed, 7 + 60), IDENTITY, HERE), "moved", moved);
  const identity =
    `cannot open the sealed value of ${WHERE}: it was sealed for another identity, ` +
    `not for ${RECIPIENT}; open it with the identity it was sealed for (STRATA_IDENTITY or ` +
    `STRATA_IDENTITY_FILE), or set it again: strata --app pipeline set --secret db.password`;
  await rejectsWith(openValue(alter(sealed, 7 + 45), IDENTITY, HERE), "identity", identity);
  await rejectsWith(openValue(alter(sealed, 7 + 3), IDENTITY, HERE), "identity", identity);
});

test("damaged text says what and where", async () => {
  // "hunter" is 8 bytes of plaintext: 32 + 12 + 8 + 16 = 68 bytes, 91 characters.
  const sealed = await sealValue("hunter", RECIPIENT, HERE);
  assert.equal(sealed.length, 7 + 91);
  const fix = "restore an earlier version of the file (strata restore), or set the secret " +
    "again: strata --app pipeline set --secret db.password";
  const damaged = (what: string) => `the sealed value of ${WHERE} is damaged: ${what}; ${fix}`;
  await rejectsWith(
    openValue(sealed.slice(0, 20) + "!" + sealed.slice(21), IDENTITY, HERE),
    "malformed",
    damaged('character 21 ("!") is not base64url'),
  );
  await rejectsWith(
    openValue(sealed + "=", IDENTITY, HERE),
    "malformed",
    damaged('character 99 ("=") is not base64url'),
  );
  await rejectsWith(
    openValue(sealed.slice(0, 30) + "\n" + sealed.slice(30), IDENTITY, HERE),
    "malformed",
    damaged('character 31 ("\\n") is not base64url'),
  );
  // 93 characters: 4n + 1 is the length of no encoding.
  await rejectsWith(
    openValue(sealed + "AA", IDENTITY, HERE),
    "malformed",
    damaged("its 93 characters end mid-byte (cut short?)"),
  );
  // The last of 91 characters carries 2 unused bits; set one of them.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const stray = alphabet[alphabet.indexOf(sealed[sealed.length - 1]) ^ 1];
  await rejectsWith(
    openValue(sealed.slice(0, -1) + stray, IDENTITY, HERE),
    "malformed",
    damaged("its 91 characters end mid-byte (cut short?)"),
  );
  await rejectsWith(
    openValue(sealed.slice(0, 7 + 80), IDENTITY, HERE),
    "malformed",
    damaged("it holds 60 bytes, fewer than the 61 of the smallest sealed value (cut short?)"),
  );
  await rejectsWith(
    openValue("enc:v1:", IDENTITY, HERE),
    "malformed",
    damaged("it holds 0 bytes, fewer than the 61 of the smallest sealed value (cut short?)"),
  );
  // Whole bytes cut from the end: the tag no longer verifies.
  await rejectsWith(
    openValue(sealed.slice(0, 7 + 84), IDENTITY, HERE),
    "moved",
    `cannot open the sealed value of ${WHERE}: it was sealed for another key, layer or app ` +
      `and copied here, or its text was altered; a sealed value opens only where it was ` +
      `sealed: set it again here: strata --app pipeline set --secret db.password`,
  );
});

test("other versions and other texts are refused as such", async () => {
  const sealed = await sealValue("hunter2", RECIPIENT, HERE);
  await rejectsWith(
    openValue("enc:v2:" + sealed.slice(7), IDENTITY, HERE),
    "version",
    `the sealed value of ${WHERE} is in format v2, which this strata cannot open; ` +
      "upgrade strata to a version that reads it",
  );
  for (const text of ["hunter2", "enc:V1:" + sealed.slice(7), "enc:v1" + sealed.slice(7), ""]) {
    await rejectsWith(
      openValue(text, IDENTITY, HERE),
      "not-sealed",
      `the sealed value of ${WHERE} is not a sealed value (no enc:v1: in front); ` +
        "restore an earlier version of the file (strata restore), or set the secret again: " +
        "strata --app pipeline set --secret db.password",
    );
  }
});

test("what opened must be one TOML value in UTF-8", async () => {
  const identity = await importIdentity(IDENTITY);
  const ephemeral = new Uint8Array(32).fill(9);
  const cases: [Uint8Array, string][] = [
    [
      new Uint8Array([0xff, 0xfe]),
      "opened, but holds bytes that are not UTF-8 (its writer is faulty)",
    ],
    [
      new TextEncoder().encode("1\nw = 2"),
      "opened, but holds no single TOML value (its writer is faulty)",
    ],
    [
      new TextEncoder().encode("hunter2"),
      "opened, but holds no single TOML value (its writer is faulty)",
    ],
    [
      new TextEncoder().encode("1 2"),
      "opened, but holds no single TOML value (its writer is faulty)",
    ],
  ];
  for (const [plaintext, what] of cases) {
    const payload = await sealBytes(plaintext, identity.publicKey, ephemeral, encodeContext(HERE));
    await rejectsWith(
      openValue("enc:v1:" + encodeBase64url(payload!), identity, HERE),
      "plaintext",
      `the sealed value of ${WHERE} ${what}; restore an earlier version of the file ` +
        "(strata restore), or set the secret again: strata --app pipeline set --secret db.password",
    );
  }
});

test("a low-order recipient is refused before anything is sealed", async () => {
  for (const u of [0, 1]) {
    const point = new Uint8Array(32);
    point[0] = u;
    const text = "strata-recipient-v1:" + encodeBase64url(point);
    await rejectsWith(
      sealValue("x", text, HERE),
      "recipient",
      `cannot seal for the recipient ${text}: it is not a usable X25519 public key (a ` +
        `low-order point, which anyone could open); copy the recipient whole from the ` +
        `output of strata --app APP key show --recipient`,
    );
  }
});

test("a damaged key part of the value (a low-order ephemeral key) is damage", async () => {
  const zeros = "enc:v1:" + encodeBase64url(new Uint8Array(70));
  await rejectsWith(
    openValue(zeros, IDENTITY, HERE),
    "malformed",
    `the sealed value of ${WHERE} is damaged: its key part is not an X25519 public key; ` +
      "restore an earlier version of the file (strata restore), or set the secret again: " +
      "strata --app pipeline set --secret db.password",
  );
});

test("an identity text that is not one is refused without repeating it", async () => {
  await rejectsWith(
    openValue(await sealValue(1, RECIPIENT, HERE), RECIPIENT, HERE),
    "identity-text",
    "the identity is not a strata identity: it is a recipient (a public key: it seals values " +
      "but cannot open them); use the whole text that strata --app APP key init stored",
  );
  const secret = IDENTITY.slice(0, -1);
  const e = await rejectsWith(
    openValue(await sealValue(1, RECIPIENT, HERE), secret, HERE, {
      identitySource: "STRATA_IDENTITY",
    }),
    "identity-text",
    'STRATA_IDENTITY is not a strata identity: the part after "strata-identity-v1:" is not 43 ' +
      "base64url characters (it has 42): it was cut short or altered; use the whole text that " +
      "strata --app APP key init stored",
  );
  assert.ok(!e.message.includes(secret.slice(19)));
});

test("the context must name an app, a layer and a key", async () => {
  for (const context of [{ ...HERE, app: "" }, { ...HERE, layer: "" }, { ...HERE, key: [] }]) {
    await assert.rejects(sealValue(1, RECIPIENT, context), {
      name: "StrataError",
      code: "usage",
      message:
        "a sealed value needs an app, a layer and a key to be bound to; one of them is empty",
    });
  }
  await assert.rejects(sealValue(1, RECIPIENT, { ...HERE, key: ["a\uD800"] }), {
    code: "usage",
    message: 'cannot seal for key segment "a\\ud800": it holds half of a surrogate pair, which ' +
      "is not Unicode text; name it with whole characters",
  });
});

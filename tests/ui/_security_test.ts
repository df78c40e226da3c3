import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cookieValue,
  isOwnHost,
  isOwnOrigin,
  newToken,
  sameToken,
  tokenCookie,
} from "../../src/ui/_security.ts";

test("isOwnHost: loopback names with this port only", () => {
  for (const host of ["127.0.0.1:8123", "localhost:8123", "LOCALHOST:8123", "[::1]:8123"]) {
    assert.equal(isOwnHost(host, 8123), true, host);
  }
  for (
    const host of [
      null,
      "",
      "127.0.0.1",
      "127.0.0.1:8124",
      "127.0.0.1:08123",
      "evil.example:8123",
      "localhost.evil.example:8123",
      "127.0.0.2:8123",
      "0.0.0.0:8123",
      "[::1]",
      ":8123",
    ]
  ) {
    assert.equal(isOwnHost(host, 8123), false, String(host));
  }
});

test("isOwnOrigin: http and the very Host, nothing else", () => {
  assert.equal(isOwnOrigin("http://127.0.0.1:8123", "127.0.0.1:8123"), true);
  assert.equal(isOwnOrigin("http://localhost:8123", "localhost:8123"), true);
  assert.equal(isOwnOrigin("http://127.0.0.1:8124", "127.0.0.1:8123"), false);
  assert.equal(isOwnOrigin("https://127.0.0.1:8123", "127.0.0.1:8123"), false);
  assert.equal(isOwnOrigin("http://localhost:8123", "127.0.0.1:8123"), false);
  assert.equal(isOwnOrigin("null", "127.0.0.1:8123"), false);
  assert.equal(isOwnOrigin(null, "127.0.0.1:8123"), false);
});

test("cookieValue, sameToken, tokenCookie, newToken", () => {
  assert.equal(cookieValue("a=1; strata_ui=xyz; b=2", "strata_ui"), "xyz");
  assert.equal(cookieValue("xstrata_ui=xyz", "strata_ui"), undefined);
  assert.equal(cookieValue(null, "strata_ui"), undefined);
  assert.equal(sameToken("abc", "abc"), true);
  assert.equal(sameToken("abd", "abc"), false);
  assert.equal(sameToken("ab", "abc"), false);
  assert.equal(sameToken(undefined, "abc"), false);
  assert.equal(tokenCookie("T"), "strata_ui=T; HttpOnly; SameSite=Strict; Path=/");
  const a = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newToken(), a);
});

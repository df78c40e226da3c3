/**
 * The checks every request to the GUI's server passes: the Host header names
 * this server on a loopback name (DNS rebinding), the token (in the URL once,
 * then in a cookie), and for a change the Origin of the page itself (a
 * SameSite cookie is still sent from another port of 127.0.0.1). Pure
 * functions over a request's headers.
 *
 * @module
 */

/** The cookie that carries the token after the first load. */
export const COOKIE_NAME = "strata_ui";

/** The host names that mean this machine. */
const LOOPBACK_NAMES: readonly string[] = ["127.0.0.1", "localhost", "[::1]"];

/**
 * The headers of every response: a strict Content-Security-Policy (nothing
 * but this server, no inline code), no framing, no sniffing, no caching.
 * No CORS header is ever sent.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/**
 * True when `host` (a Host header) is a loopback name with this server's
 * port: `127.0.0.1:8123`, `localhost:8123`, `[::1]:8123`.
 *
 * @example
 * ```ts
 * import { isOwnHost } from "./_security.ts";
 * console.assert(isOwnHost("127.0.0.1:8123", 8123));
 * console.assert(!isOwnHost("evil.example:8123", 8123));
 * ```
 */
export function isOwnHost(host: string | null, port: number): boolean {
  if (host === null) return false;
  const at = host.lastIndexOf(":");
  if (at <= 0) return false;
  const name = host.slice(0, at).toLowerCase();
  return LOOPBACK_NAMES.includes(name) && host.slice(at + 1) === String(port);
}

/**
 * True when `origin` (an Origin header) is the page's own: `http://` and the
 * request's (already checked) Host. A missing or `null` Origin is refused.
 */
export function isOwnOrigin(origin: string | null, host: string): boolean {
  return origin !== null && origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

/** The value of cookie `name` in a Cookie header, if any. */
export function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined || given.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < token.length; i++) diff |= given.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

/** The Set-Cookie header that swaps the URL's token for a cookie. */
export function tokenCookie(token: string): string {
  return `${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** A new unguessable token: 32 random bytes, base64url. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/**
 * The `format`s strata checks: those configuration schemas use. A format
 * outside this list is reported when the schema loads (it is not checked).
 *
 * @module
 */

const ipv4Part = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const ipv4 = new RegExp(`^${ipv4Part}(?:\\.${ipv4Part}){3}$`);
const hexGroup = /^[0-9A-Fa-f]{1,4}$/;
const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const emailLocal = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const uuid = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const fullDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const fullTime = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
// RFC 3986: a scheme, then only characters a URI may hold (or %XX escapes).
const uri = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

function hostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  return text.split(".").every((part) => label.test(part));
}

function ipv6(text: string): boolean {
  let groups = text;
  let budget = 8;
  const last = text.lastIndexOf(":");
  if (last !== -1 && text.slice(last + 1).includes(".")) {
    if (!ipv4.test(text.slice(last + 1))) return false;
    groups = text.slice(0, last + 1) + "0";
    budget = 7;
  }
  const halves = groups.split("::");
  if (halves.length > 2) return false;
  const parts = (half: string) => (half === "" ? [] : half.split(":"));
  const head = parts(halves[0]);
  const tail = halves.length === 2 ? parts(halves[1]) : [];
  if (![...head, ...tail].every((g) => hexGroup.test(g))) return false;
  const count = head.length + tail.length;
  return halves.length === 2 ? count <= budget - 1 : count === budget;
}

function date(text: string): boolean {
  const m = fullDate.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

function time(text: string): boolean {
  const m = fullTime.exec(text);
  if (!m) return false;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (h > 23 || mi > 59 || s > 60) return false;
  return m[4] === undefined || (Number(m[4]) <= 23 && Number(m[5]) <= 59);
}

function email(text: string): boolean {
  const at = text.lastIndexOf("@");
  if (at <= 0 || at > 64) return false;
  const domain = text.slice(at + 1);
  if (!emailLocal.test(text.slice(0, at))) return false;
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const literal = domain.slice(1, -1);
    return ipv4.test(literal) || (literal.startsWith("IPv6:") && ipv6(literal.slice(5)));
  }
  return hostname(domain);
}

function regex(text: string): boolean {
  try {
    new RegExp(text, "u");
    return true;
  } catch {
    return false;
  }
}

/** Each checked format and its test on a string. */
const checks: Record<string, (text: string) => boolean> = {
  email,
  hostname,
  ipv4: (t) => ipv4.test(t),
  ipv6,
  uri: (t) => uri.test(t),
  "date-time": (t) => {
    const split = t.search(/[Tt]/);
    return split === 10 && date(t.slice(0, 10)) && time(t.slice(11));
  },
  date,
  time,
  uuid: (t) => uuid.test(t),
  regex,
};

/** The formats strata checks, in the order the docs list them. */
export const checkedFormats: readonly string[] = Object.keys(checks);

/**
 * Whether `text` is of `format`; true for a format strata does not check
 * (those are reported when the schema loads).
 *
 * @example
 * ```ts
 * import { matchesFormat } from "./formats.ts";
 * console.assert(matchesFormat("email", "ops@example.org"));
 * console.assert(!matchesFormat("ipv4", "256.1.1.1"));
 * ```
 */
export function matchesFormat(format: string, text: string): boolean {
  const check = Object.hasOwn(checks, format) ? checks[format] : undefined;
  return check === undefined || check(text);
}

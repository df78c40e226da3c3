/**
 * Tells "the server could not be reached" (queue the change, read the
 * snapshot) from "the server answered with an error" (report it).
 *
 * @module
 */

/** True when `error` is a connection failure rather than an error the server sent. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (code === "ERR_POSTGRES_SERVER_ERROR") return false;
  if (typeof code === "string") {
    return /CONNECTION|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|TIMEOUT|EPIPE|ENETUNREACH|CLOSED/
      .test(code);
  }
  return false;
}

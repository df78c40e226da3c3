/**
 * `strata remote password [--delete]`: keeps the server's password in the
 * OS keychain (read from a prompt that does not echo, or stdin), so that no
 * file and no environment holds it. Wording only; the work is in
 * `src/remote/password.ts`.
 *
 * @module
 */

import { StrataError } from "../errors.ts";
import { keychainOf, keychainOff } from "../platform/keychain.ts";
import { PASSWORD_SERVICE, type StoreOutcome, storePassword } from "../remote/password.ts";
import { pgpassFile, pgpassLine } from "../remote/pgpass.ts";
import { parseRemoteUrl } from "../remote/remote_url.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext } from "./_open.ts";
import { remoteSettings } from "./_remote_open.ts";
import { readValueInput } from "./_secret_input.ts";

/** Runs `strata remote password`. */
export async function password(context: CommandContext): Promise<number> {
  const config = openFromContext(context);
  const { url } = remoteSettings(config);
  const query = parseRemoteUrl(url, context.env.USER || undefined);
  const who = `${query.user}@${query.host}:${query.port}/${query.database}`;
  const remove = context.flags.delete === true;
  // No keychain at all: said before a password is typed for nothing.
  const unavailable = keychainOff(context.env)
    ? "off" as const
    : keychainOf(context.env) === undefined
    ? "none" as const
    : undefined;
  const outcome: StoreOutcome = unavailable ? { ok: false, why: unavailable } : await storePassword(
    query,
    remove ? undefined : await readValueInput(context, `the password of ${who}`, true),
    { env: context.env, home: context.env.HOME },
  );
  if (!outcome.ok) {
    const why = outcome.why === "off"
      ? `the keychain is turned off by STRATA_KEYCHAIN=${context.env.STRATA_KEYCHAIN}`
      : outcome.why === "none"
      ? "this runtime has no keychain (it needs Bun: the strata binary or bun main.ts)"
      : `no OS keychain answered (${outcome.reason})`;
    const file = pgpassFile(context.env, context.env.HOME) ?? "~/.pgpass";
    const instead = remove ? "" : `. Keep the password of ${who} in ${file} instead: add the ` +
      `line ${pgpassLine(query, "PASSWORD")} (with the real password) and run chmod 600 ` +
      `${file}; or set PGPASSWORD for one run`;
    throw new StrataError(
      outcome.why === "none" ? "usage" : "io",
      `${why}; nothing was ${remove ? "removed" : "stored"}${instead}`,
    );
  }
  if (remove) {
    if (!outcome.changed) {
      context.err(`strata: no password of ${who} is in the OS keychain; nothing to remove\n`);
      return 1;
    }
    context.out(`removed the password of ${who} from the OS keychain\n`);
    return 0;
  }
  context.out(
    `stored the password of ${who} in the OS keychain (service ${PASSWORD_SERVICE}, account ` +
      `${who}); PGPASSWORD, when set, still comes first\n`,
  );
  return 0;
}

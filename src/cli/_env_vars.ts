/**
 * The resolved configuration as environment variables, for `strata run` and
 * `strata env`: `<APP>_<KEY>` names, the same mapping as the environment
 * layer (`db.host` of app `demo` is `DEMO_DB__HOST`; with `--file`, no
 * prefix: `DB__HOST`). Sealed values are opened only when asked to.
 *
 * @module
 */

import { isSealed } from "../codec/is_sealed.ts";
import { toEnvText as envText } from "../codec/value_text.ts";
import type { Config } from "../config/config.ts";
import { parseKey } from "../keys.ts";
import { envPrefix, envVariableFor } from "../layers/env.ts";
import type { CommandContext } from "./_commands.ts";

/** One variable. */
export interface EnvVar {
  /** `DEMO_DB__HOST`. */
  name: string;
  /** `db.host`. */
  key: string;
  /** Its text. */
  text: string;
  /** The key holds a secret. */
  secret: boolean;
}

/**
 * The variables of the configuration under `only` (every key when absent).
 * `reveal`: open sealed values (and include plaintext secrets); otherwise
 * secrets are left out and named in `hidden`.
 */
export async function environmentOf(
  context: CommandContext,
  config: Config,
  only: string | undefined,
  reveal: boolean,
): Promise<{ vars: EnvVar[]; hidden: string[] }> {
  const entries = config.list(only);
  const vars: EnvVar[] = [];
  const hidden: string[] = [];
  let ids: Awaited<ReturnType<typeof import("./_secrets.ts").loadIdentities>> | undefined;
  for (const entry of entries) {
    const keyPath = parseKey(entry.key);
    const name = config.app === undefined
      ? envVariableFor("x", keyPath).slice(envPrefix("x").length)
      : envVariableFor(config.app, keyPath);
    const sealed = isSealed(entry.value);
    const secret = sealed || config.isSecret(entry.key);
    if (secret && !reveal) {
      hidden.push(entry.key);
      continue;
    }
    let value = entry.value;
    let float = typeof value === "number" && Number.isInteger(value) &&
      config.typeOf(entry.key)?.type === "float";
    if (sealed) {
      const secrets = await import("./_secrets.ts");
      ids ??= await secrets.loadIdentities(context, secrets.sealedApp(config));
      const opened = await secrets.revealValue(config, entry.key, value, ids);
      value = opened.value;
      float = opened.float;
    }
    vars.push({ name, key: entry.key, text: envText(value, float), secret });
  }
  return { vars, hidden };
}

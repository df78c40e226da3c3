/**
 * `strata get KEY`: prints the winning value of a key. Exit 1 with nothing
 * on stdout when no layer sets it (like `git config`).
 *
 * @module
 */

import { isSealed } from "../codec/is_sealed.ts";
import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext, printWarnings } from "./_open.ts";

/** `strata get --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] get KEY [--json]

Print the value of KEY from the highest layer that sets it
(--set, environment, project, user, shared, system, defaults).

A string prints as is; a number, boolean or date-time as its TOML literal;
a table or an array as TOML. Exit 1, with nothing on stdout, when no layer
sets KEY (on stderr, the key meant when one differs only in case or by a typo:
"DB.PORT is not set; did you mean db.port?").

A secret prints as (sealed) (stored sealed) or (secret) (a plaintext secret
from the environment) unless --reveal opens it with the app's identity
(see strata key).

Options:
  --json    print the value as JSON (64-bit integers exact, dates as text)
  --reveal  print a secret's value (opens sealed values with the identity)

Examples:
  strata --app demo get db.host
  strata --app demo get db --json
  strata --file ./settings.toml get 'servers."eu.west".port'
  host=$(strata --app demo get db.host) || host=localhost
  strata --app demo get db.password --reveal
`;

/** The flags of `get`. */
export const options = { json: { type: "boolean" }, reveal: { type: "boolean" } } as const;

/** Whether a value is or holds a sealed text (a quick look: any string starting "enc:v"). */
function holdsSealedText(value: unknown): boolean {
  if (isSealed(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(holdsSealedText);
}

/** Runs `strata get`. */
export async function run(context: CommandContext): Promise<number> {
  const [key] = expectPositionals(context.positionals, "get", ["KEY"]);
  const config = openFromContext(context);
  // Read ahead with the runtime's fast calls: a one-shot read then never loads node:fs.
  await config.prefetch();
  let value = config.get(key);
  printWarnings(context, config.warnings());
  if (value === undefined) {
    const { keyHint } = await import("./_key_hint.ts");
    context.err(keyHint(config, key));
    return 1;
  }
  // Secrets: sealed values (is_sealed.ts costs nothing to load) and plaintext
  // ones from the environment are hidden unless --reveal; only then does the
  // cryptography load.
  let float = false;
  if (context.flags.reveal) {
    if (holdsSealedText(value)) {
      const { loadIdentities, revealValue, sealedApp } = await import("./_secrets.ts");
      const opened = await revealValue(
        config,
        key,
        value,
        await loadIdentities(context, sealedApp(config)),
      );
      value = opened.value;
      float = opened.float;
    }
  } else if (isSealed(value) || (typeof value !== "object" && config.isSecret(key))) {
    context.out(`${isSealed(value) ? "(sealed)" : "(secret)"}\n`);
    return 0;
  }
  if (typeof value === "string" && !context.flags.json) {
    // The common case prints the text as it is: no need to load the printers
    // (the TOML writer), which costs start-up time.
    context.out(`${value}\n`);
    return 0;
  }
  const { formatForPerson, needsFloatCheck, toJson } = await import("./_output.ts");
  if (context.flags.json) {
    context.out(`${toJson(value)}\n`);
  } else {
    float ||= needsFloatCheck(value) && config.typeOf(key)?.type === "float";
    context.out(formatForPerson(value, float));
  }
  return 0;
}

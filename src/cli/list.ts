/**
 * `strata list [PREFIX]`: the effective configuration, one leaf per line.
 *
 * @module
 */

import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { isSealed } from "../codec/is_sealed.ts";
import { SECRET_SHOWN } from "../codec/shown.ts";
import { columns, formatLiteral, needsFloatCheck, toJson, where } from "./_output.ts";
import type { Resolved } from "../config/config.ts";

/** `strata list --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] list [PREFIX] [--show-origin] [--describe] [--json]

Show the effective configuration: every key any layer sets, with the value
that wins, sorted by key. Tables are shown as their leaves (db.host, db.port);
arrays as one value. PREFIX limits the list to one table (list db).

Warns on stderr about APP_ environment variables that match no known key,
and about each value that cannot be used (it breaks the application's
schema, or does not convert to its key's type): such a value is skipped
and the next valid layer's value is listed. The schema's "default"s are
the bottom layer (schema-defaults; --show-origin names the schema file and
the default's JSON pointer).

Options:
  --show-origin   add where each value comes from (layer, file:line,
                  environment variable or --set item)
  --describe      add each key's description from the application's schema
                  (as a "# ..." comment after the value)
  --json          print a JSON object: key -> value (with --show-origin or
                  --describe, key -> { "value": ..., "origin": { "layer": ... },
                  "description": ... })

Examples:
  strata --app demo list
  strata --app demo list db --show-origin
  strata --app demo list --json
`;

/** The flags of `list`. */
export const options = {
  "show-origin": { type: "boolean" },
  describe: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Runs `strata list`. */
export async function run(context: CommandContext): Promise<number> {
  const [prefix] = expectPositionals(context.positionals, "list", [], ["PREFIX"]);
  const config = openFromContext(context);
  // Read ahead with the runtime's fast calls: a one-shot read then never loads node:fs.
  await config.prefetch();
  // A secret in plaintext (from the environment) is shown as (secret); a sealed one as (sealed).
  const entries = config.list(prefix).map((e) =>
    !isSealed(e.value) && config.isSecret(e.key) ? { ...e, value: SECRET_SHOWN } : e
  );
  const showOrigin = context.flags["show-origin"] === true;
  const describe = context.flags.describe === true;
  const about = (key: string) => (describe ? config.describe(key) : undefined);
  if (context.flags.json) {
    // A null prototype: a key named "__proto__" is an ordinary key here.
    const object: Record<string, unknown> = Object.create(null);
    for (const { key, value, origin } of entries) {
      if (!showOrigin && !describe) {
        object[key] = value;
        continue;
      }
      const description = about(key);
      object[key] = {
        value,
        ...(showOrigin ? { origin } : {}),
        ...(description === undefined ? {} : { description }),
      };
    }
    context.out(`${toJson(object)}\n`);
  } else {
    const literal = (e: Resolved) => {
      const text = e.value === SECRET_SHOWN ? SECRET_SHOWN : formatLiteral(
        e.value,
        needsFloatCheck(e.value) && config.typeOf(e.key)?.type === "float",
      );
      const description = about(e.key);
      return description === undefined ? text : `${text}  # ${description}`;
    };
    context.out(
      columns(
        entries.map((e) =>
          showOrigin
            ? [e.origin.layer, where(e.origin) || "-", `${e.key} = ${literal(e)}`]
            : [`${e.key} = ${literal(e)}`]
        ),
      ),
    );
  }
  const refused = config.rejected(prefix).map((r) => `not used: ${r.message}`);
  printWarnings(context, [...config.warnings(), ...config.envWarnings(), ...refused]);
  return 0;
}

/**
 * `strata set KEY VALUE`: writes one key to a writable layer through the
 * library's write protocol (lock, re-read, backup, atomic write, journal).
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { isSealed } from "../codec/is_sealed.ts";
import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS, shadowNote } from "./_layer_flags.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { formatLiteral, toJson, where } from "./_output.ts";
import type { ValueType } from "../config/config.ts";

/** `strata set --help`. */
export const help =
  `Usage: strata [--app NAME | --file PATH] set KEY VALUE [--project | --system | --shared]
                    [--type int|float|bool|string|date|json] [--json]
       strata [--app NAME | --file PATH] set KEY - [...]          (VALUE from stdin)
       strata [--app NAME | --file PATH] set --secret KEY [--from-env NAME | --from-file PATH]

Write KEY = VALUE to the user layer ($XDG_CONFIG_HOME/APP/config.toml), or
to the project or system layer. The file's comments, order and layout are
kept; only the value's text changes. The file is locked while it is written,
the previous version is kept as a backup and the change is journaled.

VALUE is converted to the key's known type (from the defaults or from the
value already stored in any layer), or refused with exit 3 and nothing
written. A key with no known type is stored as a string unless --type says
otherwise; nothing is guessed ("1.10" stays "1.10").

Options:
  --project   write the project file (.APP.toml here or in the nearest parent;
              created in the current folder when there is none)
  --system    write the system layer (/etc/APP/config.toml or $XDG_CONFIG_DIRS)
  --user      write the user layer (the default)
  --shared    write the shared layer on the server (strata remote --help);
              queued in the outbox when the server cannot be reached
  --type T    store VALUE as int, float, bool, string, date (TOML date-time)
              or json (any JSON value: arrays, tables)
  --json      print the result as JSON
  --secret    store the value sealed for the app's recipient (see strata key):
              read from a prompt that does not echo (a terminal), else from
              stdin, or from --from-env NAME / --from-file PATH; never from
              the command line, where ps shows it
  --from-env NAME   read VALUE from the environment variable NAME
  --from-file PATH  read VALUE from a file (one trailing newline dropped)

VALUE "-" reads the value from stdin (one trailing newline dropped).
A key that holds a secret (stored sealed, or "x-strata-secret" in the
schema) is written only with --secret: set KEY VALUE is refused for it.

A VALUE that starts with "-" is fine when it is a number (set offset -5);
otherwise put it after "--" (set -- flags "-v").

Examples:
  strata --app demo set db.host db.example.com
  strata --app demo set db.port 5432 --type int
  strata --app demo set --project features '["a","b"]' --type json
  strata --file ./settings.toml set 'servers."eu.west".port' 8080
  printf '%s' "$TOKEN" | strata --app demo set --secret api.token
  strata --app demo set --secret db.password --from-env DB_PASSWORD
  strata --app demo set motd - < motd.txt
`;

/** The flags of `set`. */
export const options = {
  ...LAYER_OPTIONS,
  shared: { type: "boolean" },
  type: { type: "string" },
  json: { type: "boolean" },
  secret: { type: "boolean" },
  "from-env": { type: "string" },
  "from-file": { type: "string" },
} as const;

const TYPES: readonly ValueType[] = ["int", "float", "bool", "string", "date", "json"];

/** Runs `strata set`. */
export async function run(context: CommandContext): Promise<number> {
  const secret = context.flags.secret === true;
  const fromFlag = context.flags["from-env"] !== undefined ||
    context.flags["from-file"] !== undefined;
  if ((secret || fromFlag) && context.positionals.length > 1 && context.positionals[1] !== "-") {
    // Never echoed: it may be the secret itself.
    throw usage(
      "set",
      `${
        secret ? "--secret" : "--from-env/--from-file"
      } takes no VALUE on the command line (ps shows every argument to every user): give it ` +
        `at the prompt, on stdin, with --from-env NAME or with --from-file PATH`,
    );
  }
  const [key, given] = secret || fromFlag
    ? expectPositionals(context.positionals, "set", ["KEY"], ["-"])
    : expectPositionals(context.positionals, "set", ["KEY", "VALUE"]);
  const layer = chosenLayer(context);
  const type = context.flags.type as string | undefined;
  if (type !== undefined && !TYPES.includes(type as ValueType)) {
    throw usage("set", `unknown --type "${type}"; use one of ${TYPES.join(", ")}`);
  }
  const config = openFromContext(context);
  let value = given;
  if (secret || fromFlag || given === "-") {
    const { readValueInput } = await import("./_secret_input.ts");
    value = await readValueInput(context, key, secret);
  }
  if (context.flags.shared) {
    if (secret) {
      throw usage("set", "--secret does not apply to --shared yet: set the secret in a file layer");
    }
    if (layer || context.global.file) {
      throw usage(
        "set",
        `--shared writes the shared layer; it cannot be used with --${layer ?? "file"}`,
      );
    }
    const { setShared } = await import("./_set_shared.ts");
    return await setShared(context, config, key, value, type as ValueType | undefined);
  }
  const written = layer ?? (context.global.file ? "file" : "user");
  let sealFor: string | undefined;
  if (secret) {
    const { recipientFor, sealedApp } = await import("./_secrets.ts");
    sealFor = await recipientFor(context, sealedApp(config));
  }
  const result = await config.set(key, value, {
    layer,
    type: type as ValueType,
    raw: true,
    ...(sealFor === undefined ? {} : { sealFor }),
  });
  printWarnings(context, config.warnings());
  if (secret && result.changed && result.old !== undefined && !isSealed(result.old)) {
    context.err(
      `strata: warning: ${
        clipText(key)
      } held a plaintext value before; that value stays readable in the backups and the ` +
        `journal of ${result.file} (strata backups): treat it as exposed and change it\n`,
    );
  }
  // Where the deciding value is: looked up only when a layer above decides the key.
  const winner = result.decidedBy === undefined ? undefined : config.resolve(key);
  const note = shadowNote(
    key,
    written,
    winner && { layer: winner.origin.layer, where: where(winner.origin) },
  );
  if (note) context.err(`strata: ${note}\n`);
  // An integral float prints as 3.0, as the file holds it.
  const literal = formatLiteral(result.new, result.type === "float");
  if (context.flags.json) {
    const { file, old, changed } = result;
    context.out(`${toJson({ key, layer: written, file, old, new: result.new, changed })}\n`);
  } else if (result.changed) {
    context.out(`${clipText(key)} = ${literal}  (${written}: ${result.file})\n`);
  } else {
    context.out(`${clipText(key)} = ${literal}  (${written}: ${result.file}, unchanged)\n`);
  }
  return 0;
}

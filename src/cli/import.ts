/**
 * `strata import FILE`: takes the keys of a `.env`, JSON or TOML file into
 * one layer, in one write through the write protocol (one lock, one backup,
 * one journal entry); `--secret-keys PATTERN` seals the matching values on
 * the way in.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import type { SetOptions } from "../config/config.ts";
import { StrataError } from "../errors.ts";
import { isTable } from "../is_table.ts";
import { formatKey, parseKey } from "../keys.ts";
import { envPrefix } from "../layers/env.ts";
import { parseValues } from "../layers/document.ts";
import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { chosenLayer, LAYER_OPTIONS } from "./_layer_flags.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { toJson } from "./_output.ts";

/** `strata import --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] import FILE [--project | --system]
                    [--secret-keys PATTERN] [--input-format env|json|toml] [--json]

Take every key of FILE into the user layer (or the project or system layer),
in one write: one lock, one backup, one journal entry; nothing is written
when any value is refused. Comments and layout of the layer file are kept.

FILE is a .env file (NAME=value lines; "export", quotes and # comments
allowed), JSON or TOML, by its name (.json, .toml, else .env) or
--input-format. Variable names become keys as the environment layer reads
them: the app's prefix is dropped (DEMO_DB__HOST is db.host for app demo),
"__" separates levels, a name matches a key the configuration already has
without regard to case (DB__MAX_CONN is Db.max-conn when that key exists),
other names are lower-cased; their values are text, converted to each
key's known type. JSON and TOML values keep their types.

Keys that hold secrets (stored sealed, or "x-strata-secret" in the schema)
and keys that match --secret-keys are stored sealed for the app's recipient
(see strata key).

Options:
  --secret-keys PATTERN   seal the keys that match: comma-separated patterns
                          where * is any text and ? one character, matched
                          against the dotted key without regard to case
                          (e.g. '*password*,*token*,api.key')
  --input-format F        env, json or toml, when FILE's name does not say
  --project | --system | --user   the layer written (default: user)
  --json                  print the result as JSON

Examples:
  strata --app demo import .env --secret-keys '*password*,*secret*'
  strata --app demo import --project settings.json
  strata --app demo import legacy.toml --system
`;

/** The flags of `import`. */
export const options = {
  ...LAYER_OPTIONS,
  "secret-keys": { type: "string" },
  "input-format": { type: "string" },
  json: { type: "boolean" },
} as const;

type Kind = "env" | "json" | "toml";

function kindOf(file: string, given: string | undefined): Kind {
  if (given !== undefined) {
    if (given === "env" || given === "json" || given === "toml") return given;
    throw usage("import", `--input-format wants env, json or toml, not "${given}"`);
  }
  const lower = file.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".toml")) return "toml";
  return "env";
}

/** `*password*,api.?` -> a test of a dotted key. */
function matcher(patterns: string | undefined): (key: string) => boolean {
  if (patterns === undefined) return () => false;
  const list = patterns.split(",").map((p) => p.trim()).filter((p) => p !== "");
  if (list.length === 0) throw usage("import", "--secret-keys needs at least one pattern");
  const res = list.map((p) =>
    new RegExp(
      `^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`,
      "is",
    )
  );
  return (key) => res.some((re) => re.test(key));
}

/** A key segment as a variable name spells it. */
function variableSegment(segment: string): string {
  return segment.toUpperCase().replace(/[-. ]/g, "_");
}

/** The leaves of a table (arrays are leaves), as key paths and values. */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (!isTable(value) || (Object.keys(value).length === 0 && path.length > 0)) {
    return [[path, value]];
  }
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
}

/** Runs `strata import`. */
export async function run(context: CommandContext): Promise<number> {
  const [file] = expectPositionals(context.positionals, "import", ["FILE"]);
  const kind = kindOf(file, context.flags["input-format"] as string | undefined);
  const secretKey = matcher(context.flags["secret-keys"] as string | undefined);
  const layer = chosenLayer(context);
  const config = openFromContext(context);
  const { readRegularFile } = await import("../runtime/fs.ts");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(readRegularFile(file));
  } catch (e) {
    if (e instanceof StrataError) throw e;
    const code = (e as { code?: string }).code;
    throw new StrataError(
      "io",
      `cannot read ${file}: ${
        code === "ENOENT" ? "no such file" : code ?? "not UTF-8 text"
      }; nothing was imported`,
    );
  }
  let entries: { key: string; value: unknown }[];
  let raw = false;
  if (kind === "env") {
    const { parseDotenv } = await import("../dotenv/parse.ts");
    const prefix = config.app === undefined ? "" : envPrefix(config.app);
    // As the environment layer does: a name matches a key known from a layer
    // (upper case, "-", "." and spaces read as "_"); any other is lower-cased.
    const known = new Map<string, string>();
    for (const entry of config.list()) {
      known.set(parseKey(entry.key).map(variableSegment).join("__"), entry.key);
    }
    entries = parseDotenv(text, file).map((e) => {
      const upper = e.name.toUpperCase();
      const name = prefix && upper.startsWith(prefix) ? upper.slice(prefix.length) : upper;
      const key = known.get(name) ?? formatKey(name.toLowerCase().split("__"));
      return { key, value: e.value };
    });
    raw = true;
  } else {
    entries = leaves(parseValues(text, kind, file).values)
      .filter(([path]) => path.length > 0)
      .map(([path, value]) => ({ key: formatKey(path), value }));
  }
  if (entries.length === 0) {
    context.err(`strata: ${file} holds no keys; nothing was written\n`);
    return 0;
  }
  const sealed = entries.filter((e) => secretKey(e.key) || config.isSecret(e.key));
  let sealFor: string | undefined;
  if (sealed.length > 0) {
    const { recipientFor, sealedApp } = await import("./_secrets.ts");
    sealFor = await recipientFor(context, sealedApp(config));
  }
  const sealedKeys = new Set(sealed.map((e) => e.key));
  const setOptions: SetOptions = { layer, raw };
  const result = await config.setMany(
    entries.map((e) => sealedKeys.has(e.key) ? { ...e, sealFor } : e),
    setOptions,
  );
  printWarnings(context, config.warnings());
  const written = layer ?? (context.global.file ? "file" : "user");
  const sealedWritten = result.keys.filter((k) => sealedKeys.has(k));
  if (context.flags.json) {
    context.out(
      `${
        toJson({
          file: result.file,
          layer: written,
          changed: result.changed,
          keys: result.keys,
          sealed: sealedWritten,
        })
      }\n`,
    );
    return 0;
  }
  const count = result.keys.length;
  const unchanged = entries.length - count;
  context.out(
    `imported ${count} key${count === 1 ? "" : "s"} from ${clipText(file)} into the ${written} ` +
      `layer (${result.file})${sealedWritten.length ? `, ${sealedWritten.length} sealed` : ""}` +
      `${unchanged > 0 ? `; ${unchanged} already had the same value` : ""}\n`,
  );
  return 0;
}

/**
 * `strata types`: a TypeScript type from the application's JSON Schema,
 * for `openConfig<T>()` (see src/typed/schema_type.ts).
 *
 * @module
 */

import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext } from "./_open.ts";
import { StrataError } from "../errors.ts";
import { schemaToType } from "../typed/schema_type.ts";

/** `strata types --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] [--schema PATH] types [--name TYPE]

Print a TypeScript module exporting one type that describes the
application's configuration, made from its JSON Schema (--schema PATH, else
the schema.json beside the application's defaults). Give it to openConfig
so the editor knows every key and get("db.port") has the schema's type:

  import type { DemoConfig } from "./demo_config.ts";
  const config = openConfig<DemoConfig>({ app: "demo" });

A property is required in the type when the schema lists it in "required"
or gives it (or a property below it) a "default"; otherwise it is optional. Exit 1 when the
application has no schema.

Options:
  --name TYPE   the type's name (default: the application's name in
                PascalCase followed by Config, e.g. DemoConfig)

Examples:
  strata --app demo types > demo_config.ts
  strata --app demo --schema ./schema.json types --name Settings
`;

/** The flags of `types`. */
export const options = { name: { type: "string" } } as const;

/** `demo-app` -> `DemoAppConfig`. */
function defaultName(app: string | undefined): string {
  const words = (app ?? "").split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  return /^[A-Za-z]/.test(name) ? `${name}Config` : `Config${name}`;
}

/** Runs `strata types`. */
export function run(context: CommandContext): number {
  expectPositionals(context.positionals, "types", []);
  const config = openFromContext(context);
  const name = typeof context.flags.name === "string"
    ? context.flags.name
    : defaultName(config.app);
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) {
    throw usage("types", `--name wants a TypeScript identifier (like DemoConfig), not "${name}"`);
  }
  const loaded = config.schema();
  if (loaded === undefined) {
    throw new StrataError(
      "not_found",
      `${
        config.app === undefined ? "this file" : `application ${config.app}`
      } has no schema: give --schema PATH, or put schema.json beside its defaults (see docs/schema.md)`,
    );
  }
  context.out(schemaToType(loaded.schema, { name, source: loaded.file }));
  return 0;
}

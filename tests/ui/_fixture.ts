/**
 * The application the GUI tests show: defaults and a schema (types, an enum,
 * bounds, descriptions) in the sandbox's data folder.
 *
 * @module
 */

import type { Sandbox } from "../_support/mod.ts";

/** The defaults file of app `demo`. */
export const DEFAULTS = `[db]
host = "localhost"
port = 5432

[log]
level = "info"
`;

/** The schema of app `demo`. */
export const SCHEMA = {
  type: "object",
  properties: {
    db: {
      type: "object",
      properties: {
        host: { type: "string", description: "Database server name" },
        port: {
          type: "integer",
          minimum: 1,
          maximum: 65535,
          description: "TCP port of the database",
        },
        user: { type: "string", description: "Who connects" },
      },
    },
    log: {
      type: "object",
      properties: {
        level: { enum: ["debug", "info", "warn", "error"], description: "How much to log" },
      },
    },
  },
};

/** Lays out app `demo`'s defaults and schema; returns the user layer's file. */
export function layOutDemo(sandbox: Sandbox): { user: string; schema: string } {
  sandbox.write(`${sandbox.dataDir}/demo/defaults.toml`, DEFAULTS);
  const schema = sandbox.write(
    `${sandbox.dataDir}/demo/schema.json`,
    `${JSON.stringify(SCHEMA, null, 2)}\n`,
  );
  return { user: `${sandbox.configHome}/demo/config.toml`, schema };
}

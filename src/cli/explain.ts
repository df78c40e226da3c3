/**
 * `strata explain KEY`: the whole walk through the layers for one key, which
 * layer wins, and where each value came from.
 *
 * @module
 */

import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { columns, describeOrigin, formatLiteral, toJson, where } from "./_output.ts";
import type { Explanation } from "../config.ts";

/** `strata explain --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] explain KEY [--json]

Show how KEY is decided: every layer from the top (--set, environment,
project, user, system, defaults), its value or that it has none, where it
lives (file:line, or the environment variable's name), and which layer wins
(marked "*"). Also shows the key's type and where that type comes from, and
the schema's description of the key when the application ships a schema.
Exit 1 when no layer sets KEY, 3 when a layer holds a value that cannot be
used (a wrong type in an environment variable, a file that does not parse);
the walk is printed either way.

Warns on stderr about APP_ environment variables that match no known key.

Options:
  --json   print the explanation as JSON

Examples:
  strata --app demo explain db.host
  DEMO_DB__HOST=db2 strata --app demo explain db.host
  strata --app demo explain db.port --json
`;

/** The flags of `explain`. */
export const options = { json: { type: "boolean" } } as const;

const STATUS_TEXT: Record<string, string> = {
  absent: "not set",
  "no-file": "no file",
  unreadable: "unreadable",
};

/** Runs `strata explain`. */
export async function run(context: CommandContext): Promise<number> {
  const [key] = expectPositionals(context.positionals, "explain", ["KEY"]);
  const config = openFromContext(context);
  // Read ahead with the runtime's fast calls: a one-shot read then never loads node:fs.
  await config.prefetch();
  const explanation = config.explain(key);
  context.out(context.flags.json ? `${toJson(explanation)}\n` : describe(explanation));
  // A step's detail is already printed in the walk; warn about the rest.
  const details = new Set(explanation.walk.map((step) => step.detail));
  const warnings = [...config.warnings(), ...explanation.warnings];
  printWarnings(context, warnings.filter((w) => context.flags.json || !details.has(w)));
  // Like get: 0 when a layer decides the key, 3 when a value is unusable, else 1.
  return explanation.winner ? 0 : hasProblem(explanation) ? 3 : 1;
}

function describe(explanation: Explanation): string {
  const { key, winner } = explanation;
  const float = explanation.type === "float";
  const head = winner
    ? `${key} = ${formatLiteral(winner.value, float)}  (from ${describeOrigin(winner.origin)})\n`
    : hasProblem(explanation)
    ? `${key} cannot be read: a layer holds a value that cannot be used (see below)\n`
    : `${key} is not set in any layer\n`;
  const type = explanation.type
    ? `type: ${explanation.type}${
      explanation.typeSource ? ` (from ${explanation.typeSource})` : ""
    }\n`
    : "type: none known (a value from the environment or --set stays a string)\n";
  const description = explanation.description === undefined
    ? ""
    : `description: ${explanation.description}\n`;
  const winning = winner
    ? explanation.walk.findIndex((step) =>
      step.status === "set" && step.layer === winner.origin.layer &&
      where({ ...step, line: undefined }) === where({ ...winner.origin, line: undefined })
    )
    : -1;
  const rows = explanation.walk.map((step, index) => {
    const won = index === winning;
    const state = step.status === "set"
      ? formatLiteral(step.value, float) +
        (winning !== -1 && index > winning ? "  (overridden)" : "")
      : STATUS_TEXT[step.status] ?? step.status;
    return [won ? "*" : " ", step.layer, where(step) || "-", state];
  });
  // Each step's detail (why unreadable, why refused) goes on its own line
  // below the step: it is often long, and would stretch the columns.
  const lines = columns(rows).split("\n");
  const out = explanation.walk.map((step, index) =>
    lines[index] + "\n" + (step.detail ? `     ${step.detail}\n` : "")
  );
  return `${head}${type}${description}\n${out.join("")}`;
}

/** No winner, yet a layer holds the key in a form that cannot be used. */
function hasProblem(explanation: Explanation): boolean {
  return !explanation.winner &&
    explanation.walk.some((step) => step.detail && step.status !== "absent");
}

/**
 * `strata explain KEY`: the whole walk through the layers for one key, which
 * layer wins, and where each value came from.
 *
 * @module
 */

import { clipText } from "../clip.ts";
import { ExitCode, exitCodeFor } from "../errors.ts";
import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { keyHint } from "./_key_hint.ts";
import { openFromContext, printWarnings } from "./_open.ts";
import { isSealed } from "../codec/is_sealed.ts";
import { SECRET_SHOWN } from "../codec/shown.ts";
import { columns, describeOrigin, formatLiteral, toJson, where } from "./_output.ts";
import { type Painter, painterFor } from "./_colour.ts";
import type { Explanation } from "../config/config.ts";

/** `strata explain --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] explain KEY [--json]

Show how KEY is decided: every layer from the top (--set, environment,
project, user, shared, system, defaults), its value or that it has none, where it
lives (file:line, or the environment variable's name), and which layer wins
(marked "*"). Also shows the key's type and where that type comes from, and
the schema's description of the key when the application ships a schema.
A value that cannot be used (it breaks the application's schema, or is an
environment variable or --set item of the wrong type) is marked "refused",
with the rule it breaks and what to do; the next valid layer down wins.
The bottom layer, schema-defaults, holds the schema's "default"s (shown as
the schema file and the default's JSON pointer).
Exit 1 when no layer sets KEY, 3 when a value that would win cannot be used
or a layer's file does not parse, 5 when a layer's file cannot be read
(permission, a folder or a pipe in its place); the walk is printed either way.

Warns on stderr about APP_ environment variables that match no known key,
and, when no layer sets KEY, names a key that differs only in case or by a
typo ("DB.PORT is not set; did you mean db.port?"). A layer with no place on
this machine (no home folder) shows "no file" and the variable to set.

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
  const explanation = hidePlaintext(config.explain(key), config.isSecret(key));
  context.out(
    context.flags.json
      ? `${toJson(explanation)}\n`
      : describe(explanation, painterFor(context.env, 1)),
  );
  // A step's detail is already printed in the walk; warn about the rest.
  const details = new Set(explanation.walk.map((step) => step.detail));
  const warnings = [...config.warnings(), ...explanation.warnings];
  printWarnings(context, warnings.filter((w) => context.flags.json || !details.has(w)));
  // Like get: 3 when a value that would win is unusable, 0 when a layer decides the key;
  // when a layer cannot be used, the exit code of its failure (5 for I/O, 3 for a parse
  // or type error); else 1, with a hint at a near key.
  if (explanation.rejected?.length) return 3;
  if (explanation.winner) return 0;
  const problem = explanation.walk.find((step) =>
    step.detail && step.status !== "absent" && step.status !== "no-file"
  );
  if (!explanation.winner && problem !== undefined) {
    return problem.code === undefined ? ExitCode.invalid : exitCodeFor(problem.code);
  }
  context.err(keyHint(config, key));
  return 1;
}

/** A secret's plaintext (from the environment or --set) shown as (secret); sealed values stay sealed. */
function hidePlaintext(explanation: Explanation, secret: boolean): Explanation {
  if (!secret) return explanation;
  const hide = (value: unknown) => isSealed(value) || value === undefined ? value : SECRET_SHOWN;
  const walk = explanation.walk.map((step) => ({ ...step, value: hide(step.value) }));
  const winner = explanation.winner &&
    { ...explanation.winner, value: hide(explanation.winner.value) };
  return { ...explanation, walk, ...(winner ? { winner } : {}) };
}

function describe(explanation: Explanation, p: Painter): string {
  const { winner } = explanation;
  const key = clipText(explanation.key);
  const float = explanation.type === "float";
  const refused = explanation.rejected?.length
    ? `${key}: a value that would win cannot be used (refused, see below); ${
      winner ? "the next valid one is shown" : "no other layer sets it"
    }\n`
    : "";
  const head = refused +
    (winner
      ? `${key} = ${
        winner.value === SECRET_SHOWN ? SECRET_SHOWN : formatLiteral(winner.value, float)
      }  (from ${describeOrigin(winner.origin)})\n`
      : hasProblem(explanation)
      ? `${key} cannot be read: a layer holds a value that cannot be used (see below)\n`
      : refused
      ? ""
      : `${key} is not set in any layer\n`);
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
      ? (step.value === SECRET_SHOWN ? SECRET_SHOWN : formatLiteral(step.value, float)) +
        (step.refused ? "  (refused)" : winning !== -1 && index > winning ? "  (overridden)" : "")
      : STATUS_TEXT[step.status] ?? step.status;
    return [won ? "*" : " ", step.layer, clipText(where(step)) || "-", state];
  });
  // Each step's detail (why unreadable, why refused) goes on its own line
  // below the step: it is often long, and would stretch the columns.
  const lines = columns(rows).split("\n");
  const out = explanation.walk.map((step, index) =>
    paintStep(p, lines[index], step, index, winning) + "\n" +
    (step.detail ? `     ${p.paint("yellow", step.detail)}\n` : "")
  );
  const bold = head.split("\n").map((line) => p.paint("bold", line)).join("\n");
  return `${bold}${type}${description}\n${out.join("")}`;
}

/** A walk's line: the winner green, a refused value red, an overridden one dim. */
function paintStep(
  p: Painter,
  line: string,
  step: Explanation["walk"][number],
  index: number,
  winning: number,
): string {
  if (index === winning) return p.paint("green", line);
  if (step.refused) return p.paint("red", line);
  if (step.status === "set" && winning !== -1 && index > winning) return p.paint("dim", line);
  return line;
}

/** No winner, yet a layer holds the key in a form that cannot be used. */
function hasProblem(explanation: Explanation): boolean {
  return !explanation.winner &&
    explanation.walk.some((step) =>
      step.detail && step.status !== "absent" && step.status !== "no-file"
    );
}

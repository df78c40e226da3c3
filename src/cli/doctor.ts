/**
 * `strata doctor [--fix]`: checks every layer and says how to mend each problem.
 *
 * @module
 */

import { expectPositionals } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext } from "./_open.ts";
import { openConfig } from "../config/config.ts";
import { toJson } from "./_output.ts";
import { runDoctor, unhealthy } from "../recovery/doctor.ts";

/** `strata doctor --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] doctor [--fix] [--json]

Check every layer of the configuration and say, for each problem found,
what mends it:

  parse        the file parses (TOML or JSON), else where it is broken
  schema       its values match the application's schema (if it ships one),
               and every required key is set in some layer
  permissions  the user layer's file and everything in the state folder
               (backups, journal) are the owner's only (0600 files, 0700
               folders); project and system files are not writable by others
               (POSIX only)
  lock         no stale lock (its holder is gone, or it is too old)
  temp         no temp file left by a writer that crashed
  journal      the journal reads without torn lines
  backups      the backup of the version before the last change is there
  state        no state folder of the per-application layout of older
               versions is left to merge into the shared one

With --fix, mend what is safe to mend without your judgement: permissions
(chmod), stale locks (broken by the lock protocol's own rule), orphan temp
files (removed under the file's lock), torn journal lines (moved to
JOURNAL.torn), state folders of older versions (merged into the shared
one, nothing lost). A file that does not parse or breaks the schema needs you:
doctor names the command (strata edit, strata restore latest).

Options:
  --fix    mend what is safe to mend, then report what is left
  --json   print { checked: [...], findings: [{ layer, file, check, problem, mend, fixable, fixed }],
           warnings: [...] }

Warnings are reported too, without making the report unhealthy: what reading
the configuration warned about (a config.toml beside a config.json, a project
file owned by someone else, ...) and the schema keywords and formats strata
does not check. Other commands do not repeat the schema's: run doctor after
changing the schema.

Exit codes: 0 healthy (or everything found was fixed), 3 problems remain.

Examples:
  strata --app demo doctor
  strata --app demo doctor --fix
  strata --file ./settings.toml doctor --json
`;

/** The flags of `doctor`. */
export const options = { fix: { type: "boolean" }, json: { type: "boolean" } } as const;

/** strata's own `lock.stale_ms` (its configuration, app `strata`), when it can be read. */
function staleLockMs(context: CommandContext): { staleLockMs?: number } {
  try {
    const value = openConfig({ app: "strata", env: context.env }).get("lock.stale_ms");
    return typeof value === "number" && value > 0 ? { staleLockMs: value } : {};
  } catch {
    return {}; // doctor then judges by the built-in 30 s
  }
}

/** Runs `strata doctor`. */
export async function run(context: CommandContext): Promise<number> {
  expectPositionals(context.positionals, "doctor", []);
  const config = openFromContext(context);
  const report = await runDoctor(config, {
    fix: context.flags.fix === true,
    ...staleLockMs(context),
  });
  const code = unhealthy(report) ? 3 : 0;
  if (context.flags.json) {
    context.out(`${toJson(report)}\n`);
    return code;
  }
  let text = "";
  for (const c of report.checked) {
    text += `checked ${c.layer}: ${c.file}${c.exists ? "" : " (absent)"}\n`;
  }
  for (const f of report.findings) {
    const where = f.file ? ` ${f.file}` : "";
    text += `${f.fixed ? "fixed" : "problem"} [${f.layer} ${f.check}]${where}: ${f.problem}\n`;
    if (!f.fixed) text += `  mend: ${f.mend}\n`;
  }
  for (const w of report.warnings) text += `warning: ${w}\n`;
  const open = report.findings.filter((f) => !f.fixed).length;
  const fixed = report.findings.length - open;
  text += open === 0
    ? `healthy${fixed ? ` (${fixed} problem${fixed === 1 ? "" : "s"} fixed)` : ""}\n`
    : `${open} problem${open === 1 ? "" : "s"} found${fixed ? `, ${fixed} fixed` : ""}` +
      `${
        report.findings.some((f) => f.fixable && !f.fixed)
          ? "; strata doctor --fix mends the ones marked safe"
          : ""
      }\n`;
  context.out(text);
  return code;
}

/**
 * strata's man page, `strata.1`, made from the same texts as `--help`
 * (strata's overview and every command's help), so the two never
 * disagree. The build writes it beside the package's JavaScript.
 *
 * @module
 */

import { COMMANDS } from "./_commands.ts";
import { overview } from "./help.ts";
import { VERSION } from "../version.ts";

/** A text as roff shows it verbatim in a no-fill block. */
function roffText(text: string): string {
  return text.trimEnd().split("\n").map((line) => {
    const escaped = line.replaceAll("\\", "\\e").replaceAll("-", "\\-");
    return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
  }).join("\n");
}

function block(text: string): string {
  return `.nf\n${roffText(text)}\n.fi\n`;
}

/**
 * The man page (roff, `man -l strata.1` shows it): NAME, SYNOPSIS and
 * DESCRIPTION from `strata --help`, then one subsection per command with
 * its `strata COMMAND --help` text.
 */
export async function renderManPage(): Promise<string> {
  const text = overview();
  const [title, ...rest] = text.split("\n");
  const body = rest.join("\n").trim();
  const usageEnd = body.indexOf("\n\n");
  const synopsis = body.slice(0, usageEnd).replace(/^Usage: /, "");
  const description = body.slice(usageEnd + 2);
  const what = title.replace(/^strata: /, "").replace(/\.$/, "");
  const commands: string[] = [];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = await entry.load();
    commands.push(`.SS ${name}\n${block(command.help)}`);
  }
  return `.TH STRATA 1 "" "strata ${VERSION}" "User Commands"
.SH NAME
strata \\- ${roffText(what)}
.SH SYNOPSIS
${block(synopsis)}.SH DESCRIPTION
${block(description)}.SH COMMANDS
${commands.join("")}.SH SEE ALSO
PROTOCOL.md and docs/ in strata's source (the write protocol, recovery, the schema)
`;
}

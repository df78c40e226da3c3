/**
 * The recipient (public key) of an app's identity, kept in strata's own
 * plain configuration as `recipients."<app>"` (user layer by default; the
 * system layer and `STRATA_RECIPIENTS__<APP>` work too), so any writer can
 * seal a value it cannot read.
 *
 * @module
 */

import { openConfig } from "../config/config.ts";
import { formatKey } from "../keys.ts";
import type { PlatformContext } from "../platform/paths.ts";

/** The key of an app's recipient in strata's own configuration. */
export function recipientKey(app: string): string {
  return formatKey(["recipients", app]);
}

function strataConfig(ctx: PlatformContext) {
  return openConfig({ app: "strata", env: ctx.env, cwd: ctx.cwd, platform: ctx.platform });
}

/** The recipient stored for `app`, or undefined. */
export function readRecipient(ctx: PlatformContext, app: string): string | undefined {
  const value = strataConfig(ctx).get(recipientKey(app));
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Stores the recipient of `app` in strata's user configuration; returns the file written. */
export async function writeRecipient(
  ctx: PlatformContext,
  app: string,
  recipient: string,
): Promise<string> {
  const config = openConfig({
    app: "strata",
    env: ctx.env,
    cwd: ctx.cwd,
    platform: ctx.platform,
    program: "strata key",
  });
  return (await config.set(recipientKey(app), recipient, { type: "string" })).file;
}

/**
 * `strata ui [--port N] [--no-open]`: serves a web page to see and change
 * the configuration, on 127.0.0.1, until interrupted.
 *
 * @module
 */

import { expectPositionals, usage } from "./_args.ts";
import type { CommandContext } from "./_commands.ts";
import { openFromContext, printWarnings } from "./_open.ts";

/** `strata ui --help`. */
export const help = `Usage: strata [--app NAME | --file PATH] ui [--port N] [--no-open]

Serve a web page to see and change the configuration: every key as a tree
with its value, the layer it comes from and where (file:line); edit, add and
remove values in a chosen layer (the schema's types, allowed values and
descriptions shown, its checks applied); history with undo, backups with
restore. The page updates as soon as anything changes the files, by any
writer (the CLI, a program, an editor). A value changed on disk while you
edit it is shown as a conflict; nothing is written over it unless you say so.
Every change goes through the same write protocol as "strata set".
With a shared layer (strata remote --help), the page shows it read-only
(change it with "strata set --shared"), and ui follows its server, as
watch does, so a change made on another machine shows within a second.

The first line on stdout is the URL to open; it holds a one-time token
(swapped for a cookie on the first load). The server listens on 127.0.0.1
only, on a free port unless --port is given, and refuses requests without
the token, with a Host that is not a loopback name, and changes from any
other page (Origin). A browser is opened when a display is set (DISPLAY or
WAYLAND_DISPLAY on Linux; always on macOS and Windows), unless --no-open.

Options:
  --port N    listen on port N (default: a free port)
  --no-open   only print the URL; open no browser

Exit codes: 0 when interrupted (Ctrl-C, SIGINT or SIGTERM); 2 for a usage
error; 3 when the configuration cannot be read; 5 when the port is taken.

Examples:
  strata --app demo ui
  strata --app demo ui --port 8123 --no-open
`;

/** The flags of `ui`. */
export const options = {
  port: { type: "string" },
  "no-open": { type: "boolean" },
} as const;

/** Runs `strata ui`. */
export async function run(context: CommandContext): Promise<number> {
  expectPositionals(context.positionals, "ui", []);
  const port = portOf(context.flags.port as string | undefined);
  const config = openFromContext(context);
  // Refuses an unreadable configuration before anything listens.
  config.list();
  printWarnings(context, config.warnings());
  const { startUi } = await import("../ui/server.ts");
  let server;
  try {
    server = startUi(config, { port });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EADDRINUSE" || (e as Error).name === "AddrInUse") {
      context.err(
        `strata: ui: port ${port} on 127.0.0.1 is taken; give another with --port, or leave ` +
          `--port out to use a free one\n`,
      );
      return 5;
    }
    throw e;
  }
  const running = server;
  // A shared layer: follow its server too (one LISTEN connection), so a change made on another
  // machine reaches the snapshot, and so the page, within a second.
  const unfollow = config.app === undefined || config.get("remote.url") === undefined
    ? undefined
    : await (await import("./_watch_remote.ts")).followShared(config, context);
  return await new Promise<number>((finish) => {
    const stop = async () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      await Promise.all([running.close(), unfollow?.()]);
      finish(0);
    };
    // Listening for the signals before the URL is out: whoever reads it may stop us at once.
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    context.out(`${running.url}\n`);
    if (context.flags["no-open"] !== true) openBrowser(running.url, context);
  });
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^[0-9]+$/.test(text) || port > 65535) {
    throw usage("ui", `--port wants a port number (0 to 65535), not "${text}"`);
  }
  return port;
}

/** Opens `url` in the default browser, only where a display is known. */
function openBrowser(url: string, context: CommandContext): void {
  const { env } = context;
  const command = process.platform === "darwin"
    ? ["open", url]
    : process.platform === "win32"
    ? ["cmd", "/c", "start", "", url]
    : env.DISPLAY || env.WAYLAND_DISPLAY
    ? ["xdg-open", url]
    : undefined;
  if (command === undefined) return;
  const { spawn } = process.getBuiltinModule("node:child_process");
  try {
    const child = spawn(command[0], command.slice(1), { stdio: "ignore", detached: true });
    child.on(
      "error",
      () => context.err(`strata: ui: could not open a browser; open the URL above\n`),
    );
    child.unref();
  } catch {
    context.err(`strata: ui: could not open a browser; open the URL above\n`);
  }
}

/**
 * `startUi`: serves the configuration's web page on 127.0.0.1 and keeps
 * every open page current: a watch on every file of the configuration sends
 * each change, by any writer, to the pages as it happens.
 *
 * @module
 */

import type { Config } from "../mod.ts";
import { UI_ASSETS } from "./_assets.ts";
import { createEventHub } from "./_events.ts";
import { listen, LOOPBACK } from "./_listen.ts";
import { newToken } from "./_security.ts";
import { originText } from "./_state.ts";
import { showValue } from "./_values.ts";
import { createHandler, type UiAssets } from "./handler.ts";

/** Options of {@link startUi}. */
export interface UiOptions {
  /** The port (default 0: a free one). */
  port?: number;
  /** The token (default: a new random one). */
  token?: string;
  /** The page's files (default: the ones built into strata). */
  assets?: UiAssets;
}

/** A running GUI server. */
export interface UiServer {
  /** The URL to open, token included: `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  /** The port listened on. */
  port: number;
  /** Stops watching and serving. */
  close(): Promise<void>;
}

/**
 * Starts the GUI server for `config`.
 *
 * @example
 * ```ts ignore
 * const ui = await startUi(openConfig({ app: "demo" }));
 * console.log(ui.url);
 * await ui.close();
 * ```
 */
export function startUi(config: Config, options: UiOptions = {}): UiServer {
  const token = options.token ?? newToken();
  const events = createEventHub();
  let port = 0;
  const handler = createHandler({
    config,
    token,
    port: () => port,
    events,
    assets: options.assets ?? UI_ASSETS,
    changed: () => events.send("change", { keys: [] }),
  });
  let listener;
  try {
    listener = listen(options.port ?? 0, handler);
  } catch (e) {
    // Nothing may keep the process alive when the port is taken.
    events.close();
    throw e;
  }
  const watch = config.watch("", (change) => {
    events.send("change", {
      keys: [change.key],
      layer: change.layer,
      origin: originText(change.origin),
      ...("new" in change ? { new: showValue(change.new) } : {}),
    });
  }, { onError: (e) => events.send("problem", { message: e.message }) });
  const running = listener;
  port = running.port;
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    async close() {
      watch.close();
      events.close();
      await running.close();
    },
  };
}

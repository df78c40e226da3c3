/**
 * Starting `Config.watch`: the values are read now, the watch module
 * (`src/watch/`) is loaded on demand (a `get` never loads it) and the watch
 * starts once it is; a change made in between is reported then.
 *
 * @module
 */

import type { Config } from "./config.ts";
import { StrataError } from "../errors.ts";
import type { Resolved } from "../layers/types.ts";
import type {
  ConfigChange,
  ConfigWatch,
  ConfigWatchOptions,
  WatchSource,
} from "../watch/watch_config.ts";

/** Watches `config` (see `watchConfig`); closing the handle before the watch starts means it never does. */
export function startWatch(
  config: Config,
  source: Omit<WatchSource, "since">,
  keyOrPrefix: string,
  onChange: (change: ConfigChange) => void,
  options?: ConfigWatchOptions,
): ConfigWatch {
  // The values now (read strictly), so that what changes while the watch
  // module loads is reported; a read that fails is the watch's to report.
  let since: Resolved[] | undefined;
  try {
    const now = source.open();
    now.schema();
    since = now.list(keyOrPrefix === "" ? undefined : keyOrPrefix);
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
  }
  let inner: ConfigWatch | undefined;
  let closed = false;
  import("../watch/watch_config.ts").then((m) => {
    if (closed) return;
    inner = m.watchConfig(config, { ...source, since }, keyOrPrefix, onChange, options);
  });
  const close = () => {
    if (closed) return;
    closed = true;
    inner?.close();
  };
  return {
    get files() {
      return inner?.files ?? [];
    },
    close,
    [Symbol.dispose]: close,
  };
}

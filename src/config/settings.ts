/**
 * strata's own settings (backups kept, lock timings), read from the
 * configuration of the application `strata` (its files and built-in
 * defaults, `defaults/strata.toml`). A setting that cannot be read is
 * reported and the store's built-in value is used.
 *
 * @module
 */

/** The settings a write uses; undefined: the store's built-in value. */
export interface OwnSettings {
  /** Backups kept per file (`backups.keep`). */
  keep?: number;
  /** How long a write waits for another writer's lock, ms (`lock.timeout_ms`). */
  timeout?: number;
  /** When a silent lock is stale, ms (`lock.stale_ms`). */
  stale?: number;
}

/** Reads the settings from `own` (app `strata`'s configuration); `warn` gets what cannot be read. */
export function ownSettings(
  own: { get(key: string): unknown },
  warn: (message: string) => void,
): OwnSettings {
  const num = (key: string): number | undefined => {
    try {
      const v = own.get(key);
      return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
    } catch (e) {
      warn(
        `strata's own settings could not be read (${
          (e as Error).message
        }); using the built-in ${key}`,
      );
      return undefined;
    }
  };
  return {
    keep: num("backups.keep"),
    timeout: num("lock.timeout_ms"),
    stale: num("lock.stale_ms"),
  };
}

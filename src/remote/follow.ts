/**
 * `remote sync --follow`: one LISTEN connection on the scope's channel; each
 * notification (key and revision only) leads to a catch-up by revision.
 * Bun's client re-connects and re-issues LISTEN by itself; every (re)connect
 * catches up by revision too, so notifications sent while the connection
 * was down are never missed, and a slow poll catches up whatever else
 * happened (and retries the outbox) when no connection can be made.
 *
 * @module
 */

import { bunSql } from "./_bun_sql.ts";
import { isUnreachable } from "./_unreachable.ts";
import type { PullResult, PushResult, Replica } from "./replica.ts";

/** What a follower reports. */
export type FollowEvent =
  | { kind: "listening"; channel: string }
  | { kind: "pulled"; result: PullResult; cause: "notify" | "connect" | "poll" }
  | { kind: "pushed"; result: PushResult }
  | { kind: "offline"; reason: string }
  | { kind: "error"; error: unknown };

/** Options of {@link follow}. */
export interface FollowOptions {
  /** Every how many ms to catch up without a notification (default 5000). */
  pollMs?: number;
  /** Stops following. */
  signal?: AbortSignal;
}

/**
 * Follows the scope until `signal` aborts: keeps the snapshot current and
 * the outbox pushed. Resolves when stopped.
 */
export async function follow(
  replica: Replica,
  onEvent: (event: FollowEvent) => void,
  options: FollowOptions = {},
): Promise<void> {
  const pollMs = options.pollMs ?? 5000;
  let running = false;
  let again: FollowEvent["kind"] | undefined;
  let cause: "notify" | "connect" | "poll" = "poll";
  let offline = false;
  const catchUp = async (why: "notify" | "connect" | "poll") => {
    if (running) {
      again = "pulled";
      cause = why;
      return;
    }
    running = true;
    try {
      let next: typeof why | undefined = why;
      while (next) {
        again = undefined;
        try {
          if (replica.outbox().length) onEvent({ kind: "pushed", result: await replica.push() });
          const result = await replica.pull();
          offline = false;
          if (result.changed.length || next !== "poll") {
            onEvent({ kind: "pulled", result, cause: next });
          }
        } catch (error) {
          if (!isUnreachable(error)) onEvent({ kind: "error", error });
          else if (!offline) {
            offline = true;
            onEvent({ kind: "offline", reason: (error as Error).message });
          }
        }
        next = again ? cause : undefined;
      }
    } finally {
      running = false;
    }
  };
  let connectedOnce = false;
  const listener = bunSql(
    {
      url: replica.options.url,
      password: replica.options.password,
      max: 1,
      connectionTimeout: replica.options.connectTimeoutS ?? 5,
      onconnect: () => {
        if (connectedOnce) void catchUp("connect");
        connectedOnce = true;
      },
    },
    "remote sync --follow",
  );
  let subscribed = false;
  const subscribe = async () => {
    if (subscribed) return;
    try {
      const channel = await replica.channel();
      await listener.listen(channel, () => void catchUp("notify"));
      subscribed = true;
      onEvent({ kind: "listening", channel });
      await catchUp("connect");
    } catch (error) {
      if (!isUnreachable(error)) onEvent({ kind: "error", error });
      else if (!offline) {
        offline = true;
        onEvent({ kind: "offline", reason: (error as Error).message });
      }
    }
  };
  await subscribe();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!subscribed) void subscribe();
      else void catchUp("poll");
    }, pollMs);
    const stop = () => {
      clearInterval(timer);
      resolve();
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener("abort", stop, { once: true });
  });
  await listener.close({ timeout: 1 });
  await replica.close();
}

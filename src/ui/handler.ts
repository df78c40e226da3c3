/**
 * The GUI server's request handler, the same under Bun and Deno: every
 * request first passes the Host check (a loopback name and this port) and
 * the token (once in the URL, swapped for an HttpOnly SameSite=Strict
 * cookie and removed from the address bar by a redirect); every change also
 * passes the Origin check. The page and its script are served from here,
 * from text embedded in the program, never from a route that answers before
 * these checks.
 *
 * @module
 */

import { type Config, StrataError } from "../mod.ts";
import { runAction } from "./_actions.ts";
import type { EventHub } from "./_events.ts";
import {
  COOKIE_NAME,
  cookieValue,
  isOwnHost,
  isOwnOrigin,
  sameToken,
  SECURITY_HEADERS,
  tokenCookie,
} from "./_security.ts";
import { buildState } from "./_state.ts";

/** The page's files. */
export interface UiAssets {
  /** `/`. */
  html: string;
  /** `/app.js`: the compiled client. */
  js: string;
  /** `/app.css`. */
  css: string;
}

/** What the handler works with. */
export interface HandlerOptions {
  /** The configuration shown and changed. */
  config: Config;
  /** The token of the printed URL. */
  token: string;
  /** The port listened on (known once listening). */
  port: () => number;
  /** The pages' event streams. */
  events: EventHub;
  /** The page's files. */
  assets: UiAssets;
  /** Called after each change the page made (the watch may not report a process's own writes). */
  changed?: () => void;
}

/** The largest request body taken (a change is a few hundred bytes). */
const MAX_BODY = 1 << 20;

/** Creates the handler. */
export function createHandler(options: HandlerOptions): (request: Request) => Promise<Response> {
  const { config, token, events, assets } = options;
  // One change at a time from this server (other processes are kept out by the file lock).
  let queue: Promise<unknown> = Promise.resolve();
  const files: Record<string, [string, string]> = {
    "/": [assets.html, "text/html; charset=utf-8"],
    "/app.js": [assets.js, "text/javascript; charset=utf-8"],
    "/app.css": [assets.css, "text/css; charset=utf-8"],
  };
  return async (request) => {
    const url = new URL(request.url);
    const host = request.headers.get("host");
    if (!isOwnHost(host, options.port())) {
      return reply(403, "refused: the Host header is not this machine's loopback address\n");
    }
    const given = url.searchParams.get("token");
    if (given !== null) {
      if (!sameToken(given, token) || url.pathname !== "/") {
        return reply(401, "refused: wrong token; open the URL `strata ui` printed\n");
      }
      return new Response(null, {
        status: 303,
        headers: { ...SECURITY_HEADERS, location: "/", "set-cookie": tokenCookie(token) },
      });
    }
    if (!sameToken(cookieValue(request.headers.get("cookie"), COOKIE_NAME), token)) {
      return reply(
        401,
        "refused: no token; open the URL `strata ui` printed (it holds the token)\n",
      );
    }
    if (request.method === "POST" && url.pathname === "/api/action") {
      if (!isOwnOrigin(request.headers.get("origin"), host!)) {
        return reply(403, "refused: a change must come from the page itself (Origin)\n");
      }
      if (!(request.headers.get("content-type") ?? "").startsWith("application/json")) {
        return reply(415, "refused: a change is sent as application/json\n");
      }
      const body = await request.text();
      if (body.length > MAX_BODY) return reply(413, "refused: request too large\n");
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        return reply(400, "refused: the body is not JSON\n");
      }
      const run = queue.then(() => runAction(config, input));
      queue = run.catch(() => undefined);
      const outcome = await run;
      if (outcome.ok) options.changed?.();
      const status = outcome.ok
        ? 200
        : "conflict" in outcome
        ? 409
        : outcome.code === "lock"
        ? 423
        : 422;
      return json(status, outcome);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return reply(405, "refused: method not allowed\n");
    }
    if (url.pathname === "/api/state") {
      try {
        return json(200, buildState(config));
      } catch (e) {
        // A configuration that cannot be read (strict mode, a broken schema): say why.
        if (e instanceof StrataError) {
          return json(422, { ok: false, code: e.code, message: e.message });
        }
        throw e;
      }
    }
    if (url.pathname === "/api/events") {
      return new Response(events.open(), {
        headers: { ...SECURITY_HEADERS, "content-type": "text/event-stream; charset=utf-8" },
      });
    }
    const file = files[url.pathname];
    if (file === undefined) return reply(404, "not found\n");
    return new Response(file[0], { headers: { ...SECURITY_HEADERS, "content-type": file[1] } });
  };
}

function reply(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8" },
  });
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value, replacer), {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "application/json; charset=utf-8" },
  });
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

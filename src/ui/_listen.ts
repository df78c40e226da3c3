/**
 * The one place where the GUI's server differs between Bun and Deno:
 * listening. Always on 127.0.0.1 (both runtimes listen on every interface
 * unless told), and under Bun with the idle timeout off (it would cut an
 * event stream after about 10 s). Closing ends every connection, idle
 * keep-alive ones included, so that an open page does not keep the process.
 *
 * @module
 */

/** A listening server. */
export interface Listener {
  /** The port listened on. */
  port: number;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

/** The address every GUI server listens on. */
export const LOOPBACK = "127.0.0.1";

interface BunServer {
  port: number;
  stop(force?: boolean): Promise<void> | void;
}
interface BunLike {
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch: (request: Request) => Promise<Response>;
  }): BunServer;
}
interface DenoServer {
  addr: { port: number };
  finished: Promise<void>;
}
interface DenoLike {
  serve(
    options: { hostname: string; port: number; onListen: () => void; signal: AbortSignal },
    handler: (request: Request) => Promise<Response>,
  ): DenoServer;
}

/** Listens on 127.0.0.1:`port` (0: a free port the system picks). */
export function listen(port: number, handler: (request: Request) => Promise<Response>): Listener {
  const runtime = globalThis as { Bun?: BunLike; Deno?: DenoLike };
  if (runtime.Bun !== undefined) {
    const server = runtime.Bun.serve({ hostname: LOOPBACK, port, idleTimeout: 0, fetch: handler });
    return { port: server.port, close: async () => void await server.stop(true) };
  }
  if (runtime.Deno !== undefined) {
    // Closed through the signal: every connection ends at once. A graceful
    // shutdown() would wait for a browser's idle keep-alive connections.
    const stop = new AbortController();
    const server = runtime.Deno.serve(
      { hostname: LOOPBACK, port, onListen: () => {}, signal: stop.signal },
      handler,
    );
    return {
      port: server.addr.port,
      close: () => {
        stop.abort();
        return server.finished;
      },
    };
  }
  throw new Error("strata ui runs under Bun or Deno");
}

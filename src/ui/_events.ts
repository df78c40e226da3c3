/**
 * Server-Sent Events to every open page: `change` when the configuration
 * changed on disk (by any writer), `problem` when a file no longer parses,
 * and a comment line as a heartbeat so that no proxy or idle timer closes a
 * quiet stream.
 *
 * @module
 */

/** The open event streams of one server. */
export interface EventHub {
  /** A new stream for one page (closed when the page goes or the hub closes). */
  open(): ReadableStream<Uint8Array>;
  /** Sends one event to every page. */
  send(event: string, data: unknown): void;
  /** How many pages listen. */
  readonly size: number;
  /** Ends every stream and the heartbeat. */
  close(): void;
}

/** Creates a hub with a heartbeat every `heartbeatMs` (default 15 s). */
export function createEventHub(heartbeatMs = 15_000): EventHub {
  const encoder = new TextEncoder();
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const write = (text: string) => {
    const bytes = encoder.encode(text);
    for (const controller of streams) {
      try {
        controller.enqueue(bytes);
      } catch {
        streams.delete(controller);
      }
    }
  };
  const timer = setInterval(() => write(": heartbeat\n\n"), heartbeatMs);
  return {
    open() {
      let self: ReadableStreamDefaultController<Uint8Array>;
      return new ReadableStream<Uint8Array>({
        start(controller) {
          self = controller;
          streams.add(controller);
          // Sent at once, so the page knows the stream is live (and a proxy flushes headers).
          controller.enqueue(encoder.encode("retry: 1000\nevent: hello\ndata: {}\n\n"));
        },
        cancel() {
          streams.delete(self);
        },
      });
    },
    send(event, data) {
      write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    get size() {
      return streams.size;
    },
    close() {
      clearInterval(timer);
      for (const controller of streams) {
        try {
          controller.close();
        } catch {
          // already closed by the page
        }
      }
      streams.clear();
    },
  };
}

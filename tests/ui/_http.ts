/**
 * Raw HTTP requests for the GUI server's tests, with any Host, Origin or
 * Cookie header (fetch does not let a test forge Host).
 *
 * @module
 */

import http from "node:http";

/** What came back. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request to 127.0.0.1:`port`. */
export function request(
  port: number,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = http.request({
      host: "127.0.0.1",
      port,
      path: target,
      method: options.method ?? "GET",
      headers: { host: `127.0.0.1:${port}`, ...options.headers },
    }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => body += chunk);
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", fail);
    req.end(options.body);
  });
}

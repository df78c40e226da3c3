import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";
import { request } from "./_http.ts";
import { startUiProcess, type UiProcess } from "./_ui_process.ts";

/** Real processes and a real browser: generous, for a loaded machine. */
const SLOW = { timeout: 90_000 };

describe("strata ui: what the server refuses and what it sends", () => {
  let sandbox: Sandbox;
  let ui: UiProcess;
  let cookie: string;
  let file: string;

  before(async () => {
    sandbox = makeSandbox();
    file = sandbox.write(
      `${sandbox.configHome}/demo/config.toml`,
      'host = "alpha"\n\n[api]\nsecret = "enc:v1:QUJDREVGR0g"\n',
    );
    ui = await startUiProcess(sandbox, ["--app", "demo"]);
    cookie = `strata_ui=${ui.token}`;
  }, SLOW);
  after(async () => {
    assert.equal(await ui.stop(), 0);
    sandbox.cleanup();
  }, SLOW);

  const change = (headers: Record<string, string>) =>
    request(ui.port, "/api/action", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ op: "set", key: "host", value: "evil", layer: "user" }),
    });

  test("prints its URL with a 43-character token, on 127.0.0.1", () => {
    assert.match(ui.url, /^http:\/\/127\.0\.0\.1:[0-9]+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  test(
    "the token in the URL becomes an HttpOnly SameSite=Strict cookie and leaves the address",
    SLOW,
    async () => {
      const r = await request(ui.port, `/?token=${ui.token}`);
      assert.equal(r.status, 303);
      assert.equal(r.headers.location, "/");
      assert.deepEqual(r.headers["set-cookie"], [`${cookie}; HttpOnly; SameSite=Strict; Path=/`]);
    },
  );

  test("a request without the token, or with a wrong one, is refused", SLOW, async () => {
    for (const target of ["/", "/app.js", "/api/state", "/api/events"]) {
      const r = await request(ui.port, target);
      assert.equal(r.status, 401, target);
      assert.equal(
        r.body,
        "refused: no token; open the URL `strata ui` printed (it holds the token)\n",
      );
    }
    const wrong = await request(ui.port, `/?token=${"A".repeat(43)}`);
    assert.equal(wrong.status, 401);
    const badCookie = await request(ui.port, "/api/state", {
      headers: { cookie: "strata_ui=nope" },
    });
    assert.equal(badCookie.status, 401);
    const noToken = await change({ origin: ui.origin });
    assert.equal(noToken.status, 401);
    assert.equal(sandbox.read(file), 'host = "alpha"\n\n[api]\nsecret = "enc:v1:QUJDREVGR0g"\n');
  });

  test("a foreign Host is refused, even with the token (DNS rebinding)", SLOW, async () => {
    for (
      const host of [
        "evil.example",
        `evil.example:${ui.port}`,
        `127.0.0.1:${ui.port + 1}`,
        `localhost.evil:${ui.port}`,
      ]
    ) {
      const r = await request(ui.port, "/api/state", { headers: { host, cookie } });
      assert.equal(r.status, 403, host);
      assert.equal(r.body, "refused: the Host header is not this machine's loopback address\n");
    }
    const withToken = await request(ui.port, `/?token=${ui.token}`, {
      headers: { host: "rebind.example" },
    });
    assert.equal(withToken.status, 403);
    assert.equal(withToken.headers["set-cookie"], undefined);
    const ok = await request(ui.port, "/api/state", {
      headers: { host: `localhost:${ui.port}`, cookie },
    });
    assert.equal(ok.status, 200);
  });

  test(
    "a change from another origin (another port, another site, none) is refused",
    SLOW,
    async () => {
      for (
        const origin of [
          `http://127.0.0.1:${ui.port + 1}`,
          "http://evil.example",
          "null",
          undefined,
        ]
      ) {
        const r = await change(origin === undefined ? { cookie } : { cookie, origin });
        assert.equal(r.status, 403, origin);
        assert.equal(r.body, "refused: a change must come from the page itself (Origin)\n");
      }
      const form = await request(ui.port, "/api/action", {
        method: "POST",
        headers: { cookie, origin: ui.origin, "content-type": "application/x-www-form-urlencoded" },
        body: "op=set",
      });
      assert.equal(form.status, 415);
      assert.equal(sandbox.read(file), 'host = "alpha"\n\n[api]\nsecret = "enc:v1:QUJDREVGR0g"\n');
      const r = await change({ cookie, origin: ui.origin });
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { ok: true, message: 'host = "evil" (user)' });
      assert.equal(sandbox.read(file), 'host = "evil"\n\n[api]\nsecret = "enc:v1:QUJDREVGR0g"\n');
    },
  );

  test("every answer carries the CSP and no CORS header", SLOW, async () => {
    for (const target of ["/", "/app.js", "/app.css", "/api/state", "/nope"]) {
      const r = await request(ui.port, target, {
        headers: { cookie, origin: "http://evil.example" },
      });
      assert.equal(r.status, target === "/nope" ? 404 : 200, target);
      assert.equal(
        r.headers["content-security-policy"],
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
          "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      assert.equal(r.headers["x-frame-options"], "DENY");
      assert.equal(
        Object.keys(r.headers).filter((h) => h.startsWith("access-control-")).length,
        0,
        target,
      );
    }
    const js = await request(ui.port, "/app.js", { headers: { cookie } });
    assert.equal(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert.ok(js.body.length > 1000);
  });

  test("the state lists each value with its layer and file:line", SLOW, async () => {
    const r = await request(ui.port, "/api/state", { headers: { cookie } });
    const state = JSON.parse(r.body);
    const host = state.keys.find((k: { key: string }) => k.key === "host");
    assert.deepEqual(host, {
      key: "host",
      path: ["host"],
      value: { text: '"evil"', input: "evil" },
      layer: "user",
      origin: `${fs.realpathSync(file)}:1`,
      type: "string",
      layers: { project: null, user: { text: '"evil"', input: "evil" }, system: null },
    });
    assert.deepEqual(state.writable, ["project", "user", "system"]);
    // A sealed secret is shown as sealed; its ciphertext never leaves the server.
    const secret = state.keys.find((k: { key: string }) => k.key === "api.secret");
    assert.deepEqual(secret.value, { text: "sealed", sealed: true });
    assert.deepEqual(secret.layers.user, { text: "sealed", sealed: true });
    assert.equal(r.body.includes("QUJDREVGR0g"), false);
    // And the page does not write over it (a secret typed there would be stored as plain text).
    const over = await request(ui.port, "/api/action", {
      method: "POST",
      headers: { cookie, origin: ui.origin, "content-type": "application/json" },
      body: JSON.stringify({
        op: "set",
        key: "api.secret",
        value: "hunter2",
        layer: "user",
        expected: "sealed",
      }),
    });
    assert.equal(over.status, 422);
    assert.equal(
      JSON.parse(over.body).message,
      "api.secret holds a sealed secret in user; the page does not change sealed values (a " +
        "secret typed here would be stored as plain text); nothing was written",
    );
    assert.equal(sandbox.read(file), 'host = "evil"\n\n[api]\nsecret = "enc:v1:QUJDREVGR0g"\n');
  });

  test("the event stream answers at once and stays open", SLOW, async () => {
    const text = await new Promise<string>((done, fail) => {
      const socket = net.connect(ui.port, "127.0.0.1", () => {
        socket.write(
          `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${ui.port}\r\nCookie: ${cookie}\r\n\r\n`,
        );
      });
      let got = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => {
        got += chunk;
        if (got.includes("event: hello")) {
          socket.destroy();
          done(got);
        }
      });
      socket.on("error", fail);
    });
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, /content-type: text\/event-stream; charset=utf-8/i);
    assert.match(text, /retry: 1000\nevent: hello\ndata: \{\}\n\n/);
  });

  test(
    "an event stream idle for 12 s stays open (no idle timeout) and then carries a change",
    SLOW,
    async () => {
      const socket = net.connect(ui.port, "127.0.0.1");
      let got = "";
      const seen = (text: string) =>
        new Promise<void>((done, fail) => {
          const check = () => got.includes(text) && done();
          socket.on("data", check);
          socket.on("close", () => fail(new Error(`stream closed; got: ${got}`)));
          check();
        });
      socket.setEncoding("utf8").on("data", (chunk: string) => got += chunk);
      socket.write(
        `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${ui.port}\r\nCookie: ${cookie}\r\n\r\n`,
      );
      await seen("event: hello");
      await new Promise((done) => setTimeout(done, 12_000));
      assert.equal(socket.destroyed, false);
      const r = await change({ cookie, origin: ui.origin });
      assert.equal(r.status, 200);
      await seen("event: change");
      socket.destroy();
    },
  );

  test("listens on 127.0.0.1 only", SLOW, async () => {
    const other = Object.values((await import("node:os")).networkInterfaces()).flat()
      .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    if (other === undefined) return; // no other interface on this machine: nothing to reach
    const refused = await new Promise<boolean>((done) => {
      const socket = net.connect(ui.port, other, () => {
        socket.destroy();
        done(false);
      });
      socket.on("error", () => done(true));
    });
    assert.equal(refused, true);
  });
});

describe("strata ui as a process", () => {
  test(
    "SIGINT ends it with 0 while a page holds an idle keep-alive connection and an event stream",
    SLOW,
    async () => {
      const sandbox = makeSandbox();
      const ui = await startUiProcess(sandbox, ["--app", "demo"]);
      const sockets: net.Socket[] = [];
      try {
        for (const target of [`/?token=${ui.token}`, "/api/events"]) {
          const socket = net.connect(ui.port, "127.0.0.1");
          sockets.push(socket);
          await new Promise<void>((done) => {
            socket.setEncoding("utf8").once("data", () => done());
            socket.write(
              `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${ui.port}\r\n` +
                `Cookie: strata_ui=${ui.token}\r\nConnection: keep-alive\r\n\r\n`,
            );
          });
        }
        // A second server on the same port: refused, and it exits (nothing keeps it alive).
        const taken = await sandbox.runAsync([
          "--app",
          "demo",
          "ui",
          "--no-open",
          "--port",
          String(ui.port),
        ]);
        assert.equal(
          taken.stderr,
          `strata: ui: port ${ui.port} on 127.0.0.1 is taken; give another with --port, ` +
            "or leave --port out to use a free one\n",
        );
        assert.equal(taken.stdout, "");
        assert.equal(taken.code, 5);
        assert.equal(await ui.stop(), 0);
      } finally {
        for (const socket of sockets) socket.destroy();
        sandbox.cleanup();
      }
    },
  );

  test("with --file: the one file is the layer written, undone", SLOW, async () => {
    const sandbox = makeSandbox();
    const file = sandbox.write(`${sandbox.project}/settings.toml`, "port = 1 # the port\n");
    const ui = await startUiProcess(sandbox, ["--file", "settings.toml"]);
    try {
      const cookie = `strata_ui=${ui.token}`;
      const state = JSON.parse(
        (await request(ui.port, "/api/state", { headers: { cookie } })).body,
      );
      assert.deepEqual(state.writable, ["file"]);
      assert.equal(state.title, fs.realpathSync(file));
      assert.deepEqual(state.keys.map((k: { key: string; origin: string }) => [k.key, k.origin]), [
        ["port", `${fs.realpathSync(file)}:1`],
      ]);
      const act = (body: unknown) =>
        request(ui.port, "/api/action", {
          method: "POST",
          headers: { cookie, origin: ui.origin, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const set = await act({ op: "set", key: "port", value: "2", layer: "file", expected: "1" });
      assert.equal(set.status, 200);
      assert.equal(sandbox.read(file), "port = 2 # the port\n");
      const stale = await act({ op: "set", key: "port", value: "3", layer: "file", expected: "1" });
      assert.equal(stale.status, 409);
      assert.equal(JSON.parse(stale.body).current.text, "2");
      assert.equal(sandbox.read(file), "port = 2 # the port\n");
      const undo = await act({ op: "undo", layer: "file" });
      assert.deepEqual(JSON.parse(undo.body), { ok: true, message: "undid port in file" });
      assert.equal(sandbox.read(file), "port = 1 # the port\n");
    } finally {
      assert.equal(await ui.stop(), 0);
      sandbox.cleanup();
    }
  });

  test("usage errors: exit 2, nothing listens", SLOW, async () => {
    const sandbox = makeSandbox();
    try {
      const port = await sandbox.runAsync(["--app", "demo", "ui", "--port", "80x"]);
      assert.equal(port.code, 2);
      assert.match(port.stderr, /--port wants a port number \(0 to 65535\), not "80x"/);
      const extra = await sandbox.runAsync(["--app", "demo", "ui", "now"]);
      assert.equal(extra.code, 2);
      assert.equal(extra.stdout, "");
    } finally {
      sandbox.cleanup();
    }
  });

  test(
    "opens a browser where a display is set: with DISPLAY, xdg-open gets the URL",
    SLOW,
    async () => {
      const sandbox = makeSandbox();
      const mark = `${sandbox.root}/opened`;
      // Written aside, then renamed: the test never reads a half-written mark.
      const bin = sandbox.write(
        "bin/xdg-open",
        `#!/bin/sh\nprintf '%s\\n' "$1" > "${mark}.tmp" && mv "${mark}.tmp" "${mark}"\n`,
      );
      fs.chmodSync(bin, 0o755);
      const env = { PATH: `${sandbox.root}/bin:${sandbox.env.PATH}`, DISPLAY: ":99" };
      const ui = await startUiProcess(sandbox, ["--app", "demo"], { open: true, env });
      try {
        const until = Date.now() + 30_000;
        while (!fs.existsSync(mark) && Date.now() < until) {
          await new Promise((d) => setTimeout(d, 50));
        }
        assert.equal(fs.readFileSync(mark, "utf8"), `${ui.url}\n`);
      } finally {
        assert.equal(await ui.stop(), 0);
        sandbox.cleanup();
      }
    },
  );
});

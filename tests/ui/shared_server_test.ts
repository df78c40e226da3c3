import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { type Machine, makeMachine } from "../remote/_machine.ts";
import { type PgServer, testServer } from "../remote/_pg.ts";
import { launchBrowser, openPage } from "./_browser.ts";
import { layOutDemo } from "./_fixture.ts";
import { startUiProcess, type UiProcess } from "./_ui_process.ts";

// The browser's globals, for the functions that run in the page.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
};

/** A real server, real processes and a real browser: generous, for a loaded machine. */
const SLOW = { timeout: 120_000 };

describe("the page and a real server", () => {
  let pg: PgServer;
  let url: string;
  let a: Machine;
  let b: Machine;
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  const shows = async (key: string, text: string) => {
    await page.waitForFunction(
      ([k, t]) => document.querySelector(`li.key[data-key="${k}"] .value`)?.textContent === t,
      [key, text],
      { timeout: 20_000 },
    );
  };

  before(async () => {
    pg = await testServer();
    url = pg.database();
    a = makeMachine("demo");
    b = makeMachine("demo");
    layOutDemo(a.box);
    for (const m of [a, b]) {
      const r = m.run(["remote", "connect", url, "--scope", "team:ops/demo"]);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(a.run(["remote", "init"]).code, 0);
    const first = a.run(["set", "--shared", "db.pool", "20", "--type", "int"]);
    assert.equal(first.code, 0, first.stderr);
    browser = await launchBrowser();
    ui = await startUiProcess(a.box, ["--app", "demo"]);
    page = await openPage(browser, ui.url);
  }, SLOW);
  after(async () => {
    await browser?.close();
    if (ui) assert.equal(await ui.stop(), 0);
    a?.cleanup();
    b?.cleanup();
    pg?.close();
  }, SLOW);

  test(
    "a shared value names scope and server; a set on another machine reaches the open page",
    SLOW,
    async () => {
      await shows("db.pool", "20");
      const host = new URL(url).host;
      const line = () =>
        fs.readFileSync(a.snapshot, "utf8").split("\n").findIndex((l) => l.startsWith("db.pool")) +
        1;
      assert.equal(
        await page.locator('li.key[data-key="db.pool"] .origin').textContent(),
        `team:ops/demo @ ${host}, snapshot ${fs.realpathSync(a.snapshot)}:${line()}`,
      );
      const started = performance.now();
      assert.equal(b.run(["set", "--shared", "db.pool", "21", "--type", "int"]).code, 0);
      if ("Bun" in globalThis) {
        // The page's process follows the server itself: no sync needed.
        await shows("db.pool", "21");
        console.log(
          `set on another machine to screen: ${(performance.now() - started).toFixed(0)} ms`,
        );
        assert.equal(ui.stderr(), "");
      } else {
        // Under Deno the page cannot follow the server: a sync in another process brings it.
        assert.match(ui.stderr(), /following the server needs Bun/);
        const sync = a.run(["remote", "sync"]);
        assert.equal(sync.code, 0, sync.stderr);
        await shows("db.pool", "21");
        console.log(
          `set, then remote sync, to screen: ${(performance.now() - started).toFixed(0)} ms`,
        );
      }
      assert.equal(await page.locator('li.key[data-key="db.pool"] .badge').textContent(), "shared");
    },
  );
});

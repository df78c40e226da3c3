import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";
import type { MirrorState } from "../../src/remote/local_state.ts";
import { writeSnapshot } from "../../src/remote/snapshot.ts";
import { launchBrowser, openPage } from "./_browser.ts";
import { layOutDemo } from "./_fixture.ts";
import { startUiProcess, type UiProcess } from "./_ui_process.ts";

// The browser's globals, for the functions that run in the page.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
};

/** Real processes and a real browser: generous, for a loaded machine. */
const SLOW = { timeout: 90_000 };

const SOURCE = "postgres://ana@db.example.com:5433/config";
const SCOPE = "team:ops/demo";

function mirror(revision: number, rows: Record<string, string>): MirrorState {
  const m: MirrorState = { source: SOURCE, scope: SCOPE, revision, rows: {} };
  for (const [key, text] of Object.entries(rows)) {
    m.rows[key] = { text, kind: "integer", version: revision, revision, deleted: false };
  }
  return m;
}

describe("the shared layer in the page", () => {
  let sandbox: Sandbox;
  let ui: UiProcess;
  let browser: Browser;
  let page: Page;
  let snapshot: string;
  const options = () => ({
    stateDir: path.join(sandbox.stateHome, "demo"),
    program: "strata remote sync",
    time: "2026-01-01T00:00:00Z",
  });
  const row = (key: string) => page.locator(`li.key[data-key="${key}"]`);
  const shows = async (key: string, text: string) => {
    await page.waitForFunction(
      ([k, t]) => document.querySelector(`li.key[data-key="${k}"] .value`)?.textContent === t,
      [key, text],
      { timeout: 10_000 },
    );
  };
  const lineOf = (text: string) => fs.readFileSync(snapshot, "utf8").split("\n").indexOf(text) + 1;

  before(async () => {
    sandbox = makeSandbox();
    layOutDemo(sandbox);
    snapshot = path.join(sandbox.configHome, "demo", "shared.toml");
    // The snapshot as a sync writes it (the same function, the same write protocol).
    await writeSnapshot(snapshot, mirror(3, { "db.pool": "20" }), {}, options());
    browser = await launchBrowser();
    ui = await startUiProcess(sandbox, ["--app", "demo"]);
    page = await openPage(browser, ui.url);
  }, SLOW);
  after(async () => {
    await browser?.close();
    assert.equal(await ui?.stop(), 0);
    sandbox?.cleanup();
  }, SLOW);

  test("a shared value names its scope and server, then the snapshot's line", SLOW, async () => {
    await shows("db.pool", "20");
    assert.equal(await row("db.pool").locator(".badge").textContent(), "shared");
    const real = fs.realpathSync(snapshot);
    assert.equal(
      await row("db.pool").locator(".origin").textContent(),
      `team:ops/demo @ db.example.com:5433, snapshot ${real}:${lineOf("db.pool = 20")}`,
    );
  });

  test(
    "the page lists the shared layer as read-only and offers no way to write it",
    SLOW,
    async () => {
      const note = page.locator("#shared");
      assert.equal(await note.isVisible(), true);
      assert.equal(
        await note.textContent(),
        `Shared layer: team:ops/demo @ db.example.com:5433, copied in ${
          fs.realpathSync(snapshot)
        }. Read-only here: change it with strata --app demo set --shared KEY VALUE.`,
      );
      const layers = await page.locator("#layer option").allTextContents();
      assert.ok(!layers.includes("shared"), `writable layers offered: ${layers.join(", ")}`);
      // A direct request to write it is refused too, and nothing is written.
      const before = fs.readFileSync(snapshot, "utf8");
      const outcome = await page.evaluate(async () => {
        const r = await fetch("/api/action", {
          method: "POST",
          credentials: "same-origin",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ op: "set", key: "db.pool", value: "1", layer: "shared" }),
        });
        return { status: r.status, body: await r.text() };
      });
      assert.equal(outcome.status, 422, outcome.body);
      assert.deepEqual(JSON.parse(outcome.body), {
        ok: false,
        code: "usage",
        message: "bad request: the shared layer is read-only in the page (its values live on the " +
          "server); change a value with strata --app demo set --shared KEY VALUE, and the page shows it " +
          "after the next sync",
      });
      assert.equal(fs.readFileSync(snapshot, "utf8"), before);
    },
  );

  test("a sync by another process shows in the open page", SLOW, async () => {
    const started = performance.now();
    await writeSnapshot(
      snapshot,
      mirror(4, { "db.pool": "21", "db.port": "6000" }),
      mirror(3, { "db.pool": "20" }).rows,
      options(),
    );
    await shows("db.pool", "21");
    await shows("db.port", "6000");
    const ms = performance.now() - started;
    assert.equal(await row("db.port").locator(".badge").textContent(), "shared");
    assert.equal(
      await row("db.port").locator(".origin").textContent(),
      `team:ops/demo @ db.example.com:5433, snapshot ${fs.realpathSync(snapshot)}:${
        lineOf("db.port = 6000")
      }`,
    );
    assert.ok(ms < 10_000, `${ms} ms`);
    console.log(`shared change to screen: ${ms.toFixed(0)} ms`);
  });
});

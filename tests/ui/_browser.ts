/**
 * The browser of the GUI tests: the system's Chromium (Debian's
 * `chromium-headless-shell`, or `$STRATA_CHROMIUM`) driven by
 * playwright-core. A missing browser fails the tests with what to install;
 * they never skip.
 *
 * @module
 */

import fs from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/** Where a Chromium is looked for, after `$STRATA_CHROMIUM`. */
const CANDIDATES = [
  "/usr/bin/chromium-headless-shell",
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
];

/** The Chromium executable; throws, saying what to install, when there is none. */
export function chromiumPath(): string {
  const given = process.env.STRATA_CHROMIUM;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`STRATA_CHROMIUM=${given}: no such file`);
    return given;
  }
  const found = CANDIDATES.find((file) => fs.existsSync(file));
  if (found === undefined) {
    throw new Error(
      "no Chromium for the GUI tests: install it (apt-get install -y chromium-headless-shell) " +
        "or set STRATA_CHROMIUM to a Chromium executable",
    );
  }
  return found;
}

/** Launches a headless Chromium (one per test file). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Opens the page at `url` in a new tab of `browser` and waits until it has drawn its data. */
export async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  return page;
}

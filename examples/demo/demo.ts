/**
 * The three-language demo: strata (TypeScript), the Python reference writer
 * and the Rust program on one application's configuration, with `strata ui`
 * showing each change arrive in a real (headless) Chromium.
 *
 *     bun examples/demo/demo.ts                 # or: deno run -A examples/demo/demo.ts
 *     bun examples/demo/demo.ts --keep DIR      # leave the demo's folders in DIR
 *
 * 1. `strata --app demo set db.host db.internal`
 * 2. `strata --app demo ui --no-open`; Chromium opens the URL it prints.
 * 3. The Python writer sets `db.port = 5433`; the page shows it.
 * 4. The Rust program reads `db.port` through the layers and sets
 *    `db.replica_port` to the next port; the page shows it.
 * 5. `strata --app demo history` lists the three writers.
 *
 * Everything happens in a folder of its own (HOME and the XDG folders point
 * there), so the real configuration is never touched. Needs python3 (3.11+),
 * the Rust program built (`cd examples/rust && cargo build --offline`), and
 * Chromium (`apt-get install chromium-headless-shell`, or `$STRATA_CHROMIUM`).
 * Exit 0 when every step showed what it should, 1 otherwise (the step and
 * what was seen are printed).
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = path.join(REPO, "main.ts");
const PYTHON_WRITER = path.join(REPO, "examples", "python", "strata_writer.py");
const RUST_PROGRAM = path.join(REPO, "examples", "rust", "target", "debug", "strata-rs");
const CHROMIUMS = [
  "/usr/bin/chromium-headless-shell",
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
];
/** How long a change may take to show in the page. */
const PAGE_WAIT_MS = 60_000;

// The page's one global the demo's in-page function reads (this file is
// type-checked without the DOM library).
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
};

/** A step that did not show what it should. */
class DemoFailure extends Error {}

/** The command that runs strata from source under the runtime running the demo. */
function strataCommand(): [string, string[]] {
  return "Deno" in globalThis
    ? [process.execPath, ["run", "-A", "--quiet", "--config", path.join(REPO, "deno.json"), MAIN]]
    : [process.execPath, ["--no-env-file", MAIN]];
}

/** HOME and the XDG folders under `root`, Deno's module cache kept where it is. */
function demoEnv(root: string): Record<string, string> {
  const folder = (name: string) => {
    const full = path.join(root, name);
    fs.mkdirSync(full, { recursive: true });
    return full;
  };
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: folder("home"),
    XDG_CONFIG_HOME: folder("config"),
    XDG_CONFIG_DIRS: folder("xdg"),
    XDG_STATE_HOME: folder("state"),
    XDG_DATA_DIRS: folder("data"),
    DENO_DIR: process.env.DENO_DIR ?? path.join(os.homedir(), ".cache", "deno"),
    NO_COLOR: "1",
    LANG: "C.UTF-8",
  };
}

/** Runs a command to its end; a failure ends the demo, with what it said. */
function run(
  what: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
) {
  const r = spawnSync(command, args, { env, cwd, encoding: "utf8", timeout: 120_000 });
  if (r.error !== undefined) {
    throw new DemoFailure(`${what}: could not run ${command}: ${r.error.message}`);
  }
  if (r.status !== 0) {
    throw new DemoFailure(`${what} failed (exit ${r.status}): ${(r.stderr + r.stdout).trim()}`);
  }
  return r.stdout;
}

/** A running `strata ui`: its URL, and how to stop it. */
interface Ui {
  url: string;
  stop(): Promise<void>;
}

/** Starts `strata --app demo ui --no-open` and waits for the URL it prints first. */
function startUi(env: Record<string, string>, cwd: string): Promise<Ui> {
  const [exe, prefix] = strataCommand();
  const child = spawn(exe, [...prefix, "--app", "demo", "ui", "--no-open"], {
    env,
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const closed = new Promise<void>((done) => child.on("close", () => done()));
  const stop = async () => {
    child.kill("SIGINT");
    await closed;
  };
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (t: string) => stderr += t);
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new DemoFailure(`strata ui printed no URL within 60 s: ${stderr.trim()}`));
    }, 60_000);
    child.stdout!.setEncoding("utf8").on("data", (t: string) => {
      stdout += t;
      const end = stdout.indexOf("\n");
      if (end === -1) return;
      clearTimeout(timer);
      done({ url: stdout.slice(0, end).trim(), stop });
    });
    void closed.then(() => {
      clearTimeout(timer);
      fail(new DemoFailure(`strata ui ended before printing its URL: ${stderr.trim()}`));
    });
  });
}

function chromiumPath(): string {
  const given = process.env.STRATA_CHROMIUM;
  if (given) return given;
  const found = CHROMIUMS.find((file) => fs.existsSync(file));
  if (found === undefined) {
    throw new DemoFailure(
      "no Chromium to open the page: apt-get install -y chromium-headless-shell, or set " +
        "STRATA_CHROMIUM to a Chromium executable",
    );
  }
  return found;
}

/** What the page shows for a key: its value, layer and origin, as the row reads. */
interface Row {
  value: string;
  layer: string;
  origin: string;
}

/** A page in Chromium, reading rows of the key tree. */
interface Page {
  /** Waits until the row of `key` shows `value` and returns the row, with the time it took. */
  waitFor(key: string, value: string): Promise<{ row: Row; ms: number }>;
  close(): Promise<void>;
}

async function openPage(url: string): Promise<Page> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: PAGE_WAIT_MS });
  return {
    async waitFor(key, value) {
      const started = performance.now();
      const row = `li.key[data-key="${key}"]`;
      try {
        await page.waitForFunction(
          ([selector, want]) => document.querySelector(`${selector} .value`)?.textContent === want,
          [row, value] as const,
          { timeout: PAGE_WAIT_MS },
        );
      } catch {
        const seen = await page.locator(row).textContent({ timeout: 1000 }).catch(() => null);
        throw new DemoFailure(
          `the page did not show ${key} = ${value} within ${PAGE_WAIT_MS / 1000} s ` +
            `(its row reads: ${seen ?? "no row"})`,
        );
      }
      const ms = performance.now() - started;
      const text = (part: string) => page.locator(`${row} .head .${part}`).first().textContent();
      return {
        row: {
          value: (await text("value")) ?? "",
          layer: (await text("badge")) ?? "",
          origin: (await text("origin")) ?? "",
        },
        ms,
      };
    },
    close: () => browser.close(),
  };
}

function show(step: string): void {
  console.log(`\n== ${step}`);
}

/** The row as the page shows it, and (`after`) how long after which event it showed. */
function pageLine(key: string, seen: { row: Row; ms: number }, after?: string): string {
  const { row, ms } = seen;
  const when = after === undefined ? "" : `   (shown ${Math.round(ms)} ms after ${after})`;
  return `page: ${key} = ${row.value}   [${row.layer}] ${row.origin}${when}`;
}

async function demo(root: string): Promise<void> {
  const env = demoEnv(root);
  const project = path.join(root, "project");
  fs.mkdirSync(project, { recursive: true });
  const userFile = path.join(env.XDG_CONFIG_HOME, "demo", "config.toml");
  const [exe, prefix] = strataCommand();
  const strata = (...args: string[]) =>
    run(`strata ${args.join(" ")}`, exe, [...prefix, "--app", "demo", ...args], env, project);
  if (!fs.existsSync(RUST_PROGRAM)) {
    throw new DemoFailure(
      `the Rust program is not built (${RUST_PROGRAM}): cd examples/rust && cargo build --offline`,
    );
  }

  show("1. strata (TypeScript) writes db.host");
  strata("set", "db.host", "db.internal");
  console.log(`$ strata --app demo set db.host db.internal\n${fs.readFileSync(userFile, "utf8")}`);

  show("2. strata ui, opened in headless Chromium");
  const ui = await startUi(env, project);
  let page: Page | undefined;
  try {
    console.log(`strata ui: ${ui.url.replace(/token=[^&]+/, "token=...")}`);
    page = await openPage(ui.url);
    console.log(pageLine("db.host", await page.waitFor("db.host", '"db.internal"')));

    show("3. the Python writer sets db.port = 5433");
    run(
      "python3 strata_writer.py",
      "python3",
      [
        PYTHON_WRITER,
        "--file",
        userFile,
        "--layer",
        "user",
        "set",
        "db.port",
        "5433",
        "--type",
        "int",
      ],
      env,
      project,
    );
    console.log(
      `$ python3 examples/python/strata_writer.py --file ${userFile} --layer user ` +
        "set db.port 5433 --type int",
    );
    console.log(pageLine("db.port", await page.waitFor("db.port", "5433"), "the writer exited"));

    show("4. the Rust program reads db.port and writes db.replica_port");
    const port = run(
      "strata-rs get",
      RUST_PROGRAM,
      ["--app", "demo", "get", "db.port"],
      env,
      project,
    )
      .trim();
    console.log(`$ strata-rs --app demo get db.port\n${port}`);
    if (port !== "5433") throw new DemoFailure(`strata-rs read db.port as ${port}, not 5433`);
    const replica = String(Number(port) + 1);
    run(
      "strata-rs set",
      RUST_PROGRAM,
      [
        "--app",
        "demo",
        "set",
        "db.replica_port",
        replica,
        "--type",
        "int",
      ],
      env,
      project,
    );
    console.log(`$ strata-rs --app demo set db.replica_port ${replica} --type int`);
    console.log(
      pageLine(
        "db.replica_port",
        await page.waitFor("db.replica_port", replica),
        "the writer exited",
      ),
    );
  } finally {
    await page?.close();
    await ui.stop();
  }

  show("5. strata history: the three writers");
  console.log(`$ strata --app demo history\n${strata("history").trimEnd()}`);
  console.log(`\n${fs.readFileSync(userFile, "utf8").trimEnd()}`);
}

async function main(argv: string[]): Promise<number> {
  let keep: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--keep" && argv[i + 1] !== undefined && keep === undefined) keep = argv[++i];
    else {
      console.error("usage: bun examples/demo/demo.ts [--keep DIR]");
      return 2;
    }
  }
  const root = keep === undefined
    ? fs.mkdtempSync(path.join(os.tmpdir(), "strata-demo-"))
    : path.resolve(keep);
  fs.mkdirSync(root, { recursive: true });
  try {
    await demo(root);
    return 0;
  } catch (e) {
    if (!(e instanceof DemoFailure)) throw e;
    console.error(`demo: ${e.message}`);
    return 1;
  } finally {
    if (keep === undefined) fs.rmSync(root, { recursive: true, force: true });
    else console.log(`\nthe demo's folders are kept in ${root}`);
  }
}

process.exit(await main(process.argv.slice(2)));

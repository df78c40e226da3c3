/**
 * Readers never see a partial file: while library and CLI writers change one
 * configuration file, three readers loop without taking any lock:
 *
 * - a raw reader here, reading the file's bytes and parsing them with
 *   strata's TOML parser;
 * - `strata get` processes;
 * - a Python loop parsing the file with `tomllib` (an independent parser).
 *
 * Every read must find the whole file (present, parsing, its comments in
 * place), and each key's value must never go back (a rename is atomic: once
 * a reader has seen a version, it never sees an older one).
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  cli,
  isDeno,
  pythonHasToml,
  report,
  sandbox,
  scriptCommand,
  sized,
  start,
  tryParseToml,
} from "./_harness.ts";

const HEADER = "# read while being written\n";

/** A Python loop that parses the file with tomllib until the stop file appears. */
const PYTHON_READER = `
import os, sys, tomllib
path, stop = sys.argv[1], sys.argv[2]
reads = bad = 0
last = {}
while True:
    done = os.path.exists(stop)
    with open(path, "rb") as f:
        data = f.read()
    reads += 1
    try:
        value = tomllib.loads(data.decode("utf-8"))
        if not data.startswith(b"# read while being written\\n"):
            raise ValueError("header missing")
        for key in ("lib0", "lib1", "cli0"):
            if value[key] < last.get(key, 0):
                raise ValueError(f"{key} went back from {last[key]} to {value[key]}")
            last[key] = value[key]
    except Exception as e:
        bad += 1
        print(f"bad read: {e}: {data[:200]!r}", file=sys.stderr)
    if done:
        break
print(reads, bad)
`;

test("reader: a reader looping while writers write never sees a partial file", {
  timeout: sized(120_000, 1_800_000),
}, async () => {
  const box = sandbox();
  const file = path.join(box.configHome, "demo", "config.toml");
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Some bulk, so that a write takes more than one write(2) and a torn read could show.
  const filler = Array.from({ length: 200 }, (_, i) => `key${i} = "${"x".repeat(60)}"\n`).join("");
  fs.writeFileSync(file, HEADER + "lib0 = 0\nlib1 = 0\ncli0 = 0\n\n[bulk]\n" + filler);
  const stop = path.join(box.root, "stop");
  const libWrites = sized(100, 3000);
  const cliWrites = sized(isDeno ? 8 : 20, 500);
  let writersDone = false;
  const bad: string[] = [];
  const last: Record<string, number> = { lib0: 0, lib1: 0, cli0: 0 };
  const checkValues = (who: string, values: Record<string, unknown>) => {
    for (const key of Object.keys(last)) {
      const value = Number(values[key]);
      if (!(value >= last[key])) bad.push(`${who}: ${key} went back from ${last[key]} to ${value}`);
      else last[key] = value;
    }
  };
  const writers = Promise.all([
    ...["lib0", "lib1"].map((key) => {
      const [command, args] = scriptCommand("_lib_writer.ts", [
        "set",
        "app:demo",
        key,
        "1",
        `${libWrites}`,
      ]);
      return start(command, args, { env: box.env }).done;
    }),
    (async () => {
      for (let i = 1; i <= cliWrites; i++) {
        const done = await cli(box, ["--app", "demo", "set", "cli0", `${i}`]);
        if (done.code !== 0) return done;
      }
      return { code: 0, signal: null, stdout: "", stderr: "" };
    })(),
  ]).finally(() => {
    writersDone = true;
    fs.writeFileSync(stop, "");
  });
  const python = pythonHasToml()
    ? start("python3", ["-c", PYTHON_READER, file, stop], { env: box.env }).done
    : undefined;
  // The raw reader: synchronous reads, yielding to let the other loops and the pipes run.
  const rawReader = (async () => {
    let reads = 0;
    while (!writersDone) {
      const text = fs.readFileSync(file, "utf8");
      reads += 1;
      const values = tryParseToml(text);
      if (values === undefined || !text.startsWith(HEADER) || !text.endsWith(`"\n`)) {
        bad.push(`raw read ${reads}: ${JSON.stringify(text.slice(0, 200))}...`);
      } else {
        checkValues(`raw read ${reads}`, values);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return reads;
  })();
  const getReader = (async () => {
    let reads = 0;
    let lastGet = 0;
    while (!writersDone) {
      const done = await cli(box, ["--app", "demo", "get", "lib0"]);
      reads += 1;
      const value = Number(done.stdout.trim());
      if (done.code !== 0 || done.stderr !== "" || !(value >= lastGet)) {
        bad.push(`strata get ${reads}: exit ${done.code}, ${done.stdout} ${done.stderr}`);
      } else {
        lastGet = value;
      }
    }
    return reads;
  })();
  try {
    const written = await writers;
    const [rawReads, getReads] = await Promise.all([rawReader, getReader]);
    const py = python ? await python : undefined;
    const [pyReads, pyBad] = py ? py.stdout.trim().split(" ").map(Number) : [0, 0];
    report("reader", {
      runtime: isDeno ? "deno" : "bun",
      writes: 2 * libWrites + cliWrites,
      rawReads,
      getReads,
      pythonReads: pyReads,
      partial: bad.length + pyBad,
    });
    for (const done of written) assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(bad, []);
    if (py) {
      assert.equal(py.code, 0, py.stderr);
      assert.equal(pyBad, 0, py.stderr);
      assert.ok(pyReads > 0);
    }
    assert.ok(rawReads > 0 && getReads > 0);
    const final = tryParseToml(fs.readFileSync(file, "utf8"))!;
    assert.deepEqual([final.lib0, final.lib1, final.cli0], [libWrites, libWrites, cliWrites]);
  } finally {
    box.cleanup();
  }
});

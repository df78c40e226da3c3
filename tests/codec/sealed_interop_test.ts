import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { openValue, type SealedContext, sealValue } from "../../src/codec/sealed.ts";
import { generateIdentity } from "../../src/codec/sealed_keys.ts";
import { parse } from "../../src/toml/parse.ts";
import { readVectors } from "./_vectors.ts";
import { tempDir } from "../_support/mod.ts";

const examples = path.resolve(import.meta.dirname!, "../../examples/python");
const writer = path.join(examples, "strata_writer.py");
const hasPython = spawnSync("python3", ["--version"]).status === 0;
const hasCryptography = hasPython &&
  spawnSync("python3", ["-c", "import cryptography.hazmat.primitives.ciphers.aead"]).status === 0;
const skip = !hasPython
  ? "python3 is not installed"
  : !hasCryptography
  ? "the Python package cryptography is not installed: the reference writer cannot seal"
  : false;

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function python(args: string[], input = "", env: Record<string, string> = {}): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs `code` with the reference writer importable as `w`; JSON in on stdin, JSON out. */
async function pythonJson(code: string, input: unknown): Promise<unknown> {
  const script = `import json, sys\nsys.path.insert(0, ${JSON.stringify(examples)})\n` +
    `import strata_writer as w\nrequest = json.load(sys.stdin)\n${code}\n`;
  const done = await python(["-c", script], JSON.stringify(input));
  assert.equal(done.code, 0, done.stderr);
  return JSON.parse(done.stdout);
}

/** Every file under `dir`, with its bytes as text. */
function allFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.set(file, fs.readFileSync(file, "latin1"));
  }
  return out;
}

test(
  "Python computes every line of PROTOCOL.md's test vectors",
  { skip, timeout: 60_000 },
  async () => {
    const vectors = readVectors();
    const results = await pythonJson(
      `out = []
for v in request:
    segments = w.parse_key(v["key"])
    value = w.tomllib.loads("v = " + v["plaintext"] + "\\n")["v"]
    dates = "T07:32:00" in v["plaintext"]  # the writer's values hold no dates (--type json)
    out.append({
        "aad": w.sealed_context(v["app"], v["layer"], segments).hex(),
        "plaintext": v["plaintext"] if dates else w.toml_inline(value),
        "sealed": w.seal_plaintext(v["plaintext"], v["recipient"], v["app"], v["layer"],
                                   segments, bytes.fromhex(v["ephemeral"])),
        "opened": json.dumps(w.open_value(v["sealed"], v["identity"], v["app"], v["layer"],
                                          segments), default=str, sort_keys=True),
        "expected": json.dumps(value, default=str, sort_keys=True),
    })
print(json.dumps(out))`,
      vectors,
    ) as { aad: string; plaintext: string; sealed: string; opened: string; expected: string }[];
    assert.equal(results.length, vectors.length);
    for (const [i, r] of results.entries()) {
      assert.equal(r.aad, vectors[i].aad, `vector ${i + 1}`);
      assert.equal(r.plaintext, vectors[i].plaintext, `vector ${i + 1}`);
      assert.equal(r.sealed, vectors[i].sealed, `vector ${i + 1}`);
      assert.equal(r.opened, r.expected, `vector ${i + 1}`);
    }
  },
);

test("Python seals through the write protocol; TypeScript opens; no plaintext on disk", {
  skip,
  timeout: 60_000,
}, async () => {
  const dir = tempDir().path;
  try {
    const { identity, recipient } = await generateIdentity();
    const state = path.join(dir, "state");
    const toml = path.join(dir, "config.toml");
    fs.writeFileSync(toml, '# mine\n[db]\nhost = "db.local"\n');
    const secret = 's3cr3t "quoted" ünïcode';
    const set = await python(
      [writer, "--file", toml, "--state-dir", state, "--app", "pipeline", "--layer", "user"]
        .concat(["set", "db.password", "-", "--seal", recipient]),
      secret + "\n",
    );
    assert.equal(set.code, 0, set.stderr);
    const text = fs.readFileSync(toml, "utf8");
    assert.match(
      text,
      /^# mine\n\[db\]\nhost = "db\.local"\npassword = "enc:v1:[A-Za-z0-9_-]+"\n$/,
    );
    const stored = (parse(text).db as Record<string, string>).password;
    const here: SealedContext = { app: "pipeline", layer: "user", key: ["db", "password"] };
    assert.deepEqual(await openValue(stored, identity, here), { value: secret, float: false });
    await assert.rejects(openValue(stored, identity, { ...here, layer: "project" }), {
      reason: "moved",
    });

    // A JSON file, an integer secret from argv (--type keeps the type through sealing).
    const json = path.join(dir, "config.json");
    const port = await python([
      writer,
      "--file",
      json,
      "--state-dir",
      state,
      "--app",
      "pipeline",
      "--layer",
      "project",
      "set",
      'servers."eu.west".port',
      "6543",
      "--type",
      "int",
      "--seal",
      recipient,
    ]);
    assert.equal(port.code, 0, port.stderr);
    const sealedPort = JSON.parse(fs.readFileSync(json, "utf8")).servers["eu.west"].port;
    assert.deepEqual(
      await openValue(sealedPort, identity, {
        app: "pipeline",
        layer: "project",
        key: ["servers", "eu.west", "port"],
      }),
      { value: 6543, float: false },
    );

    // The journal and every other file hold the sealed text, never the plaintext.
    const files = allFiles(dir);
    assert.ok([...files.keys()].some((f) => f.endsWith(".ndjson")));
    for (const [file, bytes] of files) {
      assert.ok(!bytes.includes("s3cr3t"), `${file} holds the plaintext`);
    }
    const journal = [...files].find(([f]) => f.includes("config.toml") && f.endsWith(".ndjson"))!;
    assert.equal(JSON.parse(journal[1].trim()).new, stored);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("Python opens what TypeScript seals, and refuses it elsewhere", {
  skip,
  timeout: 60_000,
}, async () => {
  const { identity, recipient } = await generateIdentity();
  const cases: [unknown, SealedContext][] = [
    ["hunter2", { app: "pipeline", layer: "user", key: ["db", "password"] }],
    [5432n, { app: "my-app", layer: "system", key: ["créds", "a b"] }],
    [{ user: "ana", ids: [1, 2.5, true] }, { app: "x", layer: "file", key: ["t"] }],
  ];
  const sealed = await Promise.all(
    cases.map(([value, context]) => sealValue(value as never, recipient, context)),
  );
  // For each value: what it opens to, then what opening it in another app and with another
  // identity says.
  const results = await pythonJson(
    `def attempt(*args):
    try:
        w.open_value(*args)
        return "opened"
    except w.Failure as failure:
        return str(failure)
out = []
for item in request["items"]:
    where = (item["app"], item["layer"], item["key"])
    opened = json.dumps(w.open_value(item["sealed"], request["identity"], *where), sort_keys=True)
    moved = attempt(item["sealed"], request["identity"], item["app"] + "x", *where[1:])
    other = attempt(item["sealed"], request["other"], *where)
    out.append([opened, moved, other])
print(json.dumps(out))`,
    {
      identity,
      other: (await generateIdentity()).identity,
      items: cases.map(([, context], i) => ({ ...context, sealed: sealed[i] })),
    },
  );
  const moved = "sealed for another key, layer or app (copied), or altered";
  const other = "sealed for another identity";
  assert.deepEqual(results, [
    ['"hunter2"', moved, other],
    ["5432", moved, other],
    ['{"ids": [1, 2.5, true], "user": "ana"}', moved, other],
  ]);
});

test("without the cryptography package, sealing fails clearly and writes nothing", {
  skip: hasPython ? false : "python3 is not installed",
  timeout: 60_000,
}, async () => {
  const dir = tempDir().path;
  try {
    // A stand-in package named cryptography whose import fails, as on a machine without it.
    const fake = path.join(dir, "fake", "cryptography");
    fs.mkdirSync(fake, { recursive: true });
    fs.writeFileSync(path.join(fake, "__init__.py"), "raise ImportError('not here')\n");
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const args = [writer, "--file", file, "--state-dir", path.join(dir, "state")];
    const done = await python(
      [...args, "--app", "demo", "--layer", "user", "set", "pw", "-", "--seal", "x"],
      "secret\n",
      { PYTHONPATH: path.join(dir, "fake") },
    );
    assert.equal(done.code, 2);
    assert.equal(
      done.stderr,
      "strata_writer: sealing a value needs the Python package `cryptography` (pip install " +
        "cryptography); nothing was written.\n",
    );
    assert.equal(fs.readFileSync(file, "utf8"), "a = 1\n");
    // Plain values still need nothing beyond the standard library.
    const plain = await python([...args, "set", "b", "2", "--type", "int"], "", {
      PYTHONPATH: path.join(dir, "fake"),
    });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(fs.readFileSync(file, "utf8"), "a = 1\nb = 2\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("sealing without --app or --layer, or for a bad recipient, is refused", {
  skip,
  timeout: 60_000,
}, async () => {
  const dir = tempDir().path;
  try {
    const file = path.join(dir, "config.toml");
    fs.writeFileSync(file, "a = 1\n");
    const args = [writer, "--file", file, "--state-dir", path.join(dir, "state")];
    const { recipient } = await generateIdentity();
    const noApp = await python([...args, "--layer", "user", "set", "pw", "x", "--seal", recipient]);
    assert.equal(noApp.code, 2);
    assert.equal(
      noApp.stderr,
      "strata_writer: sealing needs --app and --layer (the value is bound to app, layer and " +
        "key)\n",
    );
    const bad = await python(
      [...args, "--app", "demo", "--layer", "user", "set", "pw", "x", "--seal", recipient + "A"],
    );
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      "strata_writer: the recipient is not a strata recipient key: it must be " +
        "strata-recipient-v1: followed by 43 base64url characters; copy it whole from " +
        "`strata --app APP key show --recipient`.\n",
    );
    assert.equal(fs.readFileSync(file, "utf8"), "a = 1\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Completion scripts run in real bash and zsh: the script is sourced, the
// shell's completion variables are set as the shell sets them on TAB, and
// the words offered are compared. The scripts call `strata` from PATH: a
// wrapper runs this source tree under the runtime running the tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeSandbox, type Sandbox } from "./_sandbox.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** A `strata` on PATH that runs main.ts under this runtime. */
function installWrapper(box: Sandbox): Record<string, string> {
  const run = "Deno" in globalThis
    ? `"${process.execPath}" run -A --quiet --config "${path.join(REPO, "deno.json")}"`
    : `"${process.execPath}" --no-env-file`;
  const bin = path.join(box.root, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "strata"),
    `#!/bin/sh\nexec ${run} "${path.join(REPO, "main.ts")}" "$@"\n`,
    { mode: 0o755 },
  );
  return { ...box.env, PATH: `${bin}:${box.env.PATH}` };
}

function layOut(box: Sandbox): void {
  box.write("config/demo/config.toml", '[db]\nhost = "db.example.org"\nport = 5432\n');
  box.write("config/other/config.json", '{ "a": 1 }\n');
  box.write("data/shipped/defaults.toml", "level = 1\n");
  fs.mkdirSync(path.join(box.configHome, "no-config-here"));
}

const BASH_DRIVER = `source "$1"; shift
complete_line() {
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
  _strata
  printf '%s\\n' "\${COMPREPLY[@]}"
}`;

// zsh's completion system is for the line editor; here its two calls the
// script makes are stood in for by functions that print what they are given.
const ZSH_DRIVER = `source "$1"
compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift; print -rl -- "$@"; }
_describe() { print -rl -- "\${(@P)2%%:*}"; }
complete_line() { words=("$@"); CURRENT=$#; _strata; }`;

test("completions in real bash: a command, a flag, an application, a key", () => {
  const box = makeSandbox();
  try {
    layOut(box);
    const env = installWrapper(box);
    const script = box.run(["completions", "bash"]);
    assert.equal(script.code, 0, script.stderr);
    const file = box.write("strata.bash", script.stdout);
    const complete = (line: string[], extra: Record<string, string> = {}) => {
      const r = spawnSync("bash", [
        "--norc",
        "-c",
        `${BASH_DRIVER}\ncomplete_line "$@"`,
        "bash",
        file,
        ...line,
      ], { env: { ...env, ...extra }, encoding: "utf8", cwd: box.project });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    assert.equal(complete(["strata", "ex"]), "explain\n");
    assert.equal(complete(["strata", "--app", "demo", "get", "--j"]), "--json\n");
    assert.equal(complete(["strata", "list", "--show"]), "--show-origin\n");
    assert.equal(complete(["strata", "--app", ""]), "demo\nother\nshipped\n");
    assert.equal(complete(["strata", "--app", "demo", "get", "db.p"]), "db.port\n");
    assert.equal(
      complete(["strata", "explain", "db."], { STRATA_APP: "demo" }),
      "db.host\ndb.port\n",
    );
    assert.equal(complete(["strata", "--format", ""]), "toml\njson\n");
    assert.equal(complete(["strata", "completions", "z"]), "zsh\n");
  } finally {
    box.cleanup();
  }
});

test("completions in real zsh: a command, a flag, an application, a key", () => {
  const box = makeSandbox();
  try {
    layOut(box);
    const env = installWrapper(box);
    const script = box.run(["completions", "zsh"]);
    assert.equal(script.code, 0, script.stderr);
    assert.ok(script.stdout.startsWith("#compdef strata\n"));
    const file = box.write("_strata", script.stdout);
    const complete = (line: string[]) => {
      const r = spawnSync("zsh", [
        "-f",
        "-c",
        `${ZSH_DRIVER}\ncomplete_line "\${@:2}"`,
        file,
        file,
        ...line,
      ], {
        env,
        encoding: "utf8",
        cwd: box.project,
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    // zsh narrows the words to the typed prefix itself: the script offers them all.
    const commands = complete(["strata", "ex"]).split("\n");
    assert.ok(commands.includes("explain") && commands.includes("completions"), commands.join());
    const flags = complete(["strata", "--app", "demo", "get", "--j"]).split("\n");
    assert.ok(flags.includes("--json") && flags.includes("--app"), flags.join());
    assert.ok(!flags.includes("--show-origin"), "list's flag is not offered for get");
    assert.equal(complete(["strata", "--app", ""]), "demo\nother\nshipped\n");
    assert.equal(complete(["strata", "--app", "demo", "set", "db"]), "db.host\ndb.port\n");
  } finally {
    box.cleanup();
  }
});

test("completions: --list apps and keys, fish and PowerShell scripts, an unknown shell", () => {
  const box = makeSandbox();
  try {
    layOut(box);
    assert.deepEqual(box.run(["completions", "--list", "apps"]), {
      code: 0,
      stdout: "demo\nother\nshipped\n",
      stderr: "",
    });
    assert.deepEqual(box.run(["--app", "demo", "completions", "--list", "keys"]), {
      code: 0,
      stdout: "db.host\ndb.port\n",
      stderr: "",
    });
    const fish = box.run(["completions", "fish"]);
    assert.equal(fish.code, 0);
    assert.match(
      fish.stdout,
      /^complete -c strata -n __fish_use_subcommand -a get -d 'print the value of a key'$/m,
    );
    assert.match(fish.stdout, /^complete -c strata -n '__fish_seen_subcommand_from get' -l json$/m);
    const ps = box.run(["completions", "powershell"]);
    assert.equal(ps.code, 0);
    assert.match(ps.stdout, /^Register-ArgumentCompleter -Native -CommandName strata /m);
    assert.match(ps.stdout, /'list' = @\('--show-origin', '--describe', '--json'\)/);
    assert.deepEqual(box.run(["completions", "tcsh"]), {
      code: 2,
      stdout: "",
      stderr: 'strata: no completions for "tcsh": choose bash, zsh, fish, powershell\n' +
        "run 'strata completions --help' for usage\n",
    });
  } finally {
    box.cleanup();
  }
});

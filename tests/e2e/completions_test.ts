// Completion scripts run in real bash, zsh and fish. bash: the script is sourced
// and its function called with COMP_WORDS/COMP_CWORD as bash sets them on
// TAB. zsh: an interactive zsh on a pseudo-terminal completes with its own
// completion system. The scripts call `strata` from PATH: a wrapper runs this
// source tree under the runtime running the tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeSandbox, type Sandbox } from "../_support/mod.ts";

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

/**
 * An interactive zsh on a pseudo-terminal (zsh/zpty) with compinit and the
 * script loaded: each line is typed, then a key bound to a widget that runs
 * zsh's own completion (complete-word) and prints the buffer it left.
 */
const ZSH_DRIVER = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'PS1="%% "; autoload -U compinit; compinit -u -D; source "$STRATA_SCRIPT"; zstyle ":completion:*" menu no'
zpty -w z 'show() { zle complete-word; print -r -- "<<$BUFFER>>"; BUFFER=""; zle accept-line }; zle -N show; bindkey "^X" show; print READY'
zpty -r z out '*READY*'
for line in "$@"; do
  zpty -w -n z "$line"$'\\x18'
  zpty -r z out '*<<*>>*'
  print -r -- "\${\${out##*<<}%%>>*}"
done
zpty -d z
`;

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

test(
  "completions in real zsh (its line editor, on a pseudo-terminal): a command, a flag, an application, a key",
  {
    timeout: 300_000,
  },
  () => {
    const box = makeSandbox();
    try {
      layOut(box);
      const env = installWrapper(box);
      const script = box.run(["completions", "zsh"]);
      assert.equal(script.code, 0, script.stderr);
      assert.ok(script.stdout.startsWith("#compdef strata\n"));
      const file = box.write("_strata", script.stdout);
      const driver = box.write("drive.zsh", ZSH_DRIVER);
      const r = spawnSync("zsh", [
        "-f",
        driver,
        "strata ex",
        "strata --app demo get --js",
        "strata list --show",
        "strata --app d",
        "strata --app demo get db.p",
        "strata --app demo set db.",
        "strata completions z",
      ], {
        env: { ...env, STRATA_SCRIPT: file },
        encoding: "utf8",
        cwd: box.project,
        timeout: 240_000,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(
        r.stdout,
        [
          "strata explain ",
          "strata --app demo get --json ",
          "strata list --show-origin ",
          "strata --app demo ",
          "strata --app demo get db.port ",
          "strata --app demo set db.", // db.host and db.port: zsh leaves the choice to you
          "strata completions zsh ",
          "",
        ].join("\n"),
      );
    } finally {
      box.cleanup();
    }
  },
);

test("completions in real fish: a command, a flag, an application, a key", {
  // CI installs fish (.ci/run); elsewhere a machine without it skips, saying so.
  skip: spawnSync("fish", ["--version"]).status === 0 || process.env.CI
    ? false
    : "fish is not installed (apt-get install fish)",
}, () => {
  const box = makeSandbox();
  try {
    layOut(box);
    const env = installWrapper(box);
    const script = box.run(["completions", "fish"]);
    assert.equal(script.code, 0, script.stderr);
    const file = box.write("strata.fish", script.stdout);
    // `complete -C LINE` prints what fish offers on TAB: a candidate, a tab, its description.
    const complete = (line: string) => {
      const r = spawnSync("fish", [
        "--no-config",
        "-c",
        "source $argv[1]; complete -C $argv[2]",
        file,
        line,
      ], { env, encoding: "utf8", cwd: box.project });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]).join("\n");
    };
    assert.equal(complete("strata ex"), "explain");
    assert.equal(complete("strata --app demo get --j"), "--json");
    assert.equal(complete("strata --app "), "demo\nother\nshipped");
    assert.equal(complete("strata --app demo get db.p"), "db.port");
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
    assert.match(
      fish.stdout,
      /^complete -c strata -n '__fish_seen_subcommand_from history' -s n$/m,
    );
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

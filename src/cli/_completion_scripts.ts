/**
 * The completion scripts of `strata completions`, one per shell, made from
 * one description of the command line (commands, their flags, the global
 * options). What depends on the machine (application names, the current
 * application's keys) each script asks strata for when completing:
 * `strata [--app NAME] completions --list apps|keys`.
 *
 * @module
 */

/** What the scripts complete. */
export interface CompletionSpec {
  /** Every command with its one-line summary and its own flags (`--json`). */
  commands: { name: string; summary: string; flags: string[] }[];
  /** The global options (`--app`), with what their value is. */
  globals: { flag: string; value?: "app" | "file" | "format" | "text" }[];
}

/** The shells `strata completions` writes for. */
export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

/** One of {@link SHELLS}. */
export type Shell = typeof SHELLS[number];

/** The commands whose argument is a key of the application. */
export const KEY_COMMANDS = ["get", "set", "unset", "explain", "list", "watch"];

/** A word quoted for a POSIX shell. */
function sq(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function valueFlags(spec: CompletionSpec, kind?: string): string[] {
  return spec.globals.filter((g) =>
    g.value !== undefined && (kind === undefined || g.value === kind)
  )
    .map((g) => g.flag);
}

function bash(spec: CompletionSpec): string {
  const cases = spec.commands.map((c) => `    ${c.name}) flags+=${sq(" " + c.flags.join(" "))} ;;`)
    .join("\n");
  const globals = spec.globals.map((g) => g.flag).join(" ");
  return `# strata completion for bash: eval "$(strata completions bash)" in ~/.bashrc, or save it
# as ~/.local/share/bash-completion/completions/strata
_strata() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local cmd="" app="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in
      --app) app=\${COMP_WORDS[i+1]}; ((i++)) ;;
      --app=*) app=\${COMP_WORDS[i]#--app=} ;;
      ${valueFlags(spec).filter((f) => f !== "--app").join("|")}) ((i++)) ;;
      -*) ;;
      *) [[ -z $cmd ]] && cmd=\${COMP_WORDS[i]} ;;
    esac
  done
  local IFS=$'\\n'
  case $prev in
    --app) COMPREPLY=($(compgen -W "$(strata completions --list apps 2>/dev/null)" -- "$cur")); return ;;
    ${valueFlags(spec, "file").join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${
    valueFlags(spec, "format").join("|")
  }) COMPREPLY=($(compgen -W $'toml\\njson' -- "$cur")); return ;;
    ${valueFlags(spec, "text").join("|")}) return ;;
  esac
  if [[ $cur == -* ]]; then
    local flags=${sq(globals)}
    case $cmd in
${cases}
    esac
    IFS=$' \\n'
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case $cmd in
    "") COMPREPLY=($(compgen -W ${sq(spec.commands.map((c) => c.name).join("\n"))} -- "$cur")) ;;
    ${KEY_COMMANDS.join("|")})
      COMPREPLY=($(compgen -W "$(strata \${app:+--app} \${app:+"$app"} completions --list keys 2>/dev/null)" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W ${sq(spec.commands.map((c) => c.name).join("\n"))} -- "$cur")) ;;
    completions) COMPREPLY=($(compgen -W ${sq(SHELLS.join("\n"))} -- "$cur")) ;;
  esac
}
complete -o default -F _strata strata
`;
}

function zsh(spec: CompletionSpec): string {
  const described = spec.commands.map((c) => `    ${sq(`${c.name}:${c.summary}`)}`).join("\n");
  const cases = spec.commands.map((c) =>
    `      ${c.name}) flags+=(${c.flags.map(sq).join(" ")}) ;;`
  ).join("\n");
  return `#compdef strata
# strata completion for zsh: eval "$(strata completions zsh)" in ~/.zshrc (after compinit),
# or save it as _strata in a folder of $fpath
_strata() {
  local -a commands flags
  commands=(
${described}
  )
  local cmd="" app="" i
  for ((i = 2; i < CURRENT; i++)); do
    case \${words[i]} in
      --app) app=\${words[i+1]}; ((i++)) ;;
      --app=*) app=\${words[i]#--app=} ;;
      ${valueFlags(spec).filter((f) => f !== "--app").join("|")}) ((i++)) ;;
      -*) ;;
      *) [[ -z $cmd ]] && cmd=\${words[i]} ;;
    esac
  done
  case \${words[CURRENT-1]} in
    --app) compadd -- \${(f)"$(strata completions --list apps 2>/dev/null)"}; return ;;
    ${valueFlags(spec, "file").join("|")}) _files; return ;;
    ${valueFlags(spec, "format").join("|")}) compadd -- toml json; return ;;
    ${valueFlags(spec, "text").join("|")}) return ;;
  esac
  if [[ \${words[CURRENT]} == -* ]]; then
    flags=(${spec.globals.map((g) => sq(g.flag)).join(" ")})
    case $cmd in
${cases}
    esac
    compadd -- $flags
    return
  fi
  case $cmd in
    "") _describe command commands ;;
    ${KEY_COMMANDS.join("|")})
      compadd -- \${(f)"$(strata \${app:+--app} \${app:+"$app"} completions --list keys 2>/dev/null)"} ;;
    help) _describe command commands ;;
    completions) compadd -- ${SHELLS.join(" ")} ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _strata "$@"
elif (( $+functions[compdef] )); then
  compdef _strata strata
fi
`;
}

function fish(spec: CompletionSpec): string {
  const lines = [
    "# strata completion for fish: strata completions fish > ~/.config/fish/completions/strata.fish",
    "function __strata_app",
    "    set -l words (commandline -opc)",
    "    set -l i (contains -i -- --app $words); and printf '%s\\n' --app $words[(math $i + 1)]",
    "end",
    "complete -c strata -f",
    ...spec.commands.map((c) =>
      `complete -c strata -n __fish_use_subcommand -a ${c.name} -d ${sq(c.summary)}`
    ),
    ...spec.globals.map((g) => {
      const name = g.flag.slice(2);
      if (g.value === "app") {
        return `complete -c strata -l ${name} -x -a '(strata completions --list apps 2>/dev/null)'`;
      }
      if (g.value === "file") return `complete -c strata -l ${name} -r -F`;
      if (g.value === "format") return `complete -c strata -l ${name} -x -a 'toml json'`;
      return `complete -c strata -l ${name}${g.value === "text" ? " -x" : ""}`;
    }),
    ...spec.commands.flatMap((c) =>
      c.flags.map((f) =>
        `complete -c strata -n '__fish_seen_subcommand_from ${c.name}' ${
          f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`
        }`
      )
    ),
    `complete -c strata -n '__fish_seen_subcommand_from ${
      KEY_COMMANDS.join(" ")
    }' -a '(strata (__strata_app) completions --list keys 2>/dev/null)'`,
    `complete -c strata -n '__fish_seen_subcommand_from help' -a '${
      spec.commands.map((c) => c.name).join(" ")
    }'`,
    `complete -c strata -n '__fish_seen_subcommand_from completions' -a '${SHELLS.join(" ")}'`,
  ];
  return lines.join("\n") + "\n";
}

function powershell(spec: CompletionSpec): string {
  const ps = (w: string) => `'${w.replaceAll("'", "''")}'`;
  const flags = spec.commands.map((c) => `    ${ps(c.name)} = @(${c.flags.map(ps).join(", ")})`)
    .join("\n");
  return `# strata completion for PowerShell: strata completions powershell | Out-String | Invoke-Expression
# (add that line to $PROFILE)
Register-ArgumentCompleter -Native -CommandName strata -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $commands = @(${spec.commands.map((c) => ps(c.name)).join(", ")})
  $globals = @(${spec.globals.map((g) => ps(g.flag)).join(", ")})
  $flags = @{
${flags}
  }
  $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '') { $words = $words[0..($words.Count - 2)] }
  $cmd = $null; $app = $null
  for ($i = 1; $i -lt $words.Count; $i++) {
    if ($words[$i] -eq '--app') { $app = $words[$i + 1]; $i++ }
    elseif (@(${
    valueFlags(spec).filter((f) => f !== "--app").map(ps).join(", ")
  }) -contains $words[$i]) { $i++ }
    elseif (-not $words[$i].StartsWith('-') -and -not $cmd) { $cmd = $words[$i] }
  }
  $prev = $words[-1]
  if ($prev -eq '--app') { $candidates = @(strata completions --list apps 2>$null) }
  elseif ($prev -eq '--format') { $candidates = @('toml', 'json') }
  elseif ($wordToComplete.StartsWith('-')) { $candidates = $globals + $(if ($cmd) { $flags[$cmd] } else { @() }) }
  elseif (-not $cmd) { $candidates = $commands }
  elseif (@(${KEY_COMMANDS.map(ps).join(", ")}) -contains $cmd) {
    $appArgs = if ($app) { @('--app', $app) } else { @() }
    $candidates = @(strata @appArgs completions --list keys 2>$null)
  }
  elseif ($cmd -eq 'help') { $candidates = $commands }
  elseif ($cmd -eq 'completions') { $candidates = @(${SHELLS.map(ps).join(", ")}) }
  else { $candidates = @() }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, spec: CompletionSpec): string {
  const writers: Record<Shell, (spec: CompletionSpec) => string> = { bash, zsh, fish, powershell };
  return writers[shell](spec);
}

/**
 * Shell completion scripts for bash, zsh and fish, generated from the command tree so that a new
 * command or flag completes without anyone editing a script. Each script embeds the tree as a
 * table (command path -> words) and completes the word under the cursor from the deepest command
 * named so far.
 *
 * Written here rather than taken from a library: commander has no completion support, and the
 * packages that add it patch commander's classes or need a hidden subcommand at run time, while
 * a static table needs nothing of the program when the user presses Tab.
 *
 * @example
 * ```ts
 * import { completionScript } from "./completion.ts";
 * console.log(completionScript(program, "bash")); // eval "$(hive completion bash)"
 * ```
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { commandPaths } from "./cli_tree.ts";

/** Shells with a completion script. */
export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;
/** One of {@link COMPLETION_SHELLS}. */
export type CompletionShell = typeof COMPLETION_SHELLS[number];

function _table(
  root: CommandUnknownOpts,
): { key: string; subcommands: string[]; words: string[] }[] {
  return commandPaths(root).map((node) => {
    const subcommands = [...node.subcommands];
    if (subcommands.length > 0) subcommands.push("help");
    return {
      key: node.path.slice(1).join(" "),
      subcommands,
      words: [...subcommands, ...node.flags],
    };
  });
}

function _bashFunction(root: CommandUnknownOpts): string {
  const name = root.name();
  const fn = `_${name}_complete`;
  const cases = _table(root).map((row) =>
    `    "${row.key}") subs="${row.subcommands.join(" ")}"; words="${row.words.join(" ")}" ;;`
  );
  return `${fn}() {
  local cur path="" subs words i w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    subs=""
    ${fn}_row "$path"
    if [[ " $subs " == *" $w "* && "$w" != help ]]; then path="\${path:+$path }$w"; fi
  done
  ${fn}_row "$path"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
${fn}_row() {
  case "$1" in
${cases.join("\n")}
    *) subs=""; words="" ;;
  esac
}`;
}

/**
 * The completion script of `root` for `shell`.
 *
 * - bash: `eval "$(hive completion bash)"` (or save it under `/etc/bash_completion.d/`)
 * - zsh: `eval "$(hive completion zsh)"` (uses zsh's bash compatibility)
 * - fish: `hive completion fish > ~/.config/fish/completions/hive.fish`
 */
export function completionScript(root: CommandUnknownOpts, shell: CompletionShell): string {
  const name = root.name();
  const fn = `_${name}_complete`;
  if (shell === "bash") return `${_bashFunction(root)}\ncomplete -F ${fn} ${name}\n`;
  if (shell === "zsh") {
    return `autoload -U +X bashcompinit && bashcompinit\n${_bashFunction(root)}\n` +
      `complete -F ${fn} ${name}\n`;
  }
  const lines = [
    `function __${name}_path`,
    `  set -l words (commandline -opc)`,
    `  set -l path ""`,
    `  for w in $words[2..-1]`,
    `    string match -q -- '-*' $w; and continue`,
    `    set -l next (string trim -- "$path $w")`,
    `    contains -- $next $__${name}_paths; and set path $next`,
    `  end`,
    `  echo $path`,
    `end`,
  ];
  const table = _table(root);
  lines.push(`set -g __${name}_paths ${table.map((r) => `'${r.key}'`).join(" ")}`);
  lines.push(`complete -c ${name} -f`);
  for (const row of table) {
    const when = `-n 'test (__${name}_path) = "${row.key}"'`;
    if (row.subcommands.length) {
      lines.push(`complete -c ${name} ${when} -a '${row.subcommands.join(" ")}'`);
    }
    for (const flag of row.words.filter((w) => w.startsWith("--"))) {
      lines.push(`complete -c ${name} ${when} -l '${flag.slice(2)}'`);
    }
  }
  return lines.join("\n") + "\n";
}

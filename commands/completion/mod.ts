/**
 * `hive completion bash|zsh|fish`: print a completion script for the whole command tree.
 *
 * @module
 */
import { Argument, type Command } from "@commander-js/extra-typings";
import { hiveCommand } from "../../core/cli.ts";
import { COMPLETION_SHELLS, completionScript } from "../../core/completion.ts";
import { writeStdout } from "../../core/output.ts";

/** Build `hive completion`. */
export function completionCommand(): Command<["bash" | "zsh" | "fish"]> {
  return hiveCommand("completion", "hive completion")
    .summary("print a shell completion script (bash, zsh, fish)")
    .description("Print a completion script for every hive command and flag.")
    .addArgument(new Argument("<shell>", "the shell to complete in").choices(COMPLETION_SHELLS))
    .addHelpText(
      "after",
      `
Examples:
  eval "$(hive completion bash)"                       this bash session (add it to ~/.bashrc)
  eval "$(hive completion zsh)"                        this zsh session (add it to ~/.zshrc)
  hive completion fish > ~/.config/fish/completions/hive.fish`,
    )
    .action((shell, _flags, command) => {
      writeStdout(completionScript(command.parent ?? command, shell));
    });
}

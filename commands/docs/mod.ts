/**
 * `hive docs [--format md|man]`: print the command reference of every command and flag.
 *
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import { hiveCommand } from "../../core/cli.ts";
import { commandReference, DOC_FORMATS } from "../../core/cli_docs.ts";
import { writeStdout } from "../../core/output.ts";

/** Build `hive docs`; `version` goes into the man page's header. */
export function docsCommand(version: string): Command<[], { format: "md" | "man" }> {
  return hiveCommand("docs", "hive docs")
    .summary("print the command reference (Markdown or a man page)")
    .description("Print the reference of every command and flag, generated from the CLI itself.")
    .addOption(
      new Option("--format <format>", "md (Markdown) or man (roff)").choices(DOC_FORMATS)
        .default("md" as const),
    )
    .addHelpText(
      "after",
      `
Examples:
  hive docs > hive.md
  hive docs --format man > hive.1 && man ./hive.1`,
    )
    .action((flags, command) => {
      writeStdout(commandReference(command.parent ?? command, flags.format, version));
    });
}

/**
 * `hive sim schema`: print the JSON Schema of scenario files.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { writeStdout } from "../../core/output.ts";
import { scenarioJsonSchema } from "./scenario_schema.ts";

/** Build `hive sim schema`. */
export function schemaCommand(): Command {
  const cmd = new Command("schema")
    .summary("print the scenario JSON Schema")
    .description(
      "Print the JSON Schema (draft 2020-12) of scenario files, generated from the same zod " +
        "schema that validates them. Always JSON. Point your editor's YAML language server at " +
        "it for completion and checking.",
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `hive sim schema --help` for usage)")
    .action(() => {
      writeStdout(JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
    });
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim schema > scenario.schema.json
  # then, first line of a scenario file, for yaml-language-server:
  # yaml-language-server: $schema=./scenario.schema.json`,
  );
  return cmd as unknown as Command;
}

/**
 * `hive sim schema`: print the JSON Schema of scenario files.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { hiveCommand } from "../../../core/cli.ts";
import { writeStdout } from "../../../core/output.ts";

/** Build `hive sim schema`. */
export function schemaCommand(): Command {
  const cmd = hiveCommand("schema", "hive sim schema")
    .summary("print the scenario JSON Schema")
    .description(
      "Print the JSON Schema (draft 2020-12) of scenario files, generated from the same zod " +
        "schema that validates them. Always JSON. Point your editor's YAML language server at " +
        "it for completion and checking.",
    )
    .action(async () => {
      const { scenarioJsonSchema } = await import("../scenario/schema.ts");
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

/**
 * `hive sim inspect FILE`: the expanded network of a scenario, summarised.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { createCliContext, type GlobalOptions } from "../../core/cli.ts";
import { hiveConfigSchema } from "../config_schema.ts";
import { loadScenario } from "./scenario.ts";
import { formatInspectReport, inspectModel } from "./inspect.ts";

/** Build `hive sim inspect`. */
export function inspectCommand(): Command<[string]> {
  const cmd = new Command("inspect")
    .summary("summarise a scenario's expanded network")
    .description(
      "Expand a scenario and report hosts by kind and region, peer edges, the degree " +
        "distribution, diameter (exact up to 2000 hosts, a double-sweep bound above), " +
        "connectivity, link latency and attacks. Invalid scenarios exit 2 as in validate.",
    )
    .argument("<file>", "scenario YAML file")
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `hive sim inspect --help` for usage)")
    .action(async (file, _options, command) => {
      const ctx = await createCliContext(
        command.optsWithGlobals() as GlobalOptions,
        hiveConfigSchema,
        "sim",
      );
      const { model, network } = await loadScenario(file);
      ctx.output.result(inspectModel(model, network), formatInspectReport);
    });
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim inspect fixtures/scenarios/regions.yaml
  hive --json sim inspect fixtures/scenarios/ring.yaml | jq .graph.diameter`,
  );
  return cmd;
}

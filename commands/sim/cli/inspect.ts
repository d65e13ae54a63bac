/**
 * `hive sim inspect FILE`: the expanded network of a scenario, summarised.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";

/** Build `hive sim inspect`. */
export function inspectCommand(load: ContextLoader): Command<[string]> {
  const cmd = hiveCommand("inspect", "hive sim inspect")
    .summary("summarise a scenario's expanded network")
    .description(
      "Expand a scenario and report hosts by kind and region, peer edges, the degree " +
        "distribution, diameter (exact up to 2000 hosts, a double-sweep bound above), " +
        "connectivity, link latency and attacks. Invalid scenarios exit 2 as in validate.",
    )
    .argument("<file>", "scenario YAML file")
    .action(async (file, _options, command) => {
      const { loadScenario } = await import("../scenario/load.ts");
      const { formatInspectReport, inspectModel } = await import("../scenario/inspect.ts");
      const ctx = await load(command, "sim");
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

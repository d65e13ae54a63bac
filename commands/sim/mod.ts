/**
 * `hive sim`: Monero network simulation. One scenario YAML describes hosts, topology and attacks;
 * the subcommands validate and inspect it, write a Shadow configuration, run it and analyse runs.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { agentCommand } from "./agent_cmd.ts";
import { runCommand } from "./run_cmd.ts";
import { validateCommand } from "./validate_cmd.ts";
import { inspectCommand } from "./inspect_cmd.ts";
import { generateCommand } from "./generate_cmd.ts";
import { schemaCommand } from "./schema_cmd.ts";
import { analyzeCommand } from "./analyze_cmd.ts";

/** Build the `sim` command group. Each subcommand lives in its own file beside this one. */
export function simCommand(): Command {
  const sim = new Command("sim")
    .description(
      "Monero network simulation: scenario YAML -> Shadow config, local runs on real monerod, " +
        "an embedded discrete-event engine, and analysis of runs.",
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `hive sim --help` for usage)");
  sim.addCommand(validateCommand());
  sim.addCommand(inspectCommand());
  sim.addCommand(generateCommand());
  sim.addCommand(schemaCommand());
  sim.addCommand(agentCommand());
  sim.addCommand(runCommand());
  sim.addCommand(analyzeCommand());
  sim.addHelpText(
    "after",
    `
Examples:
  hive sim validate fixtures/scenarios/ring.yaml           check a scenario
  hive sim inspect fixtures/scenarios/regions.yaml         degrees, diameter, regions
  hive sim generate fixtures/scenarios/ring.yaml --out /tmp/ring-shadow
  hive sim schema > scenario.schema.json                   JSON Schema of scenario files
  hive sim <subcommand> --help                             flags and examples of one subcommand`,
  );
  return sim;
}

/**
 * `hive sim`: Monero network simulation. One scenario YAML describes hosts, topology and attacks;
 * the subcommands validate and inspect it, write a Shadow configuration, run it and analyse runs.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../core/cli.ts";
import { agentCommand } from "./cli/agent.ts";
import { runCommand } from "./cli/run.ts";
import { validateCommand } from "./cli/validate.ts";
import { inspectCommand } from "./cli/inspect.ts";
import { generateCommand } from "./cli/generate.ts";
import { schemaCommand } from "./cli/schema.ts";
import { analyzeCommand } from "./cli/analyze.ts";
import { importCommand } from "./cli/import.ts";
import { serveCommand } from "./cli/serve.ts";

/** Build the `sim` command group. Each subcommand lives in its own file beside this one. */
export function simCommand(load: ContextLoader): Command {
  const sim = hiveCommand("sim", "hive sim")
    .description(
      "Monero network simulation: scenario YAML -> Shadow config, local runs on real monerod, " +
        "an embedded discrete-event engine, and analysis of runs.",
    );
  sim.addCommand(validateCommand(load));
  sim.addCommand(inspectCommand(load));
  sim.addCommand(generateCommand(load));
  sim.addCommand(schemaCommand());
  sim.addCommand(agentCommand(load));
  sim.addCommand(runCommand(load));
  sim.addCommand(analyzeCommand(load));
  sim.addCommand(importCommand(load));
  sim.addCommand(serveCommand(load));
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

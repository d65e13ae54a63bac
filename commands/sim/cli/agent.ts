/**
 * `hive sim agent <miner|user|monitor|attacker>`: the agent processes of a simulation. The
 * local engine starts them as children; generated Shadow configs run them as processes.
 * They run until SIGINT/SIGTERM (or `--duration`), log to stderr and write RunEvent NDJSON to
 * `--out FILE` (stdout when omitted).
 *
 * Each kind is defined in `agents/<kind>_cmd.ts`, with the shared flags in `agents/flags.ts`;
 * this module assembles them.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { attackerCommand } from "./agent_attacker.ts";
import { minerCommand } from "./agent_miner.ts";
import { monitorCommand } from "./agent_monitor.ts";
import { userCommand } from "./agent_user.ts";
import { reaperCommand } from "./agent_reaper.ts";
import { fundCommand } from "./agent_fund.ts";
import { behaviorCommand } from "./agent_behavior.ts";

/** Build `hive sim agent` with its four agent kinds. */
export function agentCommand(load: ContextLoader): Command {
  const agent = hiveCommand("agent", "hive sim agent")
    .description(
      "Agent processes of a simulation (started by `hive sim run --engine local` and by " +
        "generated Shadow configs). Each runs until SIGINT/SIGTERM, logs to stderr and writes " +
        "RunEvent NDJSON to --out (or stdout). Event `ts` is wall seconds since --t0.",
    )
    .summary("agent processes: miner, user, monitor, attacker");
  agent.addCommand(minerCommand(load));
  agent.addCommand(userCommand(load));
  agent.addCommand(monitorCommand(load));
  agent.addCommand(attackerCommand(load));
  agent.addCommand(fundCommand(load));
  agent.addCommand(behaviorCommand(load));
  // Internal: the local engine's guard against orphaned monerods.
  agent.addCommand(reaperCommand(load), { hidden: true });
  agent.addHelpText(
    "after",
    `
Flag sets (as generated Shadow configs use them):
  hive sim agent miner --rpc URL --hashrate PCT --seed N --host NAME
  hive sim agent user --wallet-rpc URL --daemon-rpc URL --interval-mean S --amount SPEC
  hive sim agent monitor --rpc URL[,URL...] --interval S --out FILE
  hive sim agent attacker --mode partition|eclipse|double_spend ...
  hive sim agent fund --daemon-rpc URL --wallets NAME=BLOCKS@URL,...
  hive sim agent behavior --module NAME|PATH --rpc URL [--wallet-rpc URL] --behavior-config JSON

Examples:
  hive sim agent miner --rpc http://127.0.0.2:18081 --hashrate 100 --time-scale 60 --host m1
  hive sim agent monitor --rpc http://127.0.0.2:18081 --interval 0.5 --out heights.ndjson`,
  );
  return agent;
}

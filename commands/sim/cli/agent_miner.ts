/**
 * `hive sim agent miner`: mine blocks on one monerod at Poisson times.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { z } from "zod";
import {
  addCommonFlags,
  commonFlagsShape,
  flagInput,
  intFlag,
  moneroAddressFlag,
  numberFlag,
  parseAgentFlags,
  positiveSecondsFlag,
  urlFlag,
} from "./flags.ts";
import { runAgent } from "./run_agent.ts";

/** Build `hive sim agent miner`. */
export function minerCommand(load: ContextLoader): Command {
  const cmd = addCommonFlags(
    hiveCommand("miner", "hive sim agent miner")
      .summary("mine blocks at Poisson times (writes `mined` events)")
      .description(
        "Mine blocks on one monerod (regtest `generateblocks`) at Poisson times; the mean " +
          "interval is 120 s / (hashrate/100), divided by --time-scale. Writes `mined` events.",
      )
      .requiredOption("--rpc <url>", "monerod RPC URL, e.g. http://127.0.0.2:18081")
      .requiredOption("--hashrate <pct>", "this miner's share of the network hashrate, 0..100")
      .option("--address <addr>", "coinbase address (default: a fixed valid mainnet address)")
      .option(
        "--block-time <d>",
        "network target block interval, simulated (default 2m)",
      )
      .option("--max-blocks <n>", "stop after mining this many blocks"),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent miner --rpc http://127.0.0.2:18081 --hashrate 50 --seed 7 --host miner-001
  hive sim agent miner --rpc http://127.0.0.2:18081 --hashrate 100 --time-scale 60 --out m.ndjson`,
  );
  return cmd.action(async (o, command) => {
    const { runMiner } = await import("../agents/miner.ts");
    const { DEFAULT_MINER_ADDRESS, MonerodRpc } = await import(
      "../../../adapters/engine/local/rpc.ts"
    );
    const f = parseAgentFlags(
      "miner",
      z.object({
        ...commonFlagsShape,
        "--rpc": urlFlag,
        "--hashrate": numberFlag((n) => n.min(0).max(100)),
        "--address": moneroAddressFlag.default(DEFAULT_MINER_ADDRESS),
        "--block-time": positiveSecondsFlag.default(120),
        "--max-blocks": intFlag(1).optional(),
      }),
      flagInput(o),
    );
    const host = f["--host"] ?? new URL(f["--rpc"]).host;
    await runAgent({
      kind: "miner",
      load,
      command,
      common: f,
      body: async (ctx) => ({
        ...await runMiner(ctx, {
          rpc: new MonerodRpc({ url: f["--rpc"], signal: ctx.signal }),
          host,
          hashrate: f["--hashrate"],
          seed: f["--seed"],
          timeScale: f["--time-scale"],
          blockTimeS: f["--block-time"],
          address: f["--address"],
          maxBlocks: f["--max-blocks"],
        }),
      }),
    });
  }) as unknown as Command;
}

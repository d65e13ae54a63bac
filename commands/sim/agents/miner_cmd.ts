/**
 * `hive sim agent miner`: mine blocks on one monerod at Poisson times.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import {
  addCommonFlags,
  commonFlagsInput,
  commonFlagsShape,
  intFlag,
  moneroAddressFlag,
  numberFlag,
  parseAgentFlags,
  positiveFlag,
  urlFlag,
} from "./flags.ts";
import { runMiner } from "./miner.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "./rpc.ts";
import { runAgent } from "./run_agent.ts";

/** Build `hive sim agent miner`. */
export function minerCommand(): Command {
  const cmd = addCommonFlags(
    new Command("miner")
      .summary("mine blocks at Poisson times (writes `mined` events)")
      .description(
        "Mine blocks on one monerod (regtest `generateblocks`) at Poisson times; the mean " +
          "interval is 120 s / (hashrate/100), divided by --time-scale. Writes `mined` events.",
      )
      .requiredOption("--rpc <url>", "monerod RPC URL, e.g. http://127.0.0.2:18081")
      .requiredOption("--hashrate <pct>", "this miner's share of the network hashrate, 0..100")
      .option("--address <addr>", "coinbase address (default: a fixed valid mainnet address)")
      .option(
        "--block-time <s>",
        "network target block interval in simulated seconds (default 120)",
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
    const f = parseAgentFlags(
      "miner",
      z.object({
        ...commonFlagsShape,
        "--rpc": urlFlag,
        "--hashrate": numberFlag((n) => n.min(0).max(100)),
        "--address": moneroAddressFlag.default(DEFAULT_MINER_ADDRESS),
        "--block-time": positiveFlag.default(120),
        "--max-blocks": intFlag(1).optional(),
      }),
      {
        ...commonFlagsInput(o),
        "--rpc": o.rpc,
        "--hashrate": o.hashrate,
        "--address": o.address,
        "--block-time": o.blockTime,
        "--max-blocks": o.maxBlocks,
      },
    );
    const host = f["--host"] ?? new URL(f["--rpc"]).host;
    await runAgent({
      kind: "miner",
      globals: command.optsWithGlobals(),
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

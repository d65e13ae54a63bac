/**
 * `hive sim agent attacker --mode double_spend`: validate its flags and run the attack.
 *
 * @module
 */
import { z } from "zod";
import type { ContextLoader } from "../../../core/cli.ts";
import { runDoubleSpend } from "../agents/double_spend.ts";
import {
  commonFlagsShape,
  intFlag,
  moneroAddressFlag,
  numberFlag,
  parseAgentFlags,
  positiveFlag,
  targetFlag,
  targetsFlag,
} from "./flags.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { runAgent } from "./run_agent.ts";

/** Input of {@link runDoubleSpendCommand}. */
export interface DoubleSpendCommandOptions {
  /** The `attacker` flags keyed by flag name (`--start` defaulted). */
  input: Record<string, unknown>;
  /** Builds the CLI context from the root flags. */
  load: ContextLoader;
  /** The `attacker` command, whose root flags the context is built from. */
  command: { optsWithGlobals(): object };
}

/** Run `hive sim agent attacker --mode double_spend`: validate its flags, then attack. */
export async function runDoubleSpendCommand(options: DoubleSpendCommandOptions): Promise<void> {
  const { input, load, command } = options;
  const f = parseAgentFlags(
    "attacker",
    z.object({
      ...commonFlagsShape,
      "--rpc": targetFlag,
      "--victim": targetFlag,
      "--peers": targetsFlag,
      "--hashrate": numberFlag((n) => n.gt(0, { error: "expected a number > 0" }).max(100)),
      "--confirmations": intFlag(1, 1000),
      "--start": numberFlag((n) => n.min(0)),
      "--timeout": positiveFlag.default(3600),
      "--block-time": positiveFlag.default(120),
      "--address": moneroAddressFlag.default(DEFAULT_MINER_ADDRESS),
    }),
    input,
  );
  const scale = f["--time-scale"];
  // Attack calls carry no stop signal: the bans must still be lifted after SIGTERM.
  const node = (t: { host: string; url: string }) => ({
    host: t.host,
    rpc: new MonerodRpc({ url: t.url, timeoutMs: 5000 }),
  });
  const host = f["--host"] ?? f["--rpc"].host;
  await runAgent({
    kind: "attacker",
    load,
    command,
    common: f,
    body: async (ctx) => {
      const r = await runDoubleSpend(ctx, {
        attacker: { host, rpc: node(f["--rpc"]).rpc },
        victim: node(f["--victim"]),
        peers: f["--peers"].map(node),
        mining: {
          rpc: new MonerodRpc({ url: f["--rpc"].url, signal: ctx.signal }),
          hashrate: f["--hashrate"],
          seed: f["--seed"],
          timeScale: scale,
          blockTimeS: f["--block-time"],
          address: f["--address"],
        },
        confirmations: f["--confirmations"],
        startS: f["--start"] / scale,
        timeoutS: f["--timeout"] / scale,
      });
      return { mined: r.mined, success: r.outcome?.success ?? null, reason: r.outcome?.reason };
    },
  });
}

/**
 * `hive sim agent fund`: the funding distributor of generated Shadow configs (the local engine
 * funds wallets itself before its clock starts).
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
  hostNameFlag,
  parseAgentFlags,
  positiveSecondsFlag,
  urlFlag,
} from "./flags.ts";
import { runAgent } from "./run_agent.ts";

/** `NAME=BLOCKS@URL`: a user host, its blocks and its wallet RPC. */
const _walletsFlag = z.string().transform((text, ctx) => {
  const out: Array<{ host: string; blocks: number; url: string }> = [];
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=@]+)=(\d+)@(.+)$/.exec(part);
    const host = m ? hostNameFlag.safeParse(m[1]) : undefined;
    const url = m ? urlFlag.safeParse(m[3]) : undefined;
    if (!m || !host?.success || !url?.success || !(Number(m[2]) >= 1)) {
      ctx.addIssue({ code: "custom", message: `expected NAME=BLOCKS@URL, got "${part}"` });
      return z.NEVER;
    }
    out.push({ host: m[1], blocks: Number(m[2]), url: m[3] });
  }
  if (out.length === 0) {
    ctx.addIssue({ code: "custom", message: "expected at least one NAME=BLOCKS@URL" });
    return z.NEVER;
  }
  return out;
});

/** Build `hive sim agent fund`. */
export function fundCommand(load: ContextLoader): Command {
  const cmd = addCommonFlags(
    hiveCommand("fund", "hive sim agent fund")
      .summary("fund users' wallets: mine blocks to each, then past the coinbase lock")
      .description(
        "Wait for each user's wallet to be open, mine its blocks to its address on one " +
          "monerod, then 80 blocks to a burn address so the funding unlocks. Generated " +
          "Shadow configs run it on the first miner's host.",
      )
      .requiredOption("--daemon-rpc <url>", "monerod that mines the funding blocks")
      .requiredOption("--wallets <list>", "NAME=BLOCKS@WALLET_RPC_URL,... one per user")
      .option("--wait <d>", "how long to wait for each wallet to open (default 5m)")
      .option("--exit", "exit when done (default: idle until stopped, as Shadow expects)"),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent fund --daemon-rpc http://11.0.0.1:18081 \\
    --wallets user-1=12@http://11.0.4.1:18083 --host miner-1`,
  );
  return cmd.action(async (o, command) => {
    const { MonerodRpc, WalletRpc } = await import("../../../adapters/engine/local/rpc.ts");
    const { runFund } = await import("../agents/fund.ts");
    const f = parseAgentFlags(
      "fund",
      z.object({
        ...commonFlagsShape,
        "--daemon-rpc": urlFlag,
        "--wallets": _walletsFlag,
        "--wait": positiveSecondsFlag.default(300),
        "--exit": z.boolean().default(false),
      }),
      flagInput(o),
    );
    await runAgent({
      kind: "fund",
      load,
      command,
      common: f,
      body: async (ctx) => ({
        ...await runFund(ctx, {
          daemon: new MonerodRpc({
            url: f["--daemon-rpc"],
            timeoutMs: 120_000,
            signal: ctx.signal,
          }),
          targets: f["--wallets"].map((w) => ({
            host: w.host,
            blocks: w.blocks,
            wallet: new WalletRpc({ url: w.url, timeoutMs: 10_000, signal: ctx.signal }),
          })),
          waitS: f["--wait"],
          stay: !f["--exit"],
        }),
      }),
    });
  }) as unknown as Command;
}

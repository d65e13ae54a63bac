/**
 * `hive sim agent user`: send transfers through monero-wallet-rpc at exponential intervals.
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
  intFlag,
  moneroAddressFlag,
  NUMBER_PATTERN,
  numberFlag,
  parseAgentFlags,
  positiveSecondsFlag,
  secondsFlag,
  urlFlag,
} from "./flags.ts";
import { runAgent } from "./run_agent.ts";

/** `AMOUNT` (fixed) or `MIN..MAX` (uniform), in XMR. */
const _amountSchema = z.string().trim().transform((text, ctx) => {
  const range = /^(\S+)\s*\.\.\s*(\S+)$/.exec(text);
  const parts = range ? [range[1], range[2]] : [text];
  const nums = parts.map((p) => (NUMBER_PATTERN.test(p) ? Number(p) : NaN));
  if (nums.some((n) => !(n > 0))) {
    ctx.addIssue({ code: "custom", message: "expected XMR > 0 as AMOUNT or MIN..MAX" });
    return z.NEVER;
  }
  if (nums.length === 2 && nums[0] > nums[1]) {
    ctx.addIssue({ code: "custom", message: "expected MIN <= MAX" });
    return z.NEVER;
  }
  return nums.length === 1
    ? { kind: "fixed" as const, value: nums[0] }
    : { kind: "uniform" as const, min: nums[0], max: nums[1] };
});

/** Build `hive sim agent user`. */
export function userCommand(load: ContextLoader): Command {
  const cmd = addCommonFlags(
    hiveCommand("user", "hive sim agent user")
      .summary("send transfers through monero-wallet-rpc (writes `tx_sent`, `tx_confirmed`)")
      .description(
        "Send transfers through monero-wallet-rpc at exponential intervals. Writes `tx_sent` " +
          "and `tx_confirmed` events. The wallet is opened, or created when missing.",
      )
      .requiredOption("--wallet-rpc <url>", "monero-wallet-rpc URL (started with --wallet-dir)")
      .requiredOption("--daemon-rpc <url>", "the monerod the wallet uses (for funding)")
      .requiredOption("--interval-mean <d>", "mean simulated time between transfers, e.g. 5m")
      .requiredOption("--amount <spec>", "XMR per transfer: 0.5 (fixed) or 0.1..2 (uniform)")
      .option("--to <addr>", "destination address (default: the wallet's own address)")
      .option("--wallet-name <name>", "wallet file name in the wallet dir (default: user)")
      .option(
        "--fund-blocks <n>",
        "first mine N blocks to the wallet, then 80 more so they unlock (default 0)",
      )
      .option("--max-transfers <n>", "stop after N transfers are confirmed")
      .option("--interval-kind <kind>", "exponential (default) or fixed intervals")
      .option("--send-probability <p>", "chance each due transfer is sent, 0..1 (default 1)")
      .option("--activity-start <d>", "simulated run time from which it sends (default 0s)")
      .option(
        "--fund-wait <d>",
        "how long to wait for an unlocked balance before sending (default 2m)",
      ),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent user --wallet-rpc http://127.0.0.4:18083 --daemon-rpc http://127.0.0.4:18081 \\
    --interval-mean 5m --amount 0.1..2 --host user-001 --fund-blocks 5`,
  );
  return cmd.action(async (o, command) => {
    const { MonerodRpc, WalletRpc } = await import("../../../adapters/engine/local/rpc.ts");
    const { runUser } = await import("../agents/user.ts");
    const f = parseAgentFlags(
      "user",
      z.object({
        ...commonFlagsShape,
        "--wallet-rpc": urlFlag,
        "--daemon-rpc": urlFlag,
        "--interval-mean": positiveSecondsFlag,
        "--amount": _amountSchema,
        "--to": moneroAddressFlag.optional(),
        "--wallet-name": hostNameFlag.default("user"),
        "--fund-blocks": intFlag(0, 1000).default(0),
        "--max-transfers": intFlag(1).optional(),
        "--fund-wait": positiveSecondsFlag.default(120),
        "--interval-kind": z.enum(["exponential", "fixed"]).default("exponential"),
        "--send-probability": numberFlag((n) => n.min(0).max(1)).default(1),
        "--activity-start": secondsFlag().optional(),
      }),
      flagInput(o),
    );
    const host = f["--host"] ?? new URL(f["--wallet-rpc"]).host;
    await runAgent({
      kind: "user",
      load,
      command,
      common: f,
      body: async (ctx) => ({
        ...await runUser(ctx, {
          // Building and signing a transfer can take a while on a busy machine.
          wallet: new WalletRpc({ url: f["--wallet-rpc"], timeoutMs: 60_000, signal: ctx.signal }),
          daemon: new MonerodRpc({
            url: f["--daemon-rpc"],
            timeoutMs: 60_000,
            signal: ctx.signal,
          }),
          host,
          seed: f["--seed"],
          intervalMeanS: f["--interval-mean"],
          timeScale: f["--time-scale"],
          amount: f["--amount"],
          to: f["--to"],
          walletName: f["--wallet-name"],
          fundBlocks: f["--fund-blocks"],
          maxTransfers: f["--max-transfers"],
          fundWaitS: f["--fund-wait"],
          intervalKind: f["--interval-kind"],
          sendProbability: f["--send-probability"],
          activityStartS: f["--activity-start"],
        }),
      }),
    });
  }) as unknown as Command;
}

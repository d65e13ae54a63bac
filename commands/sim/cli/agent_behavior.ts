/**
 * `hive sim agent behavior`: run a behaviour plugin (a built-in name or a module file) on one
 * host, as generated Shadow configs and the local engine start it for groups with `behavior:`.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { z } from "zod";
import { addCommonFlags, commonFlagsShape, flagInput, parseAgentFlags, urlFlag } from "./flags.ts";
import { runAgent } from "./run_agent.ts";

const _jsonFlag = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "expected JSON" });
    return z.NEVER;
  }
});

/** Build `hive sim agent behavior`. */
export function behaviorCommand(load: ContextLoader): Command {
  const cmd = addCommonFlags(
    hiveCommand("behavior", "hive sim agent behavior")
      .summary("run a behaviour plugin on one host (built-in name or module file)")
      .description(
        "Load a behaviour (constant_miner, standard_sync, observer, mining_wallet, " +
          "transaction_bot, hodler, or a module exporting configSchema and run(ctx)), check " +
          "--behavior-config against its schema and run it. A behaviour that throws is logged and " +
          "stopped; the process then idles until the run stops.",
      )
      .requiredOption("--module <name|path>", "built-in behaviour name or module path")
      .requiredOption("--rpc <url>", "the host's monerod RPC URL")
      .option("--wallet-rpc <url>", "the host's monero-wallet-rpc URL")
      .option("--behavior-config <json>", "behavior_config as JSON (default {})"),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent behavior --module standard_sync --rpc http://127.0.0.2:18081 --host n1
  hive sim agent behavior --module ./greeter.ts --behavior-config '{"every_s": 30}' --rpc URL`,
  );
  return cmd.action(async (o, command) => {
    const { MonerodRpc, WalletRpc } = await import("../../../adapters/engine/local/rpc.ts");
    const { runBehavior } = await import("../behaviors/run.ts");
    const { resolveBehavior } = await import("../behaviors/load.ts");
    const { sleep } = await import("../agents/runtime.ts");
    const f = parseAgentFlags(
      "behavior",
      z.object({
        ...commonFlagsShape,
        "--module": z.string().min(1),
        "--rpc": urlFlag,
        "--wallet-rpc": urlFlag.optional(),
        "--behavior-config": _jsonFlag.default({}),
      }),
      flagInput(o),
    );
    const host = f["--host"] ?? new URL(f["--rpc"]).host;
    await runAgent({
      kind: "behavior",
      load,
      command,
      common: f,
      body: async (ctx) => {
        const result = await runBehavior(ctx, {
          module: resolveBehavior(f["--module"], Deno.cwd()),
          config: f["--behavior-config"],
          host,
          seed: f["--seed"],
          timeScale: f["--time-scale"],
          node: new MonerodRpc({ url: f["--rpc"], timeoutMs: 60_000, signal: ctx.signal }),
          wallet: f["--wallet-rpc"]
            ? new WalletRpc({ url: f["--wallet-rpc"], timeoutMs: 60_000, signal: ctx.signal })
            : undefined,
        });
        // Shadow expects the process running to the end: idle once the behaviour is done.
        while (!ctx.signal.aborted) await sleep(60_000, ctx.signal);
        return { ...result };
      },
    });
  }) as unknown as Command;
}

/**
 * The modes of `hive sim agent attacker`: each validates its own flags (errors name the flag
 * and the value, exit 2) and runs its attack loop with the shared agent plumbing.
 *
 * @module
 */
import { z } from "zod";
import type { ContextLoader } from "../../../core/cli.ts";
import { runEclipse, runPartition } from "../agents/attacker.ts";
import { runDoubleSpend } from "../agents/double_spend.ts";
import {
  commonFlagsShape,
  intFlag,
  moneroAddressFlag,
  numberFlag,
  parseAgentFlags,
  positiveSecondsFlag,
  secondsFlag,
  seenAsFlag,
  targetFlag,
  targetsFlag,
} from "./flags.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { runAgent } from "./run_agent.ts";
import type { AttackNode } from "../agents/attacker.ts";

/** A node of the attack: its RPC (with a timeout when given) and the aliases `--seen-as` names. */
function _node(
  target: { host: string; url: string },
  seenAs: Map<string, string[]> | undefined,
  timeoutMs?: number,
): AttackNode {
  return {
    host: target.host,
    rpc: new MonerodRpc({ url: target.url, ...(timeoutMs ? { timeoutMs } : {}) }),
    aliases: seenAs?.get(target.host) ?? [],
  };
}

/** Input of every attack mode. */
export interface AttackModeOptions {
  /** The `attacker` flags keyed by flag name (`--start` defaulted). */
  input: Record<string, unknown>;
  /** Builds the CLI context from the root flags. */
  load: ContextLoader;
  /** The `attacker` command, whose root flags the context is built from. */
  command: { optsWithGlobals(): object };
}

/** `--mode double_spend`: validate its flags, then mine and race. */
export async function runDoubleSpendMode(options: AttackModeOptions): Promise<void> {
  const { input, load, command } = options;
  const f = parseAgentFlags(
    "attacker",
    z.object({
      ...commonFlagsShape,
      "--seen-as": seenAsFlag.optional(),
      "--rpc": targetFlag,
      "--victim": targetFlag,
      "--peers": targetsFlag,
      "--hashrate": numberFlag((n) => n.gt(0, { error: "expected a number > 0" }).max(100)),
      "--confirmations": intFlag(1, 1000),
      "--start": secondsFlag(),
      "--timeout": positiveSecondsFlag.default(3600),
      "--block-time": positiveSecondsFlag.default(120),
      "--address": moneroAddressFlag.default(DEFAULT_MINER_ADDRESS),
    }),
    input,
  );
  const scale = f["--time-scale"];
  // Attack calls carry no stop signal: the bans must still be lifted after SIGTERM.
  const node = (t: { host: string; url: string }) => _node(t, f["--seen-as"], 5000);
  const host = f["--host"] ?? f["--rpc"].host;
  await runAgent({
    kind: "attacker",
    load,
    command,
    common: f,
    body: async (ctx) => {
      const r = await runDoubleSpend(ctx, {
        attacker: { ...node(f["--rpc"]), host },
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

/** `--mode partition`: validate its flags, then ban group A from group B and back. */
export async function runPartitionMode(options: AttackModeOptions): Promise<void> {
  const { input, load, command } = options;
  const f = parseAgentFlags(
    "attacker",
    z.object({
      ...commonFlagsShape,
      "--seen-as": seenAsFlag.optional(),
      "--group-a": targetsFlag,
      "--group-b": targetsFlag,
      "--start": secondsFlag(),
      "--end": secondsFlag(),
    }).refine((v) => v["--end"] > v["--start"], {
      error: "expected --end after --start",
      path: ["--end"],
    }),
    input,
  );
  const nodes = (list: { host: string; url: string }[]) =>
    list.map((t) => _node(t, f["--seen-as"]));
  const scale = f["--time-scale"];
  await runAgent({
    kind: "attacker",
    load,
    command,
    common: f,
    body: async (ctx) => ({
      completed: await runPartition(ctx, {
        groupA: nodes(f["--group-a"]),
        groupB: nodes(f["--group-b"]),
        startS: f["--start"] / scale,
        endS: f["--end"] / scale,
      }),
    }),
  });
}

/** `--mode eclipse`: validate its flags, then hold or drop the victim's blocks. */
export async function runEclipseMode(options: AttackModeOptions): Promise<void> {
  const { input, load, command } = options;
  const f = parseAgentFlags(
    "attacker",
    z.object({
      ...commonFlagsShape,
      "--seen-as": seenAsFlag.optional(),
      "--attackers": targetsFlag,
      "--victim": targetFlag,
      "--behaviour": z.enum(["delay", "withhold"], { error: "expected delay or withhold" }),
      "--delay": secondsFlag().default(0),
      "--start": secondsFlag(),
    }),
    input,
  );
  const scale = f["--time-scale"];
  const node = (t: { host: string; url: string }) => _node(t, f["--seen-as"]);
  await runAgent({
    kind: "attacker",
    load,
    command,
    common: f,
    body: async (ctx) => ({
      blocks_held: await runEclipse(ctx, {
        attackers: f["--attackers"].map(node),
        victim: node(f["--victim"]),
        behaviour: f["--behaviour"],
        delayS: f["--delay"] / scale,
        startS: f["--start"] / scale,
      }),
    }),
  });
}

/**
 * Run one behaviour on a host: load its module, parse its config, give it the context, and
 * contain its failure: a behaviour that throws is logged and stopped, the run goes on.
 *
 * @module
 */
import type { MonerodRpc, WalletRpc } from "../../../adapters/engine/local/rpc.ts";
import { type AgentContext, agentRng, sleep } from "../agents/runtime.ts";
import { loadBehavior } from "./load.ts";
import type { BehaviorContext } from "./types.ts";

/** Options for {@link runBehavior}. */
export interface RunBehaviorOptions {
  /** Built-in name or absolute module path. */
  module: string;
  /** The group's behavior_config (unparsed). */
  config: unknown;
  host: string;
  seed: number;
  /** Simulated seconds per wall second. */
  timeScale: number;
  node: MonerodRpc;
  wallet?: WalletRpc;
}

/** How it ended. */
export interface RunBehaviorResult {
  module: string;
  ok: boolean;
  error?: string;
}

/** Run until the behaviour returns, throws, or the run stops. */
export async function runBehavior(
  ctx: AgentContext,
  options: RunBehaviorOptions,
): Promise<RunBehaviorResult> {
  const mod = await loadBehavior(options.module);
  const parsed = mod.configSchema.safeParse(options.config ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`behavior_config.${first.path.join(".")}: ${first.message}`);
  }
  const scale = options.timeScale;
  const bctx: BehaviorContext = {
    host: options.host,
    config: parsed.data,
    node: options.node,
    wallet: options.wallet,
    random: agentRng(options.seed, `${options.host}/behavior`),
    clock: {
      now: () => Math.round(ctx.clock.ts() * scale * 1000) / 1000,
      sleep: (simS) => sleep((simS / scale) * 1000, ctx.signal),
      scale,
      t0Ms: ctx.clock.t0Ms,
    },
    // Behaviours stamp simulated seconds; the run folder holds the agents' own clock (wall
    // seconds locally, which analyze scales), so the stamp is turned back.
    events: {
      write: (e) => ctx.events.write({ ...e, ts: Math.round((e.ts / scale) * 1e3) / 1e3 }),
    },
    signal: ctx.signal,
    logger: ctx.logger,
  };
  try {
    await mod.run(bctx);
    return { module: options.module, ok: true };
  } catch (error) {
    if (ctx.signal.aborted) return { module: options.module, ok: true };
    // Contained: the host's node keeps running, and so does the run.
    ctx.logger.error("behaviour failed; stopped", { module: options.module, error });
    return { module: options.module, ok: false, error: (error as Error).message };
  }
}

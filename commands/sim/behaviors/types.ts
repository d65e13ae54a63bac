/**
 * The behaviour plugin interface: what a module named by `behavior: ./module.ts` exports
 * (`configSchema`, a zod schema of its `behavior_config`, and `run(ctx)`) and the context it
 * runs with: the node's RPC, the wallet's when the host has one, a seeded random source, the
 * simulated clock, the run folder's event writer and an abort signal.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import type { BehaviorContext } from "./types.ts";
 * export const configSchema = z.object({ every_s: z.number().positive().default(60) });
 * export async function run(ctx: BehaviorContext<z.output<typeof configSchema>>) {
 *   while (await ctx.clock.sleep(ctx.config.every_s)) await ctx.node.getInfo();
 * }
 * ```
 * @module
 */
import type { z } from "zod";
import type { Logger } from "../../../core/logger.ts";
import type { RunEvent } from "../../../adapters/engine/types.ts";
import type { MonerodRpc, WalletRpc } from "../../../adapters/engine/local/rpc.ts";
import type { Rng } from "../scenario/prng.ts";

/** The simulated clock of a behaviour. */
export interface BehaviorClock {
  /** Simulated seconds since the run started. */
  now(): number;
  /** Sleep this many simulated seconds; false when the run is stopping. */
  sleep(simS: number): Promise<boolean>;
  /** Simulated seconds per wall second (the local engine's time scale; 1 under Shadow). */
  readonly scale: number;
  /** The run's start, epoch milliseconds (what agents share). */
  readonly t0Ms: number;
}

/** What `run(ctx)` gets. */
export interface BehaviorContext<C = unknown> {
  /** The host's name. */
  host: string;
  /** The group's `behavior_config`, parsed by the module's `configSchema`. */
  config: C;
  /** The host's monerod. */
  node: MonerodRpc;
  /** The host's monero-wallet-rpc (user hosts). */
  wallet?: WalletRpc;
  /** Seeded by the run seed and the host name. */
  random: Rng;
  clock: BehaviorClock;
  /** Writes RunEvent records into the run folder. */
  events: { write(event: RunEvent): void };
  /** Aborted when the run stops. */
  signal: AbortSignal;
  logger: Logger;
}

/** A behaviour module's exports. */
export interface BehaviorModule {
  configSchema: z.ZodType;
  run(ctx: BehaviorContext): Promise<unknown>;
}

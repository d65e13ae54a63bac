/**
 * Built-in wallet strategy `mining_wallet`: mine (as `constant_miner`) with the coinbase paid
 * to the host's own wallet, so it receives the rewards.
 *
 * @module
 */
import { z } from "zod";
import { openOrCreateWallet } from "../../../../adapters/engine/local/wallet.ts";
import type { BehaviorContext } from "../types.ts";
import { run as mine } from "./constant_miner.ts";

/** `hashrate` and `block_time_s` as for `constant_miner`. */
export const configSchema = z.strictObject({
  hashrate: z.number().gt(0).max(100),
  block_time_s: z.number().positive().default(120),
  wallet_name: z.string().min(1).default("user"),
});

/** Open the wallet, then mine to it until the run stops. */
export async function run(ctx: BehaviorContext<z.output<typeof configSchema>>): Promise<void> {
  if (!ctx.wallet) throw new Error("mining_wallet needs a wallet (a user host)");
  const address = await openOrCreateWallet(ctx, ctx.wallet, ctx.config.wallet_name);
  await mine({ ...ctx, config: { ...ctx.config, address } });
}

/**
 * Built-in wallet strategy `hodler`: open (or create) the host's wallet and hold: it receives
 * and never sends.
 *
 * @module
 */
import { z } from "zod";
import { openOrCreateWallet } from "../../../../adapters/engine/local/wallet.ts";
import type { BehaviorContext } from "../types.ts";

/** `wallet_name`: the wallet file. */
export const configSchema = z.strictObject({ wallet_name: z.string().min(1).default("user") });

/** Hold until the run stops. */
export async function run(ctx: BehaviorContext<z.output<typeof configSchema>>): Promise<void> {
  if (!ctx.wallet) throw new Error("hodler needs a wallet (a user host)");
  await openOrCreateWallet(ctx, ctx.wallet, ctx.config.wallet_name);
  while (await ctx.clock.sleep(3600)) { /* hold */ }
}

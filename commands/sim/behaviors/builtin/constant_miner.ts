/**
 * Built-in behaviour `constant_miner`: mine at Poisson times whose mean is the block target
 * divided by this node's share of the hashrate (as `hive sim agent miner`), to `address`.
 *
 * @module
 */
import { z } from "zod";
import { DEFAULT_MINER_ADDRESS } from "../../../../adapters/engine/local/rpc.ts";
import type { BehaviorContext } from "../types.ts";

/** `hashrate`: percent of the network; `block_time_s`: the network's target. */
export const configSchema = z.strictObject({
  hashrate: z.number().gt(0).max(100),
  block_time_s: z.number().positive().default(120),
  address: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{95,106}$/).default(DEFAULT_MINER_ADDRESS),
});

/** Mine until the run stops. */
export async function run(ctx: BehaviorContext<z.output<typeof configSchema>>): Promise<void> {
  const mean = ctx.config.block_time_s / (ctx.config.hashrate / 100);
  for (;;) {
    const wait = -Math.log(1 - ctx.random.next()) * mean;
    if (!await ctx.clock.sleep(wait)) return;
    const r = await ctx.node.generateBlocks(1, ctx.config.address);
    for (const hash of r.blocks ?? []) {
      const h = await ctx.node.headerByHash(hash);
      ctx.events.write({
        ts: ctx.clock.now(),
        host: ctx.host,
        event: "mined",
        height: h.height,
        hash,
        parent: h.prev_hash,
      });
    }
  }
}

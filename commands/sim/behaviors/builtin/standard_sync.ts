/**
 * Built-in behaviour `standard_sync`: follow the chain like an ordinary node and record the
 * node's height every `poll_s` simulated seconds (`height` events).
 *
 * @module
 */
import { z } from "zod";
import type { BehaviorContext } from "../types.ts";

/** `poll_s`: simulated seconds between height records. */
export const configSchema = z.strictObject({ poll_s: z.number().positive().default(60) });

/** Record heights until the run stops. */
export async function run(ctx: BehaviorContext<z.output<typeof configSchema>>): Promise<void> {
  while (await ctx.clock.sleep(ctx.config.poll_s)) {
    try {
      const info = await ctx.node.getInfo();
      ctx.events.write({
        ts: ctx.clock.now(),
        host: ctx.host,
        event: "height",
        height: info.height - 1,
        top_hash: info.top_block_hash,
        peers: (info.outgoing_connections_count ?? 0) + (info.incoming_connections_count ?? 0),
      });
    } catch (error) {
      ctx.logger.debug("get_info failed", { error });
    }
  }
}

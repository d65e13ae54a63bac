/**
 * Built-in behaviour `observer`: the node runs and syncs; the behaviour does nothing until the
 * run stops.
 *
 * @module
 */
import { z } from "zod";
import type { BehaviorContext } from "../types.ts";

/** No settings. */
export const configSchema = z.strictObject({});

/** Wait for the end of the run. */
export async function run(ctx: BehaviorContext): Promise<void> {
  while (await ctx.clock.sleep(3600)) { /* idle */ }
}

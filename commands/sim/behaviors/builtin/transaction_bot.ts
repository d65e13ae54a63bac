/**
 * Built-in wallet strategy `transaction_bot`: periodic transfers from the host's wallet, as
 * the `user` agent sends them (funded by the run's funding step).
 *
 * @module
 */
import { z } from "zod";
import { runUser } from "../../agents/user.ts";
import { RunClock } from "../../agents/runtime.ts";
import type { BehaviorContext } from "../types.ts";

/** Mean simulated seconds between transfers, XMR each, and the interval kind. */
export const configSchema = z.strictObject({
  interval_s: z.number().positive().default(120),
  amount: z.number().positive().default(0.1),
  interval_kind: z.enum(["exponential", "fixed"]).default("exponential"),
  wallet_name: z.string().min(1).default("user"),
});

/** Send until the run stops. */
export async function run(ctx: BehaviorContext<z.output<typeof configSchema>>): Promise<void> {
  if (!ctx.wallet) throw new Error("transaction_bot needs a wallet (a user host)");
  await runUser(
    {
      logger: ctx.logger,
      events: { write: (e) => ctx.events.write(e), close: () => {} },
      signal: ctx.signal,
      clock: new RunClock(ctx.clock.t0Ms),
    },
    {
      wallet: ctx.wallet,
      daemon: ctx.node,
      host: ctx.host,
      seed: Math.floor(ctx.random.next() * 2 ** 31),
      intervalMeanS: ctx.config.interval_s,
      timeScale: ctx.clock.scale,
      amount: { kind: "fixed", value: ctx.config.amount },
      walletName: ctx.config.wallet_name,
      fundBlocks: 0,
      intervalKind: ctx.config.interval_kind,
    },
  );
}

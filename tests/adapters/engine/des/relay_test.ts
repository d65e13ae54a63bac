import { ok } from "@std/assert";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import { desModel } from "./_fixtures.ts";

Deno.test("orphan rate rises with propagation delay", () => {
  const rates: number[] = [];
  for (const latencyMs of [5, 2000, 8000]) {
    const model = desModel({
      nodes: 40,
      miners: 20,
      topology: "random",
      degree: 2,
      latencyMs,
      seed: 11,
      stopTimeS: 120 * 600,
    });
    const out = simulateDes({ model, options: { receiptEvents: false }, sink: { event() {} } });
    rates.push(out.summary.orphaned_blocks / out.summary.blocks_mined);
  }
  ok(rates[0] < rates[1] && rates[1] < rates[2], `orphan rates ${rates.join(", ")}`);
  ok(rates[0] < 0.01, `near-zero delay gives almost no orphans: ${rates[0]}`);
  ok(rates[2] > 0.05, `seconds of delay per hop give many: ${rates[2]}`);
});

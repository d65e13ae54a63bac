import { deepEqual, equal, ok } from "@std/assert";
import { DesMiners } from "../../../../adapters/engine/des/mining.ts";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import { desModel } from "./_fixtures.ts";

Deno.test("two-miner orphan rate matches the fork-window approximation", () => {
  // Two equal miners one link apart with delay L: a block is forked when the other miner
  // (rate 1/240 s) finds one within L, p = 1 - e^(-L/240); one of the two fork blocks is
  // orphaned, so orphans per block ~ p / (1 + p). Higher-order effects are < 2 % at these L.
  for (const latencyMs of [6000, 12000]) {
    const model = desModel({
      nodes: 2,
      miners: 2,
      topology: "ring",
      latencyMs,
      bandwidthBps: 1e12,
      seed: 99,
      stopTimeS: 120 * 20_000,
    });
    const out = simulateDes({
      model,
      options: { validationDelayS: 0, blockSizeBytes: 1, receiptEvents: false },
      sink: { event() {} },
    });
    const p = 1 - Math.exp(-latencyMs / 1000 / 240);
    const expected = out.summary.blocks_mined * (p / (1 + p));
    const got = out.summary.orphaned_blocks;
    ok(
      Math.abs(got - expected) <= 4 * Math.sqrt(expected) + 0.03 * expected,
      `L=${latencyMs} ms: ${got} orphans, expected ${expected.toFixed(0)}`,
    );
  }
});

Deno.test("DesMiners picks by share and skips nodes without hashrate", () => {
  const miners = new DesMiners([0, 1, 0, 3]);
  equal(miners.count, 2);
  deepEqual([...miners.isMiner], [0, 1, 0, 1]);
  equal(miners.pick(0), 1);
  equal(miners.pick(0.2499), 1);
  equal(miners.pick(0.25), 3);
  equal(miners.pick(0.9999), 3);
});

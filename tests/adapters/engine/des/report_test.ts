/** The DES report: summary counts agree with the per-block aggregates. */
import { equal, ok } from "@std/assert";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import { desModel } from "./_fixtures.ts";

Deno.test("summary counts match the propagation records, one per mined block", () => {
  const model = desModel({ nodes: 12, miners: 4, topology: "random", stopTimeS: 6 * 3600 });
  const { summary, propagation } = simulateDes({ model, sink: { event() {} } });
  ok(summary.blocks_mined > 50);
  equal(propagation.length, summary.blocks_mined);
  equal(summary.nodes, 12);
  ok(summary.main_chain_height <= summary.blocks_mined);
  equal(summary.orphaned_blocks, summary.blocks_mined - summary.main_chain_height);
  for (const p of propagation) {
    equal(p.nodes, 12);
    ok(p.t100_s === null || (p.t90_s !== null && p.t90_s <= p.t100_s));
  }
});

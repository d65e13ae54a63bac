import { deepEqual, equal, ok, throws } from "@std/assert";
import { type DesRunOutput, simulateDes } from "../../../../adapters/engine/des/engine.ts";
import { parseDesNetModel } from "../../../../adapters/engine/des/netmodel.ts";
import type { DesOptionsInput } from "../../../../adapters/engine/des/options.ts";
import { DesValidation } from "../../../../adapters/engine/des/validation.ts";
import { DesEngine } from "../../../../adapters/engine/des/engine.ts";
import { createLogger } from "../../../../core/logger.ts";
import { desModel } from "./_fixtures.ts";

function _quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

Deno.test("validation: the flag wins, then the scenario's distribution, then 100 ms", () => {
  const dist = { uniform: [100, 300] as [number, number] };
  equal(DesValidation.of(dist, 0.5, 1).fixedS, 0.5);
  equal(DesValidation.of(dist, 0.5, 1).seconds(3, 4), 0.5);
  equal(DesValidation.of(undefined, undefined, 1).fixedS, 0.1);
  equal(DesValidation.of({ fixed: 250 }, undefined, 1).fixedS, 0.25);
  const drawn = DesValidation.of(dist, undefined, 1);
  equal(drawn.fixedS, null);
  deepEqual(drawn.describe(), { per_node_and_block_ms: dist });
});

Deno.test("validation: one draw per (node, block), from the distribution's quantiles", () => {
  const v = DesValidation.of({ lognormal: { median: 280, sigma: 0.6 } }, undefined, 42);
  equal(v.seconds(7, 9), v.seconds(7, 9), "the same pair, the same delay");
  const xs: number[] = [];
  for (let node = 0; node < 200; node++) {
    for (let block = 0; block < 100; block++) xs.push(v.seconds(node, block));
  }
  equal(new Set(xs).size, xs.length, "every pair draws its own");
  const p50 = _quantile(xs, 0.5);
  const p90 = _quantile(xs, 0.9);
  ok(Math.abs(p50 / 0.28 - 1) < 0.03, `p50 ${p50} s`);
  // exp(0.6 * 1.2816) * 0.28 = 0.6044 s.
  ok(Math.abs(p90 / 0.6044 - 1) < 0.04, `p90 ${p90} s`);
  // A uniform's ten deciles each hold about a tenth of the draws (the hash spreads evenly).
  const u = DesValidation.of({ uniform: [0, 1000] }, undefined, 3);
  const deciles = new Array(10).fill(0);
  for (let node = 0; node < 100; node++) {
    for (let block = 0; block < 100; block++) deciles[Math.floor(u.seconds(node, block) * 10)]++;
  }
  for (const d of deciles) ok(d > 880 && d < 1120, `deciles ${deciles}`);
  const other = DesValidation.of({ uniform: [0, 1000] }, undefined, 4);
  ok(u.seconds(1, 1) !== other.seconds(1, 1), "the seed changes the draws");
});

/**
 * Seconds from each block's mining at n0 to its receipt at n1, over a single 50 ms link, for
 * blocks whose parent n1 already held (others travel with their parent, each validated).
 */
function _hopDelays(des: Record<string, unknown>, options: DesOptionsInput = {}): number[] {
  const mined = new Map<string, number>();
  const parents = new Map<string, string>();
  const received = new Map<string, number>();
  const out: DesRunOutput = simulateDes({
    model: {
      ...desModel({ nodes: 2, miners: 1, topology: "ring", latencyMs: 50, stopTimeS: 7200 }),
      des,
    },
    options: { receiptEvents: true, blockSizeBytes: 1, ...options },
    sink: {
      event(e) {
        if (e.event === "mined") {
          mined.set(e.hash, e.ts);
          parents.set(e.hash, e.parent);
        }
        if (e.event === "block" && e.host === "n00001") received.set(e.hash, e.ts);
      },
    },
  });
  ok(out.summary.blocks_mined > 20, `blocks ${out.summary.blocks_mined}`);
  const hops = [...received]
    .filter(([hash]) => (received.get(parents.get(hash)!) ?? 0) <= mined.get(hash)!)
    .map(([hash, t]) => t - mined.get(hash)!);
  ok(hops.length > 20, `hops ${hops.length}`);
  return hops;
}

Deno.test("validation: a run draws each receiver's delay from des.validation", () => {
  const drawn = _hopDelays({ relay: "fluffy", validation: { uniform: [1000, 3000] } });
  for (const d of drawn) ok(d >= 1.049 && d <= 3.052, `hop ${d} s`);
  ok(Math.max(...drawn) - Math.min(...drawn) > 1, `spread of ${drawn}`);
  deepEqual(drawn, _hopDelays({ relay: "fluffy", validation: { uniform: [1000, 3000] } }));
  // The flag sets one delay for every node and block; without either, 100 ms.
  const flagged = _hopDelays({ relay: "fluffy", validation: { uniform: [1000, 3000] } }, {
    validationDelayS: 0.5,
  });
  for (const d of flagged) ok(Math.abs(d - 0.55) < 0.003, `hop ${d} s`);
  for (const d of _hopDelays({ relay: "fluffy" })) ok(Math.abs(d - 0.15) < 0.003, `hop ${d} s`);
});

Deno.test("validation: summary.json records the delay in force", async () => {
  const logger = createLogger({ level: "error", sinks: [] });
  const run = async (des: Record<string, unknown>, options: DesOptionsInput = {}) => {
    const dir = await Deno.makeTempDir();
    try {
      const model = {
        ...desModel({ nodes: 20, miners: 2, topology: "random", degree: 2, stopTimeS: 600 }),
        des,
      };
      await new DesEngine({ receiptEvents: false, ...options }).run({ model, outDir: dir, logger });
      const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
      return [summary.network_model.validation_s, summary.options.validationDelayS];
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  };
  deepEqual(await run({}), [0.1, 0.1]);
  deepEqual(await run({ validation: { normal: { mean: 300, stddev: 50 } } }), [
    { per_node_and_block_ms: { normal: { mean: 300, stddev: 50 } } },
    null,
  ]);
  deepEqual(await run({ validation: 300 }, { validationDelayS: 2 }), [2, 2]);
});

Deno.test("validation: des.validation refuses bad values and the simblock relay, by name", () => {
  throws(() => parseDesNetModel({ validation: { gamma: 3 } }), /des\.validation.*"gamma"/);
  throws(() => parseDesNetModel({ validation: -5 }), /des\.validation.*>= 0/);
  throws(() => parseDesNetModel({ validation: "fast" }), /des\.validation/);
  throws(() => parseDesNetModel({ validation: 4_000_000 }), /des\.validation.*3600000/);
  throws(
    () => parseDesNetModel({ preset: "simblock", validation: 100 }),
    /des\.validation: the simblock relay has no validation delay/,
  );
  // SimBlock's preset with Monero's relay does validate.
  deepEqual(parseDesNetModel({ preset: "simblock", relay: "fluffy", validation: 100 }).validation, {
    fixed: 100,
  });
});

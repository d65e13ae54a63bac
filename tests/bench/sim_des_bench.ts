/**
 * DES benchmark: the 10,000-host scenario (`fixtures/scenarios/large_10k.yaml`, random 8-regular
 * graph in four regions) for 1,000 blocks without transactions, through `DesEngine.run` exactly
 * as `hive sim run --engine des` does. Target: under 30 s on 2 cores.
 *
 * Baseline, measured in the same run: the bare queue (a 4-ary heap) pushing and popping the same
 * number of events (what any DES pays at minimum). The ratio shows the engine's cost per event
 * on top of its queue.
 *
 * Run: deno bench --allow-all tests/bench/sim_des_bench.ts
 */
import { DesEngine } from "../../adapters/engine/des/engine.ts";
import { DesHeapQueue } from "../../adapters/engine/des/heap_queue.ts";
import { DesRandom } from "../../adapters/engine/des/random.ts";
import { createLogger } from "../../core/logger.ts";
import { loadScenario } from "../../commands/sim/scenario/load.ts";
import type { SimModel } from "../../adapters/engine/types.ts";

const _TARGET_S = 30;
const _BLOCKS = 1000;
const _scenario = new URL("../../fixtures/scenarios/large_10k.yaml", import.meta.url).pathname;

async function _model(): Promise<SimModel> {
  const { model } = await loadScenario(_scenario);
  // No transactions; long enough that 1,000 blocks are always mined (maxBlocks stops mining).
  return {
    ...model,
    stopTimeS: _BLOCKS * 120 * 3,
    hosts: model.hosts.map((h) => ({ ...h, tx: undefined })),
  };
}

function _queueOnly(events: number): number {
  const q = new DesHeapQueue(4096);
  const rng = new DesRandom(1);
  const t0 = performance.now();
  // Keep a realistic pending set (a few thousand in flight), as during block relay.
  let now = 0;
  let pushed = 0;
  for (; pushed < 4000; pushed++) q.push(now + rng.next(), 2, pushed, 0, 0);
  while (q.pop()) {
    now = q.current.time;
    if (pushed < events) {
      q.push(now + rng.next(), 2, pushed, 0, 0);
      pushed++;
    }
  }
  return (performance.now() - t0) / 1000;
}

const model = await _model();
const dir = await Deno.makeTempDir({ prefix: "hive_des_bench_" });
const logger = createLogger({ level: "error", sinks: [] });
let wallS = 0;
let queueEvents = 0;
try {
  const engine = new DesEngine({ receiptEvents: false, maxBlocks: _BLOCKS });
  const t0 = performance.now();
  const result = await engine.run({ model, outDir: dir, logger });
  wallS = (performance.now() - t0) / 1000;
  const s = result.summary as Record<string, number>;
  queueEvents = s.queue_events;
  const baselineS = _queueOnly(queueEvents);
  console.log(
    `des ${model.hosts.length} nodes x ${s.blocks_mined} blocks (no txs): ${
      wallS.toFixed(2)
    } s wall, ` +
      `${queueEvents} queue events, ${Math.round(queueEvents / wallS)} events/s, ` +
      `orphan rate ${(s.orphaned_blocks / s.blocks_mined).toFixed(4)}`,
  );
  console.log(
    `target: ${_TARGET_S} s -> ${(wallS / _TARGET_S).toFixed(2)}x target ` +
      `(${wallS < _TARGET_S ? "PASS" : "FAIL"})`,
  );
  console.log(
    `baseline (bare queue, same ${queueEvents} events): ${baselineS.toFixed(2)} s; ` +
      `ratio: ${(wallS / baselineS).toFixed(2)}x baseline`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}

// Repeated measurements at a smaller scale for Deno.bench's statistics.
const small: SimModel = { ...model, stopTimeS: 10 * 120 * 3 };
Deno.bench({
  name: "bare queue: 100k push+pop",
  group: "sim-des",
  baseline: true,
  n: 5,
  warmup: 1,
  fn: () => {
    _queueOnly(100_000);
  },
});
Deno.bench({
  name: "des: 10,000 nodes x 10 blocks",
  group: "sim-des",
  n: 3,
  warmup: 1,
  fn: async () => {
    const d = await Deno.makeTempDir({ prefix: "hive_des_bench_" });
    try {
      await new DesEngine({ receiptEvents: false, maxBlocks: 10 }).run({
        model: small,
        outDir: d,
        logger,
      });
    } finally {
      await Deno.remove(d, { recursive: true });
    }
  },
});

/**
 * DES at scale with the Monero relay model (fluffy blocks, per-message log-normal latency over
 * a three-region matrix, monerod-like peers: 12 outbound, at most 64 inbound).
 *
 * Default (`deno bench -A tests/bench/sim_des_scale_bench.ts`, about a minute):
 * - cost per event at 10k, 100k and 1M nodes, each run to the same number of block receipts
 *   (2M: 10k x 200 blocks, 100k x 20, 1M x 2), against the bare 4-ary heap (`heap_queue.ts`)
 *   replaying the very same pushes and pops (recorded during the run), interleaved in one
 *   process, and the engine's own queue (`queue.ts`, a bucket ring in front of small heaps)
 *   replaying them too; the ratio of the
 *   engine's cost per event at 1M to that at 10k shows whether it stays flat;
 * - peak RSS per node at 100k (VmHWM, less the RSS before the model was built).
 *
 * `HIVE_DES_SCALE=simblock` runs SimBlock's default Bitcoin settings (`des.preset: simblock`)
 * at 10,000 nodes for 100 blocks and prints the mean time to 50 % and 90 % of nodes.
 *
 * `HIVE_DES_SCALE=full` instead runs the acceptance sizes, one each: 100,000 nodes x 1,000
 * blocks (target: at most 90 s and 2 GiB peak RSS) and 1,000,000 nodes x 100 blocks through
 * `DesEngine.run`, then `hive sim analyze` on the 1M run folder. `HIVE_DES_SCALE=full100k`
 * runs only the first (a few minutes instead of twenty on a loaded machine).
 *
 * @module
 */
import { DesSimulation } from "../../adapters/engine/des/sim.ts";
import { DesEngine } from "../../adapters/engine/des/engine.ts";
import { parseDesOptions } from "../../adapters/engine/des/options.ts";
import { DesHeapQueue } from "../../adapters/engine/des/heap_queue.ts";
import { DesQueue } from "../../adapters/engine/des/queue.ts";
import type { SimHost, SimModel } from "../../adapters/engine/types.ts";
import { createLogger } from "../../core/logger.ts";
import { testModel } from "../adapters/engine/_sim_model.ts";

const _REGIONS = ["eu", "na", "asia"];
const _RECEIPTS = 2_000_000;

/** A model of n nodes (100 miners) with the Monero relay model; hosts share their arrays. */
function _model(n: number, blocks: number, seed = 1): SimModel {
  const noArgs: string[] = [];
  const noPeers: string[] = [];
  const hosts: SimHost[] = new Array(n);
  for (let i = 0; i < n; i++) {
    hosts[i] = {
      name: `n${i}`,
      kind: i < 100 ? "miner" : "observer",
      region: _REGIONS[i % 3],
      ip: "",
      p2pPort: 18080,
      rpcPort: 18081,
      hashrate: i < 100 ? 1 : 0,
      startTimeS: 0,
      bandwidthUpBps: 100e6,
      bandwidthDownBps: 100e6,
      daemonArgs: noArgs,
      peers: noPeers,
    };
  }
  const matrix: Record<string, Record<string, unknown>> = {};
  for (const a of _REGIONS) {
    matrix[a] = {};
    for (const b of _REGIONS) {
      matrix[a][b] = { lognormal: { median: a === b ? 20 : 100, sigma: 0.4 } };
    }
  }
  return testModel(hosts, {
    name: `scale_${n}`,
    seed,
    stopTimeS: blocks * 120 * 3,
    des: { relay: "fluffy", peers: { outbound: 12, inbound: 64 }, latency: { matrix } },
  });
}

function _rssMb(field: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Replay recorded pushes (a time) and pops (-1) on a bare queue; seconds. */
function _replay(trace: number[], ring = false): number {
  const q = ring ? new DesQueue(1024) : new DesHeapQueue(1024);
  const t0 = performance.now();
  for (let k = 0; k < trace.length; k++) {
    const t = trace[k];
    if (t >= 0) q.push(t, 2, k, 0, 0);
    else q.pop();
  }
  return (performance.now() - t0) / 1000;
}

interface _Point {
  n: number;
  blocks: number;
  events: number;
  engineS: number;
  queueS: number;
  ringS: number;
}

function _costPoint(n: number): _Point {
  const blocks = Math.max(1, Math.round(_RECEIPTS / n));
  const sim = new DesSimulation(
    _model(n, blocks),
    parseDesOptions({ receiptEvents: false, maxBlocks: blocks }),
    { event() {} },
  );
  const trace = sim.queue.startTrace();
  const before = sim.queue.pushed;
  const t0 = performance.now();
  while (sim.step(1_000_000));
  const engineS = (performance.now() - t0) / 1000;
  sim.queue.stopTrace();
  const events = sim.queue.pushed - before;
  // Replay twice and keep the faster, as the engine run had a warm JIT too.
  const queueS = Math.min(_replay(trace), _replay(trace));
  const ringS = Math.min(_replay(trace, true), _replay(trace, true));
  return { n, blocks, events, engineS, queueS, ringS };
}

async function _full(sizes: number[][]): Promise<void> {
  const logger = createLogger({ level: "error", sinks: [] });
  const dir = await Deno.makeTempDir({ prefix: "hive_des_scale_" });
  try {
    for (const [n, blocks] of sizes) {
      const rss0 = _rssMb("VmRSS");
      const t0 = performance.now();
      const model = _model(n, blocks);
      const out = `${dir}/run_${n}`;
      const result = await new DesEngine({ receiptEvents: false, maxBlocks: blocks }).run({
        model,
        outDir: out,
        logger,
      });
      const wallS = (performance.now() - t0) / 1000;
      const s = result.summary as Record<string, number>;
      const hwm = _rssMb("VmHWM");
      console.log(
        `${n} nodes x ${s.blocks_mined} blocks: ${wallS.toFixed(1)} s wall (run ${
          result.wallS.toFixed(1)
        } s), ${s.queue_events} events, ${Math.round(s.queue_events / result.wallS)} events/s, ` +
          `peak RSS ${hwm.toFixed(0)} MB (${((hwm - rss0) * 1024 * 1024 / n).toFixed(0)} B/node ` +
          `over the ${rss0.toFixed(0)} MB before), orphans ${s.orphaned_blocks}`,
      );
      let bytes = 0;
      for await (const f of Deno.readDir(out)) bytes += (await Deno.stat(`${out}/${f.name}`)).size;
      console.log(`  run folder: ${(bytes / 1e6).toFixed(1)} MB`);
      if (n === 1_000_000) {
        const main = new URL("../../main.ts", import.meta.url).pathname;
        const t1 = performance.now();
        const analyze = await new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", main, "sim", "analyze", out],
          stdout: "piped",
          stderr: "piped",
        }).output();
        const text = new TextDecoder().decode(analyze.stdout);
        console.log(
          `  hive sim analyze: exit ${analyze.code} in ${
            ((performance.now() - t1) / 1000).toFixed(1)
          } s\n${
            text.split("\n").filter((l) => /propagation|orphan|blocks mined/.test(l)).join("\n")
          }`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** SimBlock's default Bitcoin settings at 10,000 nodes, 100 blocks: mean 50 % / 90 % times. */
function _simblock(): void {
  const n = 10_000;
  const blocks = 100;
  // SimBlock's interval is 600 s: leave room for every block to be mined.
  const model: SimModel = {
    ..._model(n, blocks, Number(Deno.env.get("HIVE_DES_SEED") ?? 3)),
    stopTimeS: blocks * 600 * 3,
    des: { preset: "simblock" },
  };
  const t0 = performance.now();
  const sim = new DesSimulation(
    model,
    parseDesOptions({ receiptEvents: false, maxBlocks: blocks }),
    { event() {} },
  );
  while (sim.step(1_000_000));
  const s = sim.finish();
  const p = sim.propagation();
  const mean = (k: "t50_s" | "t90_s") => {
    const xs = p.map((r) => r[k]).filter((x): x is number => x !== null);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  console.log(
    `simblock preset, ${n} nodes x ${s.blocks_mined} blocks: mean time to 50 % ${
      mean("t50_s").toFixed(3)
    } s, to 90 % ${mean("t90_s").toFixed(3)} s (SimBlock reports about 1.2 s and 2.3 s); ` +
      `orphans ${s.orphaned_blocks}; ${((performance.now() - t0) / 1000).toFixed(1)} s wall`,
  );
}

const _mode = Deno.env.get("HIVE_DES_SCALE");
if (_mode === "full" || _mode === "full100k") {
  await _full(_mode === "full" ? [[100_000, 1000], [1_000_000, 100]] : [[100_000, 1000]]);
} else if (_mode === "simblock") {
  _simblock();
} else {
  // Peak RSS per node at 100k first, while the process holds nothing else.
  const rss0 = _rssMb("VmRSS");
  const sim = new DesSimulation(
    _model(100_000, 20, 2),
    parseDesOptions({ receiptEvents: false, maxBlocks: 20 }),
    { event() {} },
  );
  while (sim.step(1_000_000));
  console.log(
    `100k nodes: RSS ${_rssMb("VmRSS").toFixed(0)} MB after 20 blocks, peak ${
      _rssMb("VmHWM").toFixed(0)
    } MB; ${((_rssMb("VmRSS") - rss0) * 1024 * 1024 / 100_000).toFixed(0)} B/node`,
  );
  const rows: _Point[] = [];
  for (const n of [10_000, 100_000, 1_000_000]) rows.push(_costPoint(n));
  for (const r of rows) {
    console.log(
      `${r.n} nodes x ${r.blocks} blocks: ${r.events} events, engine ${
        Math.round(r.events / r.engineS)
      } events/s (${(r.engineS / r.events * 1e9).toFixed(0)} ns/event), bare queue ${
        Math.round(r.events / r.queueS)
      } events/s; engine/queue ${(r.engineS / r.queueS).toFixed(2)}x; the engine's queue alone ${
        (r.ringS / r.events * 1e9).toFixed(0)
      } ns/event against the heap's ${(r.queueS / r.events * 1e9).toFixed(0)}`,
    );
  }
  const per = (r: _Point) => r.engineS / r.events;
  console.log(
    `cost per event 1M/10k: ${(per(rows[2]) / per(rows[0])).toFixed(2)}x engine, ` +
      `${((rows[2].queueS / rows[2].events) / (rows[0].queueS / rows[0].events)).toFixed(2)}x ` +
      `bare queue; 100k/10k: ${(per(rows[1]) / per(rows[0])).toFixed(2)}x`,
  );
}

Deno.bench({
  name: "des fluffy: 10,000 nodes x 5 blocks",
  group: "sim-des-scale",
  n: 3,
  warmup: 1,
  fn: () => {
    const sim = new DesSimulation(
      _model(10_000, 5),
      parseDesOptions({ receiptEvents: false, maxBlocks: 5 }),
      { event() {} },
    );
    while (sim.step(1_000_000));
  },
});

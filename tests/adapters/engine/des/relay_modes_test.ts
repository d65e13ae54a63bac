import { deepEqual, equal, notDeepEqual, ok } from "@std/assert";
import { type DesRunOutput, simulateDes } from "../../../../adapters/engine/des/engine.ts";
import type { DesOptionsInput } from "../../../../adapters/engine/des/options.ts";
import type { SimModel } from "../../../../adapters/engine/types.ts";
import { desModel, type DesModelOptions } from "./_fixtures.ts";

function _run(
  des: Record<string, unknown> | undefined,
  o: Partial<DesModelOptions> = {},
  options: DesOptionsInput = {},
): DesRunOutput {
  const model: SimModel = {
    ...desModel({ nodes: 200, miners: 10, topology: "random", degree: 3, stopTimeS: 3600, ...o }),
    ...(des ? { des } : {}),
  };
  return simulateDes({
    model,
    options: { receiptEvents: false, ...options },
    sink: { event() {} },
  });
}

function _meanT50(out: DesRunOutput): number {
  const xs = out.propagation.map((p) => p.t50_s).filter((t): t is number => t !== null);
  ok(xs.length > 5, `blocks measured: ${xs.length}`);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

Deno.test("relay: fluffy blocks beat whole-block push on slow links", () => {
  const slow = { bandwidthBps: 2_000_000 };
  const push = _meanT50(_run({ relay: "push" }, slow, { blockSizeBytes: 300_000 }));
  const fluffy = _meanT50(_run({ relay: "fluffy" }, slow, { blockSizeBytes: 300_000 }));
  // 300 kB at 2 Mbit/s is 1.2 s per hop; a fluffy block without txs is 2 kB.
  ok(fluffy < push / 3, `fluffy ${fluffy} s vs push ${push} s`);
  // Without a des section the run is the push model exactly.
  deepEqual(_run(undefined).propagation, _run({ relay: "push" }).propagation);
});

Deno.test("relay: fluffy receivers missing txs pay a request round trip", () => {
  const users = { indices: Array.from({ length: 20 }, (_, i) => 100 + i), intervalMeanS: 30 };
  const o = { users, latencyMs: 300, stopTimeS: 1800, nodes: 120 };
  // Txs that spread long before the next block are in every pool: no requests.
  const known = _meanT50(_run({ relay: "fluffy" }, o, { fluffDelayMeanS: 0.5 }));
  // Txs that spread slowly are missing at many receivers: each such hop adds a round trip.
  const missing = _meanT50(_run({ relay: "fluffy" }, o, { fluffDelayMeanS: 400 }));
  ok(missing > known + 0.3, `missing txs ${missing} s vs known ${known} s`);
});

Deno.test("relay: per-message latency from the region matrix, deterministic for a seed", () => {
  const des = {
    relay: "fluffy",
    latency: { default: { lognormal: { median: 100, sigma: 0.6 } } },
    peers: { outbound: 6, inbound: 20 },
  };
  const a = _run(des);
  deepEqual(a.propagation, _run(des).propagation);
  notDeepEqual(a.propagation, _run(des, { seed: 2 }).propagation);
  const slow = _meanT50(_run({ ...des, latency: { default: { fixed: 1000 } } }));
  ok(slow > 2 * _meanT50(a), "latency drives propagation");
  equal(a.summary.edges, 200 * 6, "peers built in the engine: outbound x nodes links");
});

Deno.test("mining: shares from a list", () => {
  const out = _run(
    { mining: { shares: [70, 10, 10, 10] } },
    { stopTimeS: 120 * 400, nodes: 30, degree: 2 },
  );
  const byMiner = new Map<string, number>();
  for (const p of out.propagation) byMiner.set(p.miner, (byMiner.get(p.miner) ?? 0) + 1);
  const total = out.propagation.length;
  const top = (byMiner.get("n00000") ?? 0) / total;
  ok(Math.abs(top - 0.7) < 0.08, `first miner's share ${top} of ${total} blocks`);
  equal(byMiner.size, 4, "nodes past the list do not mine");
});

Deno.test("simblock preset: six regions, every node mines, compact blocks help", () => {
  const o = { nodes: 300, miners: 1, stopTimeS: 600 * 30 };
  const out = _run({ preset: "simblock" }, o);
  const t50 = _meanT50(out);
  ok(t50 > 0.2 && t50 < 5, `t50 ${t50} s`);
  const miners = new Set(out.propagation.map((p) => p.miner));
  ok(miners.size > 15, `blocks from many nodes: ${miners.size}`);
  const noCompact = _meanT50(_run({ preset: "simblock", compact: { usage: 0 } }, o));
  ok(noCompact > t50 * 1.5, `without compact blocks ${noCompact} s vs ${t50} s`);
});

Deno.test("mining: weights drawn from a distribution, every node mining", () => {
  const o = { stopTimeS: 120 * 400, nodes: 30, degree: 2, miners: 1 };
  const spread = _run({
    mining: { nodes: "all", distribution: { lognormal: { median: 1, sigma: 2 } } },
  }, o);
  const flat = _run({ mining: { nodes: "all", distribution: 5 } }, o);
  const top = (out: DesRunOutput) => {
    const by = new Map<string, number>();
    for (const p of out.propagation) by.set(p.miner, (by.get(p.miner) ?? 0) + 1);
    return { miners: by.size, top: Math.max(...by.values()) / out.propagation.length };
  };
  const s = top(spread);
  const f = top(flat);
  ok(f.miners >= 28 && f.top < 0.1, `equal weights: ${JSON.stringify(f)}`);
  ok(s.top > 0.2, `log-normal weights concentrate power: ${JSON.stringify(s)}`);
});

Deno.test("relay: a sender's uplink sends one message at a time (per-message latency)", () => {
  // 100 kB at 10 Mbit/s is 80 ms per send and the latency 10 ms: with ~16 peers per node a
  // hop's last peer waits over a second for the sender's uplink: half the nodes have a block
  // after 1.03 s on average here, 0.38 s if sends did not wait for each other.
  const des = { relay: "push", latency: { default: { fixed: 10 } }, peers: { outbound: 8 } };
  const slow = { bandwidthBps: 10_000_000, nodes: 200 };
  const t50 = _meanT50(_run(des, slow, { blockSizeBytes: 100_000 }));
  ok(t50 > 0.5, `mean time to half the nodes ${t50} s`);
  // The same through the general loop (unequal rates are not the common case).
  const base = { miners: 10, topology: "random", degree: 3, stopTimeS: 3600 } as const;
  const unequal = { ...desModel({ ...base, ...slow }), des };
  unequal.hosts[199] = { ...unequal.hosts[199], bandwidthDownBps: 20_000_000 };
  const general = simulateDes({
    model: unequal,
    options: { receiptEvents: false, blockSizeBytes: 100_000 },
    sink: { event() {} },
  });
  // A faster download changes no send (each takes min(up, down)): both loops agree exactly.
  equal(_meanT50(general), t50, "the general loop gives the same times");
});

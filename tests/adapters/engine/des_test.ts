import { deepEqual, equal, notDeepEqual, ok, rejects, throws } from "@std/assert";
import { DesEngine, simulateDes } from "../../../adapters/engine/des/engine.ts";
import { DesQueue } from "../../../adapters/engine/des/queue.ts";
import { DesRandom } from "../../../adapters/engine/des/random.ts";
import { ConfigError } from "../../../core/errors.ts";
import { createLogger } from "../../../core/logger.ts";
import type { RunEvent } from "../../../adapters/engine/types.ts";
import { desModel, hostName } from "./des_fixtures.ts";

const _logger = createLogger({ level: "error", sinks: [] });

function _collect(): { events: RunEvent[]; sink: { event(e: RunEvent): void } } {
  const events: RunEvent[] = [];
  return { events, sink: { event: (e) => events.push(e) } };
}

function _binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Attacker success probability after Rosenfeld (2014): the attacker's blocks m by the time the
 * honest chain has found z blocks (payment block included) are negative-binomial,
 * C(m+z-1, m) p^z q^m; from a deficit d the attacker ever gets strictly ahead with probability
 * (q/p)^d (gambler's ruin). The engine's fork choice needs a strictly longer chain (no
 * pre-mined block), so the deficit at the z-th honest block is z - m + 1:
 * r = 1 - sum_{m=0..z} C(m+z-1, m) p^z q^m (1 - (q/p)^(z-m+1)).
 */
function _rosenfeldStrict(q: number, z: number): number {
  const p = 1 - q;
  let s = 0;
  for (let m = 0; m <= z; m++) {
    s += _binom(m + z - 1, m) * p ** z * q ** m * (1 - (q / p) ** (z - m + 1));
  }
  return 1 - s;
}

Deno.test("queue pops in time order, ties in insertion order, and grows", () => {
  const q = new DesQueue(16);
  const rng = new DesRandom(3);
  const times: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = Math.floor(rng.next() * 100);
    times.push(t);
    q.push(t, 1, i, 0, 0);
  }
  let lastT = -1;
  let lastNode = -1;
  let count = 0;
  while (q.pop()) {
    const { time, node } = q.current;
    ok(time >= lastT);
    if (time === lastT) ok(node > lastNode, "ties keep insertion order");
    lastT = time;
    lastNode = node;
    count++;
  }
  equal(count, 5000);
  equal(q.size, 0);
});

Deno.test("random: same seed same stream, exponential mean about right", () => {
  const a = new DesRandom(42);
  const b = new DesRandom(42);
  const c = new DesRandom(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
  let sum = 0;
  for (let i = 0; i < 20000; i++) sum += a.exponential(120);
  const mean = sum / 20000;
  ok(Math.abs(mean - 120) < 120 * 0.04, `mean ${mean}`);
});

Deno.test("double-spend success over seeded trials matches Rosenfeld's negative-binomial formula", () => {
  const trials = 1000;
  const lines: string[] = [];
  for (const q of [0.1, 0.3]) {
    for (let z = 1; z <= 6; z++) {
      let wins = 0;
      for (let s = 0; s < trials; s++) {
        // Reduced model: one honest miner (the victim) and the attacker, zero latency, so the
        // race is exactly the one the formula describes; it runs the engine's full code path.
        const model = desModel({
          nodes: 2,
          miners: 1,
          topology: "ring",
          latencyMs: 0,
          bandwidthBps: 1e12,
          seed: s * 7919 + z * 31 + q * 1000,
          stopTimeS: 1e7,
          kinds: { 1: "attacker" },
          attacks: [{
            kind: "double_spend",
            attacker: hostName(1),
            victim: hostName(0),
            q,
            confirmations: z,
            startS: 0,
          }],
        });
        const out = simulateDes({
          model,
          options: {
            validationDelayS: 0,
            blockSizeBytes: 1,
            stopWhenAttacksResolved: true,
            receiptEvents: false,
            // A deficit of 15 is hopeless ((3/7)^15 < 1e-5), and samples are not needed here.
            doubleSpendGiveUp: 15,
            sampleIntervalS: 1e9,
          },
          sink: { event() {} },
        });
        const outcome = out.summary.attacks[0] as { success: boolean; reason: string };
        ok(outcome.reason !== "not_resolved", "every race resolves");
        if (outcome.success) wins++;
      }
      const r = _rosenfeldStrict(q, z);
      const expected = trials * r;
      const sd = Math.sqrt(trials * r * (1 - r));
      lines.push(`q=${q} z=${z}: ${wins}/${trials} vs ${expected.toFixed(1)}`);
      ok(
        Math.abs(wins - expected) <= 4 * sd + 3,
        `q=${q} z=${z}: ${wins} wins, expected ${expected.toFixed(1)} ± ${(4 * sd + 3).toFixed(1)}`,
      );
    }
  }
  // The formula itself: known values (q=0.1: 0.0311 at z=1; success falls with z).
  ok(Math.abs(_rosenfeldStrict(0.1, 1) - 0.0311) < 1e-3, lines.join("\n"));
  ok(_rosenfeldStrict(0.3, 6) < _rosenfeldStrict(0.3, 1));
});

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

Deno.test("same seed gives byte-identical events; another seed differs", async () => {
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir(), await Deno.makeTempDir()];
  try {
    const texts: string[] = [];
    for (const [k, dir] of dirs.entries()) {
      const model = desModel({
        nodes: 25,
        miners: 6,
        topology: "random",
        seed: k === 2 ? 8 : 7,
        stopTimeS: 3600,
        users: { indices: [20, 21, 22], intervalMeanS: 200 },
      });
      await new DesEngine().run({ model, outDir: dir, logger: _logger });
      texts.push(await Deno.readTextFile(`${dir}/events.ndjson`));
    }
    ok(texts[0].length > 1000);
    equal(texts[0], texts[1]);
    ok(texts[0] !== texts[2]);
  } finally {
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("engine writes the run folder, reports progress and honours the abort signal", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = desModel({ nodes: 300, miners: 30, topology: "random", stopTimeS: 120 * 2000 });
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await new DesEngine({ receiptEvents: false }).run({
      model,
      outDir: dir,
      logger: _logger,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.done);
        equal(p.unit, "sim seconds");
        if (p.done > 0) controller.abort();
      },
    });
    ok(seen.length > 0);
    equal(result.engine, "des");
    equal(result.interrupted, true, "a 2000-block run outlasts the first progress report");
    ok(result.simulatedS < model.stopTimeS);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    equal(summary.interrupted, result.interrupted);
    equal(summary.nodes, 300);
    const events = (await Deno.readTextFile(`${dir}/events.ndjson`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    ok(events.every((e) => e.event !== "block"), "receipts off: no per-node block events");
    const prop = (await Deno.readTextFile(`${dir}/propagation.ndjson`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    equal(prop.length, summary.blocks_mined);
    ok(prop.some((p) => p.t100_s !== null && p.t100_s > 0));
    const conv = await Deno.readTextFile(`${dir}/convergence.ndjson`);
    ok(conv.includes("max_height"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("receiptEvents auto: on for small runs, off when nodes x blocks is huge", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const small = desModel({ nodes: 10, miners: 2, topology: "ring", stopTimeS: 1200 });
    const big = desModel({ nodes: 2001, miners: 2, topology: "ring", stopTimeS: 120 * 1000 });
    const r1 = await new DesEngine().run({ model: small, outDir: `${dir}/a`, logger: _logger });
    equal(r1.summary.receipt_events, true);
    // maxBlocks caps the expected volume, so the same big network gets receipts again.
    const r2 = await new DesEngine({ maxBlocks: 3 }).run({
      model: big,
      outDir: `${dir}/b`,
      logger: _logger,
    });
    equal(r2.summary.receipt_events, true);
    equal(r2.summary.blocks_mined, 3);
    const r3 = await new DesEngine({ maxBlocks: 1000, sampleIntervalS: 1e6 }).run({
      model: { ...big, stopTimeS: 1 },
      outDir: `${dir}/c`,
      logger: _logger,
    });
    equal(r3.summary.receipt_events, true, "only 1 s simulated: few blocks expected");
    const r4 = await new DesEngine().run({
      model: {
        ...big,
        stopTimeS: 120 * 1000,
        hosts: big.hosts.map((h) => ({ ...h, hashrate: 0 })),
      },
      outDir: `${dir}/d`,
      logger: _logger,
    });
    equal(r4.summary.receipt_events, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every block reaches every node; fork choice keeps one tip", () => {
  const { events, sink } = _collect();
  const model = desModel({ nodes: 30, miners: 5, topology: "ring", seed: 5, stopTimeS: 7200 });
  const out = simulateDes({ model, sink });
  const mined = events.filter((e) => e.event === "mined");
  equal(mined.length, out.summary.blocks_mined);
  ok(mined.length > 20);
  for (const m of mined) {
    const got = new Set(
      events.filter((e) => e.event === "block" && e.hash === (m as { hash: string }).hash)
        .map((e) => e.host),
    );
    got.add(m.host);
    equal(got.size, 30);
  }
  const last = out.samples[out.samples.length - 1];
  ok(last.min_height >= last.max_height - 1);
});

Deno.test("Dandelion++: transactions stem, fluff to every node and confirm", () => {
  const { events, sink } = _collect();
  const model = desModel({
    nodes: 30,
    miners: 5,
    topology: "random",
    seed: 9,
    stopTimeS: 7200,
    users: { indices: [25, 26, 27, 28, 29], intervalMeanS: 300 },
  });
  const out = simulateDes({ model, sink });
  const sent = events.filter((e) => e.event === "tx_sent") as Extract<
    RunEvent,
    { event: "tx_sent" }
  >[];
  ok(sent.length > 5);
  let fluffedElsewhere = 0;
  for (const s of sent) {
    const seen = events.filter((e) => e.event === "tx_seen" && e.txid === s.txid);
    if (seen.length === 0) continue;
    if (seen[0].host !== s.host) fluffedElsewhere++;
    ok(seen[0].ts >= s.ts);
  }
  ok(fluffedElsewhere > 0, "the stem carries txs away from their sender before fluff");
  ok(out.summary.txs_confirmed > 0);
  const confirmed = events.filter((e) => e.event === "tx_confirmed");
  for (const c of confirmed) {
    const s = sent.find((x) => x.txid === (c as { txid: string }).txid)!;
    equal(c.host, s.host);
    ok(c.ts > s.ts);
  }
});

Deno.test("partition: both sides mine apart, then the fork resolves after healing", () => {
  const { events, sink } = _collect();
  const n = 20;
  const a = Array.from({ length: 10 }, (_, i) => hostName(i));
  const b = Array.from({ length: 10 }, (_, i) => hostName(i + 10));
  const model = desModel({
    nodes: n,
    miners: n,
    topology: "random",
    degree: 2,
    seed: 4,
    stopTimeS: 4 * 3600,
    attacks: [{ kind: "partition", groupA: a, groupB: b, startS: 600, endS: 3 * 3600 }],
  });
  const out = simulateDes({ model, sink });
  const outcome = out.summary.attacks[0] as Record<string, number | boolean>;
  ok((outcome.blocks_a as number) > 0 && (outcome.blocks_b as number) > 0);
  ok((outcome.fork_length as number) >= 1, JSON.stringify(outcome));
  equal(outcome.converged, true);
  ok(events.some((e) => e.event === "reorg" && e.depth === outcome.fork_length));
  ok(events.some((e) => e.event === "attack" && e.attack === "partition"));
});

Deno.test("eclipse: withholding keeps the victim behind, delaying a little less so", () => {
  const outcomes: Record<string, number | boolean>[] = [];
  for (const behaviour of [{ kind: "withhold" as const }, { kind: "delay" as const, delayS: 30 }]) {
    const model = desModel({
      nodes: 20,
      miners: 10,
      topology: "random",
      seed: 3,
      stopTimeS: 3 * 3600,
      kinds: { 18: "attacker", 19: "attacker" },
      hashrate: { 18: 0, 19: 0 },
      attacks: [{
        kind: "eclipse",
        victim: hostName(15),
        attackers: [hostName(18), hostName(19)],
        behaviour,
        startS: 60,
      }],
    });
    model.edges.push(
      { a: hostName(15), b: hostName(18), latencyMs: 50, packetLoss: 0 },
      { a: hostName(15), b: hostName(19), latencyMs: 50, packetLoss: 0 },
    );
    const out = simulateDes({ model, sink: { event() {} } });
    outcomes.push(out.summary.attacks[0] as Record<string, number | boolean>);
  }
  const [withhold, delay] = outcomes;
  equal(withhold.success, true);
  ok((withhold.final_lag_blocks as number) > 10, JSON.stringify(withhold));
  ok((withhold.relays_withheld as number) > 0);
  ok((delay.max_lag_blocks as number) >= 1);
  ok((delay.mean_lag_blocks as number) < (withhold.mean_lag_blocks as number));
  equal(delay.final_lag_blocks as number <= 1, true);
});

Deno.test("sybil: slots held, isolated nodes and first-spy guesses are reported", () => {
  const n = 30;
  const sybils = [24, 25, 26, 27, 28, 29];
  const kinds: Record<number, "attacker"> = {};
  for (const s of sybils) kinds[s] = "attacker";
  const model = desModel({
    nodes: n,
    miners: 5,
    topology: "random",
    seed: 21,
    stopTimeS: 2 * 3600,
    kinds,
    users: { indices: [10, 11, 12, 13], intervalMeanS: 120 },
    attacks: [{ kind: "sybil", attackers: sybils.map(hostName), subnet: "10.0.0.0/24" }],
  });
  // Node 20 gets only sybil peers.
  model.edges = model.edges.filter((e) => e.a !== hostName(20) && e.b !== hostName(20));
  for (const s of sybils) {
    model.edges.push({ a: hostName(20), b: hostName(s), latencyMs: 20, packetLoss: 0 });
  }
  const { events, sink } = _collect();
  const out = simulateDes({ model, sink });
  const o = out.summary.attacks[0] as Record<string, number | boolean>;
  equal(o.attackers, 6);
  equal(o.attackers_in_subnet, 6);
  equal(o.isolated_nodes, 1);
  equal(o.success, true);
  ok((o.sybil_slot_share as number) > 0);
  ok((o.txs_spied as number) > 0);
  ok((o.first_spy_correct as number) <= (o.txs_spied as number));
  // Sybils swallow stem txs; the sender's embargo timer still gets every tx published.
  const seen = new Set(events.filter((e) => e.event === "tx_seen").map((e) => e.txid));
  const sent = events.filter((e) => e.event === "tx_sent" && e.ts < model.stopTimeS - 600);
  ok(sent.length > 10);
  for (const s of sent) {
    ok(seen.has((s as { txid: string }).txid), `tx ${JSON.stringify(s)} never published`);
  }
});

Deno.test("bad options and models fail with the field and the value", () => {
  throws(() => new DesEngine({ blockSizeBytes: -5 }), (e: Error) => {
    ok(e instanceof ConfigError);
    ok(e.message.includes("blockSizeBytes") && e.message.includes("-5"), e.message);
    return true;
  });
  throws(() => new DesEngine({ bogus: 1 } as never), /unknown field bogus/);
  const model = desModel({ nodes: 3, miners: 1, topology: "ring", stopTimeS: 60 });
  model.edges.push({ a: hostName(0), b: "ghost", latencyMs: 1, packetLoss: 0 });
  throws(() => simulateDes({ model, sink: { event() {} } }), /edges\[3\]: unknown host "ghost"/);
  const m2 = desModel({ nodes: 3, miners: 1, topology: "ring", stopTimeS: 60 });
  m2.attacks.push({
    kind: "eclipse",
    victim: "nobody",
    attackers: [],
    behaviour: { kind: "withhold" },
    startS: 0,
  });
  throws(
    () => simulateDes({ model: m2, sink: { event() {} } }),
    /attacks\[0\]\.victim: unknown host "nobody"/,
  );
});

Deno.test("engine run: unwritable folder rejects; a bad model writes nothing", async () => {
  const file = await Deno.makeTempFile();
  const dir = await Deno.makeTempDir();
  try {
    const model = desModel({ nodes: 3, miners: 1, topology: "ring", stopTimeS: 60 });
    await rejects(() => new DesEngine().run({ model, outDir: `${file}/x`, logger: _logger }));
    model.edges.push({ a: hostName(0), b: "ghost", latencyMs: 1, packetLoss: 0 });
    await rejects(
      () => new DesEngine().run({ model, outDir: `${dir}/out`, logger: _logger }),
      ConfigError,
    );
    await rejects(() => Deno.stat(`${dir}/out`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(file);
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The DES's exact outputs for fixed seeds: SHA-256 of the summary, the per-block propagation
 * records and the convergence samples of runs that cover each relay path (the common-case loop
 * and the general one: transactions, lossy links, unequal rates, attacks, SimBlock's relay).
 * Speed work must leave them byte for byte; a change of the model changes them on purpose,
 * and the digests here are then replaced (print them with `HIVE_DES_GOLDEN_PRINT=1`).
 */
import { equal } from "@std/assert";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import type { SimModel } from "../../../../adapters/engine/types.ts";
import { desModel, type DesModelOptions } from "./_fixtures.ts";

const MATRIX = {
  default: { lognormal: { median: 40, sigma: 0.5 } },
};

function _model(o: Partial<DesModelOptions>, des?: Record<string, unknown>): SimModel {
  const model = desModel({
    nodes: 1500,
    miners: 15,
    topology: "random",
    degree: 3,
    ...o,
    stopTimeS: o.stopTimeS ?? 3600,
  });
  return des ? { ...model, des } : model;
}

const CASES: Record<string, () => SimModel> = {
  // Per-message latency, engine-built peers, no txs: the common-case relay loop.
  fluffy_common: () =>
    _model({ seed: 3 }, { relay: "fluffy", latency: MATRIX, peers: { outbound: 8, inbound: 32 } }),
  // Transactions (missing-tx round trips), Dandelion++: the general loop.
  fluffy_txs: () =>
    _model(
      { seed: 4, users: { indices: [100, 200, 300, 400], intervalMeanS: 20 } },
      { relay: "fluffy", latency: MATRIX, peers: { outbound: 8, inbound: 32 } },
    ),
  // Whole blocks over the scenario's own links (fixed latencies), one host with another rate.
  push_links: () => {
    const m = _model({ seed: 5, bandwidthBps: 20_000_000 });
    m.hosts[7] = { ...m.hosts[7], bandwidthDownBps: 5_000_000 };
    m.edges = m.edges.map((e, i) => i % 9 === 0 ? { ...e, packetLoss: 0.02 } : e);
    return m;
  },
  // A partition cut and healed, then a double spend by a 40 % attacker.
  attacks: () =>
    _model({
      seed: 6,
      nodes: 600,
      kinds: { 1: "attacker" },
      hashrate: { 1: 40 },
      stopTimeS: 7200,
      attacks: [
        {
          kind: "partition",
          groupA: ["n00002", "n00003"],
          groupB: ["n00004", "n00005"],
          startS: 300,
          endS: 1500,
        },
        {
          kind: "double_spend",
          attacker: "n00001",
          victim: "n00009",
          q: 0.4,
          confirmations: 2,
          startS: 1800,
        },
      ],
    }),
  // SimBlock's inv/getdata/compact relay and its six regions.
  simblock: () => _model({ seed: 7, nodes: 800, stopTimeS: 600 * 12 }, { preset: "simblock" }),
};

const GOLDEN: Record<string, string> = {
  fluffy_common: "d269cb37ca7db412fb1a7cf0",
  fluffy_txs: "65aa15f311f086e03462997b",
  push_links: "6568e4213fbb6102d2f2ef96",
  attacks: "b0ccb79358e9781446a19af1",
  simblock: "30f23891437c392c9854a673",
};

async function _digest(model: SimModel): Promise<string> {
  const out = simulateDes({ model, options: { receiptEvents: false }, sink: { event() {} } });
  const bytes = new TextEncoder().encode(JSON.stringify(out));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(hash.slice(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}

for (const [name, build] of Object.entries(CASES)) {
  Deno.test(`des golden: ${name} gives the recorded outputs`, async () => {
    const digest = await _digest(build());
    if (Deno.env.get("HIVE_DES_GOLDEN_PRINT")) console.log(`  ${name}: "${digest}",`);
    equal(digest, GOLDEN[name], `${name}: outputs changed`);
  });
}

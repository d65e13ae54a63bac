/**
 * Transactions across reorgs in the DES: a tx whose confirming block leaves its sender's chain
 * is unconfirmed again, and confirmed anew (a new `tx_confirmed` naming the new block) when it
 * is mined back into that chain, so the latest `tx_confirmed` of each tx names a live block.
 *
 * @module
 */
import { deepEqual, equal, ok } from "@std/assert";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import { DesSimulation } from "../../../../adapters/engine/des/sim.ts";
import { parseDesOptions } from "../../../../adapters/engine/des/options.ts";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import { CheckRunner } from "../../../../commands/sim/checks/runner.ts";
import { desModel } from "./_fixtures.ts";

type _Confirmed = Extract<RunEvent, { event: "tx_confirmed" }>;

/** An honest network with many orphans: 20 s blocks over 1.5 s links, 5 miners, 4 users. */
function _model(seed: number) {
  return desModel({
    nodes: 20,
    miners: 5,
    topology: "random",
    degree: 1,
    latencyMs: 1500,
    seed,
    stopTimeS: 7200,
    users: { indices: [16, 17, 18, 19], intervalMeanS: 60 },
  });
}

function _run(seed: number) {
  const events: RunEvent[] = [];
  const model = _model(seed);
  const out = simulateDes({
    model,
    options: { blockIntervalS: 20, receiptEvents: true },
    sink: { event: (e) => events.push(e) },
  });
  return { model, events, out };
}

Deno.test("des tx: confirmation follows the sender's chain through reorgs", () => {
  const { model, events, out } = _run(64);
  const parents = new Map<string, string>();
  for (const e of events) if (e.event === "mined") parents.set(e.hash, e.parent);
  // The run ends converged: one tip, every node on it.
  const last = out.samples[out.samples.length - 1];
  equal(last.tips, 1);
  equal(last.min_height, last.max_height);
  const tip = events.filter((e) => e.event === "mined" && e.height === last.max_height);
  const chain = new Set<string>();
  for (const t of tip) {
    if (t.event !== "mined") continue;
    const held = events.some((e) => e.event === "block" && e.hash === t.hash);
    if (!held) continue;
    for (let h: string | undefined = t.hash; h !== undefined; h = parents.get(h)) chain.add(h);
  }
  const latest = new Map<string, _Confirmed>();
  const times = new Map<string, number>();
  for (const e of events) {
    if (e.event !== "tx_confirmed") continue;
    latest.set(e.txid, e);
    times.set(e.txid, (times.get(e.txid) ?? 0) + 1);
  }
  const dead = [...latest.values()].filter((c) => !chain.has(c.block!));
  deepEqual(dead.map((c) => c.txid), [], "the latest tx_confirmed of every tx names a live block");
  equal(out.summary.txs_confirmed, latest.size);
  ok(
    [...times.values()].some((n) => n > 1),
    "some tx was confirmed again after a reorg took its block away",
  );
  // Each re-confirmation follows the earlier one, by the same sender.
  const sent = new Map<string, string>();
  for (const e of events) if (e.event === "tx_sent") sent.set(e.txid, e.host);
  for (const e of events) if (e.event === "tx_confirmed") equal(e.host, sent.get(e.txid));

  const verdicts: RunEvent[] = [];
  const runner = new CheckRunner({ tx_in_chain: true }, model.hosts, (e) => verdicts.push(e));
  for (const e of events) runner.observe(e);
  const [outcome] = runner.finish(model.stopTimeS);
  equal(outcome.pass, true, outcome.detail);
});

Deno.test("des tx: same seed, same confirmations", () => {
  const a = _run(7).events.filter((e) => e.event === "tx_confirmed");
  const b = _run(7).events.filter((e) => e.event === "tx_confirmed");
  equal(JSON.stringify(a), JSON.stringify(b));
});

Deno.test("des tx: a tx that reaches a miner after a block of its chain took it is not mined again", () => {
  // Blocks every 20 s over 1.5 s links: blocks often reach a miner before a tx's diffusion does.
  const sim = new DesSimulation(
    _model(64),
    parseDesOptions({ blockIntervalS: 20, receiptEvents: false }),
    { event() {} },
  );
  while (sim.step(1_000_000));
  for (let node = 0; node < 5; node++) {
    const seen = new Map<number, number>();
    let held = 0;
    for (let b = sim.tip[node]; b >= 0; b = sim.bParent[b]) {
      for (const tx of sim.tx.blockTxList(b)) {
        ok(!seen.has(tx), `tx ${tx} in blocks at heights ${seen.get(tx)} and ${sim.bHeight[b]}`);
        seen.set(tx, sim.bHeight[b]);
        held++;
      }
    }
    ok(held > 50, `the chain holds txs: ${held}`);
  }
});

import { equal, ok } from "@std/assert";
import { simulateDes } from "../../../../../adapters/engine/des/engine.ts";
import type { RunEvent } from "../../../../../adapters/engine/types.ts";
import { desModel, hostName } from "../_fixtures.ts";

function _collect(): { events: RunEvent[]; sink: { event(e: RunEvent): void } } {
  const events: RunEvent[] = [];
  return { events, sink: { event: (e) => events.push(e) } };
}

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

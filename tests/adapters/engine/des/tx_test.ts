import { equal, ok } from "@std/assert";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import { desModel } from "./_fixtures.ts";
function _collect(): { events: RunEvent[]; sink: { event(e: RunEvent): void } } {
  const events: RunEvent[] = [];
  return { events, sink: { event: (e) => events.push(e) } };
}

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

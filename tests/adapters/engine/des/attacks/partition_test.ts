import { equal, ok } from "@std/assert";
import { simulateDes } from "../../../../../adapters/engine/des/engine.ts";
import type { RunEvent } from "../../../../../adapters/engine/types.ts";
import { desModel, hostName } from "../_fixtures.ts";

function _collect(): { events: RunEvent[]; sink: { event(e: RunEvent): void } } {
  const events: RunEvent[] = [];
  return { events, sink: { event: (e) => events.push(e) } };
}

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

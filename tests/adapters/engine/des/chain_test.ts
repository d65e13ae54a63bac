import { equal, ok } from "@std/assert";
import { simulateDes } from "../../../../adapters/engine/des/engine.ts";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import { desModel } from "./_fixtures.ts";
function _collect(): { events: RunEvent[]; sink: { event(e: RunEvent): void } } {
  const events: RunEvent[] = [];
  return { events, sink: { event: (e) => events.push(e) } };
}

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

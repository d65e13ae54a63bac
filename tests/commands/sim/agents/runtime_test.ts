/** The agents' shared plumbing: the run clock, the event sink and seeded timing. */
import { deepEqual, equal, ok } from "@std/assert";
import {
  agentRng,
  createEventSink,
  defaultT0,
  exponential,
  RunClock,
  SHADOW_EPOCH_MS,
} from "../../../../commands/sim/agents/runtime.ts";

Deno.test("agents' clock: under Shadow's year-2000 clock, times count from the simulation start", () => {
  equal(defaultT0(SHADOW_EPOCH_MS + 12_000), SHADOW_EPOCH_MS);
  const now = Date.UTC(2026, 0, 1);
  equal(defaultT0(now), now);
  equal(new RunClock(SHADOW_EPOCH_MS).t0Ms, SHADOW_EPOCH_MS);
});

Deno.test("event sink: one file, or one file per host under a folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const one = createEventSink({ path: `${dir}/sub/all.ndjson` });
    one.write({ ts: 1, host: "a", event: "tx_seen", txid: "t" });
    one.write({ ts: 2, host: "b", event: "tx_seen", txid: "t" });
    one.close();
    equal((await Deno.readTextFile(`${dir}/sub/all.ndjson`)).trim().split("\n").length, 2);
    const per = createEventSink({ dir: `${dir}/hosts`, fileName: "monitor.ndjson" });
    per.write({ ts: 1, host: "a", event: "reorg", depth: 1, height: 3 });
    per.write({ ts: 2, host: "b", event: "reorg", depth: 2, height: 4 });
    per.close();
    deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/hosts/b/monitor.ndjson`)), {
      ts: 2,
      host: "b",
      event: "reorg",
      depth: 2,
      height: 4,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("agentRng is fixed by seed and host; exponential has the asked mean", () => {
  equal(agentRng(3, "m1").next(), agentRng(3, "m1").next());
  ok(agentRng(3, "m1").next() !== agentRng(3, "m2").next());
  const rng = agentRng(5, "x");
  let sum = 0;
  for (let i = 0; i < 20_000; i++) sum += exponential(rng, 10);
  ok(Math.abs(sum / 20_000 - 10) < 0.5);
});

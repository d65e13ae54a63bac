/**
 * The local engine's settings: the host limit (free memory at 400 MiB per monerod), the monitor's
 * poll, and a time scale too fast for real monerod.
 */
import { equal, match, ok } from "@std/assert";
import {
  LOCAL_HOST_BYTES,
  localHostsProblem,
  localMaxHosts,
  localMonitorPoll,
  localTimeScaleProblem,
} from "../../../../adapters/engine/local/options.ts";

Deno.test("the host limit is free memory / 400 MiB, at least one", () => {
  equal(LOCAL_HOST_BYTES, 400 * 2 ** 20);
  equal(localMaxHosts(14 * 2 ** 30), 35); // 32 nodes ran fine in 14 GiB
  equal(localMaxHosts(100 * 2 ** 20), 1);
  equal(localMaxHosts(Deno.systemMemoryInfo().available), localMaxHosts());
});

Deno.test("too many hosts says the limit, where it came from and the way out", () => {
  equal(localHostsProblem(32, 32), null);
  match(localHostsProblem(33, 32)!, /at most 32 hosts here \(--max-hosts\); the scenario has 33/);
  const max = localMaxHosts();
  match(localHostsProblem(max + 1)!, /sized from free memory at 400 MiB per monerod; --max-hosts/);
});

Deno.test("the monitor poll: the override, else the shortest monitor interval over the time scale", () => {
  const model = {
    hosts: [{ monitorIntervalS: 60 }, { monitorIntervalS: undefined }, { monitorIntervalS: 30 }],
  };
  equal(localMonitorPoll(model, 1), 30); // the shortest monitor wins
  equal(localMonitorPoll(model, 60), 0.5); // 30 simulated seconds at 60x is half a wall second
  equal(localMonitorPoll(model, 60, 2), 2); // --monitor-interval overrides
  equal(localMonitorPoll({ hosts: [{ monitorIntervalS: undefined }] }, 60), 0.5); // no monitor
  equal(localMonitorPoll({ hosts: [] }, 1, 0), 0.5); // 0 means "derive"
});

Deno.test("time scale: too fast for real monerod is said, with the block interval and run length", () => {
  equal(localTimeScaleProblem(600, 60), null);
  equal(localTimeScaleProblem(3600, 120), null);
  const fast = localTimeScaleProblem(360, 1e9)!;
  ok(fast.startsWith("--time-scale 1000000000: a block every 0.12 µs and a run of 0.36 µs"), fast);
  ok(fast.includes("at most 120"), fast);
  ok(localTimeScaleProblem(600, 240)!.includes("a block every 500 ms"));
  ok(localTimeScaleProblem(300, 60)!.includes("a run of 5 s"), "a block every 2 s, but 5 s long");
});

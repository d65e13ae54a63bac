/**
 * The local engine's phase progress: `start nodes` counts ready nodes and `settle` the seconds
 * of its bound. (`fund wallets`, which follows a real monerod's height, is checked on the real
 * run of tests/e2e/sim_api_local_test.ts, whose miners make the blocks.)
 *
 * @module
 */
import { deepEqual, equal, ok } from "@std/assert";
import {
  LOCAL_PHASES,
  reportNodesReady,
  watchSeconds,
} from "../../../../adapters/engine/local/progress.ts";
import type { EngineProgress } from "../../../../adapters/engine/types.ts";

Deno.test("start nodes: ready nodes of all, under the phase's name", () => {
  const seen: EngineProgress[] = [];
  reportNodesReady({ onProgress: (p) => seen.push(p) }, 1, 3);
  reportNodesReady({}, 2, 3); // no sink: nothing to do, no throw
  deepEqual(seen, [{ done: 1, total: 3, unit: "nodes", phase: "start nodes" }]);
});

Deno.test("settle: seconds of the phase's bound, never past it, nothing once disposed", async () => {
  const seen: EngineProgress[] = [];
  {
    await using _ = watchSeconds({ onProgress: (p) => seen.push(p) }, LOCAL_PHASES.settle, 0.01);
    await new Promise((r) => setTimeout(r, 20));
  }
  const after = seen.length;
  ok(after >= 1);
  deepEqual({ ...seen[0], done: 0 }, { done: 0, total: 0.01, unit: "seconds", phase: "settle" });
  ok(seen.every((p) => p.done >= 0 && p.done <= 0.01));
  await new Promise((r) => setTimeout(r, 600));
  equal(seen.length, after, "no report after disposal");
});

/**
 * `DesSimulation.step` with a wall-clock bound: the engine's loop passes one so that a stop
 * request (Ctrl-C, SIGTERM) is answered even when events are costly (a run with constant
 * forks took 39 s to notice a SIGTERM with 20,000 events per step). The bound must cut a step
 * short without changing what the run computes.
 */
import { equal, ok } from "@std/assert";
import { DesSimulation } from "../../../../adapters/engine/des/sim.ts";
import { parseDesOptions } from "../../../../adapters/engine/des/options.ts";
import { desModel } from "./_fixtures.ts";

function _sim(): DesSimulation {
  const model = desModel({ nodes: 30, miners: 5, topology: "random", seed: 9, stopTimeS: 7200 });
  return new DesSimulation(model, parseDesOptions({}), { event() {} });
}

Deno.test("des step: a passed wall-clock bound ends a step after 1023 events, and the run is unchanged", () => {
  const bounded = _sim();
  const counted = _sim();
  equal(bounded.step(1_000_000, performance.now() - 1), true, "cut short, not over");
  equal(counted.step(1023), true);
  equal(bounded.now, counted.now, "the same 1023 events");
  ok(!bounded.done);
  // Bounded steps all the way give the very same run as unbounded ones.
  while (bounded.step(1_000_000, performance.now() - 1));
  while (counted.step(1_000_000));
  equal(JSON.stringify(bounded.finish()), JSON.stringify(counted.finish()));
});

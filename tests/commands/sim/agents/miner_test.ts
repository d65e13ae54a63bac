/** The miner agent's timing: mean block interval by hashrate share and time scale. */
import { equal } from "@std/assert";
import { minerMeanIntervalS } from "../../../../commands/sim/agents/miner.ts";

Deno.test("miner timing: mean interval scales with hashrate share and time scale", () => {
  equal(minerMeanIntervalS({ hashrate: 100, timeScale: 1 }), 120);
  equal(minerMeanIntervalS({ hashrate: 25, timeScale: 1 }), 480);
  equal(minerMeanIntervalS({ hashrate: 50, timeScale: 60 }), 4);
});

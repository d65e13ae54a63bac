import { equal } from "@std/assert";
import { MINERS, problem, scenario } from "../_scenario.ts";

Deno.test("a disconnected peer graph is a validation error", async () => {
  equal(
    await problem(scenario("{ topology: random_regular(1) }", MINERS)),
    'scenario t: network.topology: peer graph is disconnected: 2 components (host "miner-2" ' +
      'cannot reach "miner-1"), got "random_regular(1)"',
  );
});

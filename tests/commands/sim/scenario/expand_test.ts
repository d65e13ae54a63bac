import { equal } from "@std/assert";
import { ConfigError } from "../../../../core/errors.ts";
import {
  parseScenario,
  type ParseScenarioOptions,
} from "../../../../commands/sim/scenario/load.ts";
import { rejection } from "../../../_helpers.ts";

const FIXTURES = new URL("../../../../fixtures/scenarios/", import.meta.url).pathname;
const OPTS: ParseScenarioOptions = { baseDir: FIXTURES, name: "t" };

/** A small valid scenario with `extra` YAML appended. */
function scenario(network: string, agents: string, extra = ""): string {
  return `general: { stop_time: 1h, seed: 4 }\nnetwork: ${network}\nagents:\n${agents}\n${extra}`;
}

const MINERS = "  miner-{1..4}: { kind: miner, hashrate: 25 }";

async function problem(text: string, options = OPTS): Promise<string> {
  const error = await rejection(parseScenario(text, options), ConfigError);
  equal(error.exitCode, 2);
  return error.message;
}

Deno.test("a disconnected peer graph is a validation error", async () => {
  equal(
    await problem(scenario("{ topology: random_regular(1) }", MINERS)),
    'scenario t: network.topology: peer graph is disconnected: 2 components (host "miner-2" ' +
      'cannot reach "miner-1"), got "random_regular(1)"',
  );
});

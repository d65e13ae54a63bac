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

Deno.test("schema errors name the path and the value", async () => {
  equal(
    await problem(scenario("{ topology: ring }", MINERS).replace("1h", "1 fortnight")),
    'scenario t: general.stop_time: expected a duration like "90s", "30m", "2h", "1d" or ' +
      'seconds, got "1 fortnight"',
  );
  equal(
    await problem(scenario("{ topology: ring }", `${MINERS}\n  wiz: { kind: wizard }`)),
    'scenario t: agents.wiz.kind: expected one of "miner", "user", "observer", "monitor", ' +
      '"attacker", got "wizard"',
  );
  equal(
    await problem(scenario("{ topology: ring, latency: { uniform: [1 ms, soon] } }", MINERS)),
    'scenario t: network.latency.uniform[1]: expected a latency like "50 ms" or milliseconds, ' +
      'got "soon"',
  );
  equal(
    await problem(scenario("{ topology: ring }", MINERS, "attacks:\n  - kind: nuke\n")),
    'scenario t: attacks[0].kind: expected one of "sybil", "eclipse", "partition", ' +
      '"double_spend", got "nuke"',
  );
});

Deno.test("hashrates of miners and attackers must sum to 100", async () => {
  equal(
    await problem(scenario("{ topology: ring }", "  miner-{1..3}: { kind: miner, hashrate: 30 }")),
    "scenario t: agents: hashrates of miners and attackers sum to 90, expected 100",
  );
  equal(
    await problem(scenario("{ topology: ring }", `${MINERS}\n  lazy: { kind: miner }`)),
    "scenario t: agents.lazy.hashrate: a miner needs a hashrate > 0",
  );
});

import { deepEqual, equal } from "@std/assert";
import { ConfigError } from "../../../../core/errors.ts";
import {
  expandRange,
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

async function problem(text: string, options = OPTS): Promise<string> {
  const error = await rejection(parseScenario(text, options), ConfigError);
  equal(error.exitCode, 2);
  return error.message;
}

Deno.test("expandRange pads to the bounds' width and rejects malformed ranges", () => {
  deepEqual(expandRange("miner-{001..003}"), ["miner-001", "miner-002", "miner-003"]);
  deepEqual(expandRange("n{8..10}x"), ["n8x", "n9x", "n10x"]);
  deepEqual(expandRange("solo"), ["solo"]);
  equal(expandRange("miner-{001..0x}"), 'bad range "001..0x"');
  equal(expandRange("m-{5..1}"), 'bad range "5..1": start is after end');
  equal(expandRange("m-{1..2}-{1..2}"), 'bad range in "m-{1..2}-{1..2}": use one {A..B}');
});

Deno.test("a bad range is reported with the agent key", async () => {
  equal(
    await problem(
      scenario("{ topology: ring }", "  miner-{001..0x}: { kind: miner, hashrate: 100 }"),
    ),
    'scenario t: agents.miner-{001..0x}: bad range "001..0x"',
  );
});

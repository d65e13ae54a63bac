import { deepEqual, equal, match } from "@std/assert";
import { expandRange, parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { problem, scenario } from "../_scenario.ts";

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

Deno.test("range members: a hashrate list gives each its own; start_time_stagger spaces them", async () => {
  const { model } = await parseScenario(
    "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
      "  miner-{1..3}: { kind: miner, hashrate: [50, 30, 20], start_time: 10, " +
      "start_time_stagger: 5s }\n" +
      "  user-{1..5}: { kind: user, start_time: 60, start_time_stagger: { every: 30, batch: 2 } }\n",
    { baseDir: ".", name: "t" },
  );
  const of = (name: string) => model.hosts.find((h) => h.name === name)!;
  deepEqual(["miner-1", "miner-2", "miner-3"].map((n) => of(n).hashrate), [50, 30, 20]);
  deepEqual(["miner-1", "miner-2", "miner-3"].map((n) => of(n).startTimeS), [10, 15, 20]);
  deepEqual(
    ["user-1", "user-2", "user-3", "user-4", "user-5"].map((n) => of(n).startTimeS),
    [60, 60, 90, 90, 120],
  );
  equal(
    await problem(
      scenario("{ topology: ring }", "  miner-{1..3}: { kind: miner, hashrate: [50, 50] }"),
    ),
    "scenario t: agents.miner-{1..3}.hashrate: has 2 entries for 3 hosts, got [50,50]",
  );
  // A stagger that pushes the last member past stop_time is named with that member.
  match(
    await problem(
      scenario(
        "{ topology: ring }",
        "  miner-{1..4}: { kind: miner, hashrate: 25, start_time_stagger: 20m }",
      ),
    ),
    /agents\.miner-\{1\.\.4\}\.start_time: host "miner-4": its monerod starts at 3600 s/,
  );
});

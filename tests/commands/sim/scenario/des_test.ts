import { deepEqual, equal, match } from "@std/assert";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { MINERS, OPTS, problem, scenario } from "../_scenario.ts";

const REGIONS = "{ topology: ring, regions: { eu: { weight: 1 }, na: { weight: 1 } } }";

Deno.test("des section: carried into the model as validated", async () => {
  const text = scenario(
    REGIONS,
    MINERS,
    "des:\n  relay: fluffy\n  latency: { default: { pareto: { mean: 100, shape: 3 } } }\n" +
      "  peers: { outbound: 2 }\n",
  );
  const { model } = await parseScenario(text, OPTS);
  equal(model.des?.relay, "fluffy");
  deepEqual(model.des?.peers, { outbound: 2, inbound: 64, hidden: 0 });
  // A scenario without the section has none (the DES then runs as before).
  const plain = await parseScenario(scenario(REGIONS, MINERS), OPTS);
  equal(plain.model.des, undefined);
});

Deno.test("des section: bad values are named with their path and value", async () => {
  const cases: [string, RegExp][] = [
    ["  latency: { default: { gamma: 3 } }", /des\.latency\.default: unknown distribution "gamma"/],
    [
      "  latency: { default: -5 }",
      /des\.latency\.default\.fixed: expected milliseconds >= 0.*got -5/,
    ],
    ["  latency: { default: { normal: { mean: 50, stddev: -1 } } }", /stddev.*got -1/],
    ["  latency: { default: { pareto: { mean: 50, shape: 1 } } }", /shape > 1/],
    ["  relay: gossip", /des\.relay: .*got "gossip"/],
    ["  peers: { outbound: 0 }", /des\.peers\.outbound/],
    [
      "  latency: { matrix: { eu: { eu: 10, na: 80 }, na: { na: 10 } } }",
      /des\.latency\.matrix\.na: missing region pair na -> eu/,
    ],
    [
      "  latency: { matrix: { eu: { eu: 10, na: 80, asia: 5 }, na: { na: 10, eu: 80 } } }",
      /des\.latency\.matrix\.eu: no host is in region "asia"/,
    ],
    ["  mining: { shares: [1, 2, 3, 4, 5] }", /des\.mining\.shares: 5 shares for 4 mining nodes/],
    [
      "  mining: { shares: [1], distribution: 3 }",
      /des\.mining: set shares or distribution, not both/,
    ],
  ];
  for (const [yaml, expected] of cases) {
    match(await problem(scenario(REGIONS, MINERS, `des:\n${yaml}\n`)), expected, yaml);
  }
});

Deno.test("--engine des refuses, by field, the settings the DES does not model", async () => {
  const text = scenario(
    "{ topology: ring, peer_mode: hybrid, dns_server: true, fallback_seeds: [miner-1] }",
    `${MINERS}\n  node-{1..2}: { kind: observer, upgrade: { at: 10m } }\n` +
      "  user-1: { kind: user, interval_mean: 60, interval_kind: fixed, " +
      "tx_send_probability: 0.5, activity_start_time: 10m }\n" +
      "  watch: { kind: observer, behavior: observer }\n  mon: { kind: monitor, zmq: true }",
  );
  // Every engine that runs monerod takes it; the DES names each setting it would ignore.
  await parseScenario(text, OPTS);
  await parseScenario(text, { ...OPTS, engine: "local" });
  const message = await problem(text, { ...OPTS, engine: "des" });
  for (
    const field of [
      /agents\.node-\{1\.\.2\}\.upgrade: the des engine does not model it: DES nodes run no monerod/,
      /agents\.watch\.behavior: the des engine does not model it/,
      /agents\.user-1\.interval_kind: the des engine does not model it/,
      /agents\.user-1\.tx_send_probability: /,
      /agents\.user-1\.activity_start_time: /,
      /network\.dns_server: the des engine does not model it: DES nodes make no DNS lookups/,
      /agents\.mon\.zmq: the des engine does not model it: DES nodes publish no ZMQ/,
      /network\.fallback_seeds: the des engine does not model it/,
    ]
  ) match(message, field);
  // A plain scenario runs in the DES as before.
  await parseScenario(scenario("{ topology: ring }", MINERS), { ...OPTS, engine: "des" });
});

import { deepEqual, equal, match, ok } from "@std/assert";
import { parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { parseDesOptions } from "../../../../adapters/engine/des/options.ts";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";
import { setupNetwork } from "../../../../adapters/engine/des/setup.ts";
import { SIMBLOCK_REGIONS } from "../../../../adapters/engine/des/simblock.ts";
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
      /des\.latency\.matrix\.eu\.asia: unknown region "asia": the scenario declares eu, na$/,
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

Deno.test("des section: a bad field of a distribution is named under its own kind", async () => {
  const cases: [string, RegExp][] = [
    [
      "  latency: { default: { normal: { mean: 60 } } }",
      /des\.latency\.default\.normal\.stddev: expected milliseconds \(stddev\), got nothing/,
    ],
    [
      "  latency: { default: 5, matrix: { eu: { na: { uniform: [5] } } } }",
      /des\.latency\.matrix\.eu\.na\.uniform: expected \[min, max\] \(milliseconds\), got \[5\]/,
    ],
    [
      "  latency: { default: { lognormal: { mean: 80, sigma: 0.5 } } }",
      /des\.latency\.default\.lognormal\.median: .*got nothing/,
    ],
    [
      '  mining: { distribution: { pareto: { mean: 5, shape: "4" } } }',
      /des\.mining\.distribution\.pareto\.shape: expected a number \(shape\), got "4"/,
    ],
    // Mining weights are relative, not milliseconds.
    [
      "  mining: { distribution: { normal: { mean: -1, stddev: 1 } } }",
      /des\.mining\.distribution\.normal\.mean: expected a relative weight >= 0 \(mean\), got -1/,
    ],
  ];
  for (const [yaml, expected] of cases) {
    const message = await problem(scenario(REGIONS, MINERS, `des:\n${yaml}\n`));
    match(message, expected, yaml);
    // Only the kind written is checked: no line about another kind's missing key.
    equal(/\.fixed: /.test(message), false, message);
  }
});

Deno.test("des section: mining power that is 0 on every node is refused before a run", async () => {
  const cases: [string, RegExp][] = [
    ["  mining: { shares: [0, 0, 0, 0] }", /des\.mining\.shares: no mining node gets a share > 0/],
    ["  mining: { nodes: all, shares: [0] }", /des\.mining\.shares: no mining node/],
    [
      "  mining: { distribution: 0 }",
      /des\.mining\.distribution: every draw is 0.*got \{"fixed":0\}/,
    ],
    ["  mining: { distribution: { uniform: [0, 0] } }", /des\.mining\.distribution: every draw/],
    ["  mining: { distribution: { normal: { mean: 0, stddev: 0 } } }", /every draw is 0/],
  ];
  for (const [yaml, expected] of cases) {
    match(await problem(scenario(REGIONS, MINERS, `des:\n${yaml}\n`)), expected, yaml);
  }
  // Some power somewhere is enough; the engine normalises the rest.
  await parseScenario(scenario(REGIONS, MINERS, "des:\n  mining: { shares: [0, 0, 1] }\n"), OPTS);
  await parseScenario(
    scenario(REGIONS, MINERS, "des:\n  mining: { distribution: { uniform: [0, 1] } }\n"),
    OPTS,
  );
});

Deno.test("des section: peers under which no node accepts a connection are refused", async () => {
  const observers = `${MINERS}\n  node-{1..3}: { kind: observer, hidden: true }`;
  const hiddenMiners = "  miner-{1..4}: { kind: miner, hashrate: 25, hidden: true }";
  const cases: [string, string, RegExp][] = [
    [MINERS, "  peers: { inbound: 0 }", /des\.peers\.inbound: .*no peer link forms, got 0/],
    [MINERS, "  peers: { hidden: 1 }", /des\.peers\.hidden: every node is hidden.*got 1/],
    [
      `${hiddenMiners}\n  node-{1..3}: { kind: observer, hidden: true }`,
      "  peers: {}",
      /des\.peers: every host \(7\) is hidden \(hidden: true or --hide-my-port\)/,
    ],
    [
      `${hiddenMiners}\n  node-{1..3}: { kind: observer, hidden: true }`,
      "  preset: simblock",
      /des\.preset: every host \(7\) is hidden/,
    ],
  ];
  for (const [agents, yaml, expected] of cases) {
    match(await problem(scenario(REGIONS, agents, `des:\n${yaml}\n`)), expected, yaml);
  }
  // One node that takes inbound is enough to link them all; a single host needs no links.
  await parseScenario(scenario(REGIONS, observers, "des:\n  peers: { inbound: 8 }\n"), OPTS);
  await parseScenario(
    scenario(REGIONS, "  m: { kind: miner, hashrate: 100 }", "des:\n  peers: { inbound: 0 }\n"),
    OPTS,
  );
});

Deno.test("des section: under the simblock preset a matrix is checked against SimBlock's regions", async () => {
  const agents =
    "  miner-{1..4}: { kind: miner, hashrate: 25 }\n  node-{01..40}: { kind: observer }";
  // The scenario's own regions do not apply: the preset places nodes in SimBlock's six.
  const own = await problem(
    scenario(
      REGIONS,
      agents,
      "des:\n  preset: simblock\n  latency: { matrix: { eu: { eu: 5 } } }\n",
    ),
  );
  match(own, /des\.latency\.matrix\.eu: unknown region "eu": preset simblock places nodes in/);
  match(own, /des\.latency\.matrix\.europe: missing region pair europe -> europe/);
  // Every pair of the regions the nodes are placed in: accepted, and the engine runs it.
  const rows = SIMBLOCK_REGIONS.map((a) =>
    `${a}: { ${SIMBLOCK_REGIONS.map((b) => `${b}: ${a === b ? 10 : 100}`).join(", ")} }`
  );
  const full = scenario(
    REGIONS,
    agents,
    `des:\n  preset: simblock\n  latency: { matrix: { ${rows.join(", ")} } }\n`,
  );
  const { model } = await parseScenario(full, OPTS);
  const index = new Map(model.hosts.map((h, i) => [h.name, i]));
  const net = setupNetwork(model, parseDesOptions({}), index, new DesRandom(model.seed));
  ok(net.latency !== null);
  // A matrix that leaves out a region the nodes are placed in fails validation, as it would fail
  // the run: drop the row of the most common region (europe holds half of the nodes).
  const partial = rows.filter((r) => !r.startsWith("europe:"));
  const message = await problem(
    scenario(
      REGIONS,
      agents,
      `des:\n  preset: simblock\n  latency: { matrix: { ${partial.join(", ")} } }\n`,
    ),
  );
  match(message, /des\.latency\.matrix\.europe: missing region pair europe -> /);
});

Deno.test("des latency matrix: a declared region no host landed in is fine", async () => {
  // Weight 0.01 leaves region c empty for three hosts; the matrix still names it.
  const network = "{ topology: mesh, regions: { a: { latency: 10 ms }, b: { latency: 10 ms }, " +
    "c: { weight: 0.01, latency: 10 ms } } }";
  const agents = "  m-1: { kind: miner, hashrate: 50 }\n  m-2: { kind: miner, hashrate: 50 }\n" +
    "  o-1: { kind: observer }";
  const matrix = "des:\n  latency:\n    matrix:\n      a: { a: 5, b: 50, c: 90 }\n" +
    "      b: { a: 50, b: 5, c: 90 }\n      c: { a: 90, b: 90, c: 5 }\n";
  const { model } = await parseScenario(scenario(network, agents, matrix), OPTS);
  equal(model.hosts.some((h) => h.region === "c"), false);
  // The engine takes it: it draws only the pairs of regions that hold nodes.
  const index = new Map(model.hosts.map((h, i) => [h.name, i]));
  ok(setupNetwork(model, parseDesOptions({}), index, new DesRandom(model.seed)).latency !== null);
  // Pairs between the regions that hold hosts are still required without a default.
  const partial = "des:\n  latency:\n    matrix:\n      a: { a: 5, c: 90 }\n      b: { b: 5 }\n";
  match(
    await problem(scenario(network, agents, partial)),
    /des\.latency\.matrix\.a: missing region pair a -> b: set des\.latency\.matrix\.a\.b, or des\.latency\.default/,
  );
});

Deno.test("des latency matrix: a region the scenario does not declare is named once", async () => {
  const message = await problem(
    scenario(
      REGIONS,
      MINERS,
      "des:\n  latency:\n    default: 50\n    matrix: { eu: { mars: 5 }, na: { mars: 5 }, mars: { eu: 5 } }\n",
    ),
  );
  equal(
    message,
    'scenario t: des.latency.matrix.eu.mars: unknown region "mars": the scenario declares eu, na',
  );
  // Without network.regions every host is in region "default"; the messages say what to write.
  const lines = (await problem(
    scenario("{ topology: ring }", MINERS, "des:\n  latency: { matrix: { eu: { eu: 10 } } }\n"),
  )).split("\n").slice(1).map((l) => l.trim());
  deepEqual(lines, [
    "des.latency.matrix.default: missing region pair default -> default (without network.regions " +
    'every host is in region "default"): set des.latency.matrix.default.default, or ' +
    "des.latency.default for every pair the matrix leaves out",
    'des.latency.matrix.eu: unknown region "eu": the scenario declares no network.regions, so ' +
    'every host is in region "default"',
  ]);
  // A GML graph declares the regions of its nodes.
  match(
    await problem(
      scenario(
        "{ gml: three_cities.gml, topology: ring }",
        MINERS,
        "des:\n  latency: { default: 5, matrix: { eu: { mars: 5 } } }\n",
      ),
    ),
    /des\.latency\.matrix\.eu\.mars: unknown region "mars": the GML graph's nodes are in eu, na, asia/,
  );
});

Deno.test("des latency: every millisecond value is finite and at most 1 h", async () => {
  const cases: [string, RegExp][] = [
    [
      "  latency: { default: 1e308 }",
      /des\.latency\.default\.fixed: expected milliseconds <= 3600000 \(fixed; a latency is at most 1 h\), got 1e\+308/,
    ],
    [
      "  latency: { default: { normal: { mean: 50, stddev: 4e6 } } }",
      /normal\.stddev: .*<= 3600000/,
    ],
    [
      "  latency: { default: { lognormal: { median: 4e6, sigma: 1 } } }",
      /lognormal\.median: .*<= 3600000/,
    ],
    ["  latency: { default: { pareto: { mean: 4e6, shape: 2 } } }", /pareto\.mean: .*<= 3600000/],
    [
      "  latency: { default: { uniform: [1, 4e6] } }",
      /des\.latency\.default\.uniform\[1\]: .*<= 3600000/,
    ],
    [
      "  latency: { default: 5, matrix: { eu: { na: 4e6 } } }",
      /des\.latency\.matrix\.eu\.na\.fixed: .*<= 3600000/,
    ],
  ];
  for (const [yaml, expected] of cases) {
    match(await problem(scenario(REGIONS, MINERS, `des:\n${yaml}\n`)), expected, yaml);
  }
  // Mining weights are relative: no latency bound applies.
  await parseScenario(
    scenario(REGIONS, MINERS, "des:\n  mining: { shares: [4e6, 1, 1, 1] }\n"),
    OPTS,
  );
  await parseScenario(scenario(REGIONS, MINERS, "des:\n  latency: { default: 3600000 }\n"), OPTS);
});

import { deepEqual, equal, ok } from "@std/assert";
import { loadScenario } from "../../../../commands/sim/scenario/load.ts";
import { FIXTURES, MINERS, problem, scenario } from "../_scenario.ts";

Deno.test("regions are assigned by weight and drive latency and bandwidth", async () => {
  const { model } = await loadScenario(`${FIXTURES}regions.yaml`);
  const count = (r: string) => model.hosts.filter((h) => h.region === r).length;
  // 29 hosts placed by weight 2:2:1 (11.6 : 11.6 : 5.8), plus the monitor pinned to eu.
  deepEqual([count("eu"), count("na"), count("asia")], [12 + 1, 11, 6]);
  const eu = model.hosts.filter((h) => h.region === "eu");
  ok(eu.every((h) => h.bandwidthDownBps === 200e6 && h.bandwidthUpBps === 200e6));
  const asia = model.hosts.filter((h) => h.region === "asia");
  ok(asia.every((h) => h.bandwidthUpBps === 10e6 && h.bandwidthDownBps >= 20e6));
});

Deno.test("a GML network places hosts on nodes and routes latency along shortest paths", async () => {
  const { model, network } = await loadScenario(`${FIXTURES}gml.yaml`);
  equal(network.kind, "gml");
  deepEqual(network.nodeOf, {
    "miner-1": 0,
    "miner-2": 1,
    "miner-3": 2,
    "miner-4": 2,
    "node-1": 0,
    "node-2": 1,
  });
  const edge = (a: string, b: string) => model.edges.find((e) => e.a === a && e.b === b)!;
  equal(edge("miner-1", "miner-2").latencyMs, 40);
  equal(edge("miner-3", "miner-4").latencyMs, 3); // same node: the self-loop
  equal(edge("miner-4", "node-1").latencyMs, 110); // asia -> na -> eu
  equal(model.hosts[0].bandwidthDownBps, 200e6);
  equal(model.hosts[0].region, "eu");
});

Deno.test("a missing GML file is an error naming the field and the path", async () => {
  equal(
    await problem(scenario("{ gml: nowhere.gml }", MINERS)),
    `scenario t: network.gml: GML file not found (${FIXTURES}nowhere.gml), got "nowhere.gml"`,
  );
});

Deno.test("physical network choices that contradict each other are refused", async () => {
  equal(
    await problem(scenario("{ type: 1_gbit_switch, gml: three_cities.gml }", MINERS)),
    "scenario t: network: set either type or gml, not both",
  );
  equal(
    await problem(scenario("{ type: 1_gbit_switch, regions: { eu: {} } }", MINERS)),
    "scenario t: network.regions: regions apply to generated topologies only",
  );
  equal(
    await problem(
      scenario("{ topology: ring }", `${MINERS}\n  n: { kind: observer, region: mars }`),
    ),
    'scenario t: agents.n.region: unknown region; network.regions has default, got "mars"',
  );
  equal(
    await problem(
      scenario("{ topology: mesh }", "  m-{0001..1001}: { kind: miner, hashrate: 0.1 }"),
    ),
    // 1001 x 0.1 is 100/1001 rounded to two decimals: accepted and scaled.
    "scenario t: network.topology: mesh has n² edges; 1001 hosts is more than 1000, use " +
      'random_regular(k), got "mesh"',
  );
});

Deno.test("on a switch every link is 1 ms and every host has 1 Gbit", async () => {
  const { model, network } = await loadScenario(`${FIXTURES}switch.yaml`);
  equal(network.kind, "switch");
  ok(model.edges.every((e) => e.latencyMs === 1 && e.packetLoss === 0));
  ok(model.hosts.every((h) => h.bandwidthDownBps === 1e9 && h.bandwidthUpBps === 1e9));
  ok(Object.values(network.nodeOf).every((id) => id === 0));
});

Deno.test("normal and uniform distributions stay within their bounds", async () => {
  const { model } = await loadScenario(`${FIXTURES}mesh.yaml`);
  ok(model.edges.every((e) => e.latencyMs > 0), "normal latency is truncated above zero");
  const mean = model.edges.reduce((s, e) => s + e.latencyMs, 0) / model.edges.length;
  ok(mean > 30 && mean < 90, `mean latency ${mean}`);
  ok(model.hosts.every((h) => h.bandwidthDownBps >= 20e6 && h.bandwidthDownBps <= 200e6));
  ok(model.hosts.every((h) => h.bandwidthUpBps === 10e6));
});

Deno.test("a GML edge latency above 1 h is refused, naming the edge", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-gml-" });
  try {
    await Deno.writeTextFile(
      `${dir}/slow.gml`,
      'graph [\n  directed 0\n  node [ id 0 host_bandwidth_up "1 Gbit" host_bandwidth_down "1 Gbit" ]\n' +
        '  edge [ source 0 target 0 latency "2 h" ]\n]\n',
    );
    equal(
      await problem(scenario("{ gml: slow.gml, topology: ring }", MINERS), {
        baseDir: dir,
        name: "t",
      }),
      "scenario t: network.gml: in slow.gml, edge 0 (source 0, target 0) latency: expected a " +
        'latency of at most 1 h (3600000 ms), got "2 h"',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every problem of a GML file is reported in one pass, naming the file, node or edge and value", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-gml-" });
  try {
    await Deno.writeTextFile(
      `${dir}/badlat.gml`,
      `graph [
  directed 0
  node [ id 0 host_bandwidth_up "-5 Mbit" host_bandwidth_down "fast" ]
  node [ id 1 host_bandwidth_up "50 Mbit" host_bandwidth_down "2 Tbit" ]
  node [ id 2 ]
  edge [ source 0 target 0 latency "2 ms" packet_loss 0.0 ]
  edge [ source 1 target 1 latency 2 packet_loss 0.0 ]
  edge [ source 0 target 1 latency "-10 ms" packet_loss 3 ]
  edge [ source 1 target 2 latency "0 ms" ]
]
`,
    );
    const at = "network.gml: in badlat.gml,";
    equal(
      await problem(scenario("{ gml: badlat.gml, topology: ring }", MINERS), {
        baseDir: dir,
        name: "t",
      }),
      [
        "scenario t: 9 problems:",
        `${at} node 0 host_bandwidth_up: expected a bandwidth > 0 (like "100 Mbit"), got "-5 Mbit"`,
        `${at} node 0 host_bandwidth_down: expected a bandwidth like "100 Mbit", "1 Gbit" or bits ` +
        'per second, got "fast"',
        `${at} node 1 host_bandwidth_down: expected a bandwidth of at most 1 Tbit ` +
        '(1000000000000 bits per second), got "2 Tbit"',
        `${at} node 2 holds hosts but has no host_bandwidth_up`,
        `${at} node 2 holds hosts but has no host_bandwidth_down`,
        `${at} edge 1 (source 1, target 1) latency: expected a latency with its unit, like ` +
        '"50 ms", got 2',
        `${at} edge 2 (source 0, target 1) latency: expected a latency > 0 (like "50 ms"), got ` +
        '"-10 ms"',
        `${at} edge 2 (source 0, target 1) packet_loss: expected a number from 0 to 1, got 3`,
        `${at} edge 3 (source 1, target 2) latency: expected a latency > 0 (like "50 ms"), got ` +
        '"0 ms"',
      ].join("\n  "),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import { deepEqual, equal, ok } from "@std/assert";
import { ConfigError } from "../../../core/errors.ts";
import {
  expandRange,
  loadScenario,
  parseScenario,
  type ParseScenarioOptions,
} from "../../../commands/sim/scenario/load.ts";
import { rejection } from "../../_helpers.ts";

const FIXTURES = new URL("../../../fixtures/scenarios/", import.meta.url).pathname;
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

Deno.test("expandRange pads to the bounds' width and rejects malformed ranges", () => {
  deepEqual(expandRange("miner-{001..003}"), ["miner-001", "miner-002", "miner-003"]);
  deepEqual(expandRange("n{8..10}x"), ["n8x", "n9x", "n10x"]);
  deepEqual(expandRange("solo"), ["solo"]);
  equal(expandRange("miner-{001..0x}"), 'bad range "001..0x"');
  equal(expandRange("m-{5..1}"), 'bad range "5..1": start is after end');
  equal(expandRange("m-{1..2}-{1..2}"), 'bad range in "m-{1..2}-{1..2}": use one {A..B}');
});

Deno.test("a ring scenario expands into hosts, peers and latencies from the seed", async () => {
  const { model, network } = await loadScenario(`${FIXTURES}ring.yaml`);
  equal(model.name, "ring");
  deepEqual(model.hosts.map((h) => h.name), [
    "miner-1",
    "miner-2",
    "miner-3",
    "miner-4",
    "user-1",
    "observer",
    "monitor",
  ]);
  equal(model.edges.length, 7);
  equal(model.stopTimeS, 1800);
  deepEqual(model.hosts[0].peers, ["miner-2", "monitor"]);
  equal(model.hosts[0].ip, "11.0.0.1");
  equal(model.hosts[1].ip, "11.0.1.1");
  const user = model.hosts[4];
  deepEqual(user.tx, { intervalMeanS: 120, amount: { kind: "uniform", min: 0.1, max: 0.5 } });
  equal(user.walletRpcPort, 18083);
  equal(model.hosts[5].startTimeS, 60);
  equal(model.hosts[6].monitorIntervalS, 15);
  for (const e of model.edges) ok(e.latencyMs >= 20 && e.latencyMs <= 80, `${e.latencyMs} ms`);
  equal(network.kind, "generated");
  equal(network.graph.nodes.length, 7);
});

Deno.test("expansion is deterministic per seed and changes with it", async () => {
  const text = await Deno.readTextFile(`${FIXTURES}regions.yaml`);
  const a = await parseScenario(text, OPTS);
  const b = await parseScenario(text, OPTS);
  deepEqual(a.model, b.model);
  const c = await parseScenario(text.replace("seed: 2024", "seed: 2025"), OPTS);
  ok(JSON.stringify(a.model.edges) !== JSON.stringify(c.model.edges));
});

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

Deno.test("peer modes: hardcoded lists neighbours, dynamic lists seeds, hybrid adds seeds", async () => {
  const dag = (await loadScenario(`${FIXTURES}dag.yaml`)).model;
  equal(dag.peerMode, "dynamic");
  deepEqual(dag.hosts[2].peers, ["seed-1", "seed-2"]);
  deepEqual(dag.hosts[0].peers, ["seed-2"]);
  const mesh = (await loadScenario(`${FIXTURES}mesh.yaml`)).model;
  deepEqual(mesh.hosts[1].peers, ["miner-1", "miner-3", "miner-4", "miner-5"]);
  deepEqual(mesh.hosts[1].daemonArgs, ["--seed-node=11.0.0.1:18080"]);
  deepEqual(mesh.hosts[4].daemonArgs, ["--seed-node=11.0.0.1:18080", "--out-peers=4"]);
});

Deno.test("loopback addressing puts hosts on 127.0.0.2 upwards for the local engine", async () => {
  const text = await Deno.readTextFile(`${FIXTURES}ring.yaml`);
  const { model } = await parseScenario(text, { ...OPTS, addressing: "loopback" });
  deepEqual(model.hosts.slice(0, 3).map((h) => h.ip), ["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
});

Deno.test("sybil attackers share one /24", async () => {
  const { model } = await loadScenario(`${FIXTURES}sybil.yaml`);
  const attack = model.attacks[0];
  if (attack.kind !== "sybil") throw new Error(`expected a sybil attack, got ${attack.kind}`);
  equal(attack.subnet, "12.0.0.0/24");
  const ips = model.hosts.filter((h) => h.kind === "attacker").map((h) => h.ip);
  deepEqual(ips, Array.from({ length: 8 }, (_, j) => `12.0.0.${j + 1}`));
  // Honest hosts keep one /24 each.
  equal(new Set(model.hosts.filter((h) => h.kind !== "attacker").map((h) => h.ip)).size, 12);
});

Deno.test("an eclipse victim links only to its attackers and refuses inbound peers", async () => {
  const { model } = await loadScenario(`${FIXTURES}eclipse.yaml`);
  const links = model.edges.filter((e) => e.a === "victim" || e.b === "victim");
  deepEqual(links.map((e) => e.a === "victim" ? e.b : e.a).sort(), ["evil-1", "evil-2"]);
  const victim = model.hosts.find((h) => h.name === "victim")!;
  deepEqual(victim.peers, ["evil-1", "evil-2"]);
  ok(victim.daemonArgs.includes("--in-peers=0"));
  ok(model.hosts.every((h) => h.kind === "attacker" || !h.peers.includes("victim")));
  deepEqual(model.attacks[0], {
    kind: "eclipse",
    victim: "victim",
    attackers: ["evil-1", "evil-2"],
    behaviour: { kind: "delay", delayS: 60 },
    startS: 600,
  });
});

Deno.test("partition groups resolve region selectors; double spend derives q", async () => {
  const part = (await loadScenario(`${FIXTURES}partition.yaml`)).model;
  const p = part.attacks[0];
  if (p.kind !== "partition") throw new Error(`expected a partition, got ${p.kind}`);
  equal(p.groupA.length + p.groupB.length, part.hosts.length);
  ok(p.groupA.every((n) => part.hosts.find((h) => h.name === n)!.region === "eu"));
  deepEqual([p.startS, p.endS], [1800, 5400]);
  const ds = (await loadScenario(`${FIXTURES}double_spend.yaml`)).model.attacks[0];
  deepEqual(ds, {
    kind: "double_spend",
    attacker: "attacker",
    victim: "merchant",
    q: 0.3,
    confirmations: 3,
    startS: 1200,
  });
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

Deno.test("a bad range is reported with the agent key", async () => {
  equal(
    await problem(
      scenario("{ topology: ring }", "  miner-{001..0x}: { kind: miner, hashrate: 100 }"),
    ),
    'scenario t: agents.miner-{001..0x}: bad range "001..0x"',
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

Deno.test("a missing GML file is an error naming the field and the path", async () => {
  equal(
    await problem(scenario("{ gml: nowhere.gml }", MINERS)),
    `scenario t: network.gml: GML file not found (${FIXTURES}nowhere.gml), got "nowhere.gml"`,
  );
});

Deno.test("a disconnected peer graph is a validation error", async () => {
  equal(
    await problem(scenario("{ topology: random_regular(1) }", MINERS)),
    'scenario t: network.topology: peer graph is disconnected: 2 components (host "miner-3" ' +
      'cannot reach "miner-1"), got "random_regular(1)"',
  );
});

Deno.test("attack references are checked against hosts and kinds", async () => {
  const attacks = `attacks:
  - kind: eclipse
    victim: nobody
    attackers: [miner-1]
  - kind: partition
    group_a: ["miner-{1..2}"]
    start: 1h
    end: 2h
`;
  equal(
    await problem(scenario("{ topology: ring }", MINERS, attacks)),
    'scenario t: attacks[0].victim: unknown host "nobody"; attacks[0].attackers: "miner-1" is ' +
      "a miner, expected an attacker; attacks[1].end: is after general.stop_time (3600 s), got 7200",
  );
});

Deno.test("dynamic peer mode needs seed nodes; YAML syntax errors give the line", async () => {
  equal(
    await problem(scenario("{ topology: ring, peer_mode: dynamic }", MINERS)),
    "scenario t: network.seed_nodes: peer_mode dynamic needs at least one seed node",
  );
  equal(
    await problem("general: { stop_time: 1h\nagents: []\n"),
    "scenario t: YAML syntax error at line 2, column 1: Flow map in block collection must be " +
      "sufficiently indented and end with a }",
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
    "scenario t: agents: hashrates of miners and attackers sum to 100.1, expected 100",
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

Deno.test("one double_spend per attacker: its agent mines on the attacker's node", async () => {
  const agents = "  miner-{1..2}: { kind: miner, hashrate: 20 }\n" +
    "  evil: { kind: attacker, hashrate: 60 }";
  const attacks = "attacks:\n" +
    "  - { kind: double_spend, attacker: evil, victim: miner-1, confirmations: 1 }\n" +
    "  - { kind: double_spend, attacker: evil, victim: miner-2, confirmations: 2 }\n";
  equal(
    await problem(scenario("{ topology: ring }", agents, attacks)),
    'scenario t: attacks[1].attacker: already runs another double_spend, got "evil"',
  );
});

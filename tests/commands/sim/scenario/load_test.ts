import { deepEqual, equal, ok } from "@std/assert";
import { loadScenario, parseScenario } from "../../../../commands/sim/scenario/load.ts";
import { FIXTURES, MINERS, OPTS, problem, scenario } from "../_scenario.ts";

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
  deepEqual(user.tx, {
    intervalMeanS: 120,
    fundBlocks: 12,
    amount: { kind: "uniform", min: 0.1, max: 0.5 },
  });
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
  // Aliases the parser refuses are a problem of the file too (exit 2, named), not a crash.
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (const [k, name] of ["b", "c", "d", "e", "f", "g", "h"].entries()) {
    const prev = "abcdefg"[k];
    bomb.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
  }
  equal(
    await problem(bomb.join("\n") + "\n"),
    "scenario t: YAML refused: Excessive alias count indicates a resource exhaustion attack",
  );
  equal(
    await problem("name: x\na: *nope\n"),
    "scenario t: YAML refused: Unresolved alias (the anchor must be set before the alias): nope",
  );
});

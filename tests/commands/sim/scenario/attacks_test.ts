import { deepEqual, equal, ok } from "@std/assert";
import { loadScenario } from "../../../../commands/sim/scenario/load.ts";
import { FIXTURES, MINERS, problem, scenario } from "../_scenario.ts";

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
    'scenario t: 3 problems:\n  attacks[0].victim: unknown host "nobody"\n  ' +
      'attacks[0].attackers: "miner-1" is a miner, expected an attacker\n  ' +
      "attacks[1].end: is after general.stop_time (3600 s), got 7200",
  );
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

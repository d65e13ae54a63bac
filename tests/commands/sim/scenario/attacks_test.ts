import { deepEqual, equal, match, ok } from "@std/assert";
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

const SHIFT_AGENTS =
  "  m-{1..3}: { kind: miner, hashrate: 25 }\n  a: { kind: attacker, hashrate: 25 }";

Deno.test("each attack's problems carry its own index, after an entry that failed its schema", async () => {
  const attacks = "attacks:\n" +
    "  - { kind: partition, group_a: [m-1], start: 1m, end: 2m, bogus: 1 }\n" +
    "  - { kind: eclipse, victim: ghost, attackers: [a] }\n";
  equal(
    await problem(scenario("{ topology: ring }", SHIFT_AGENTS, attacks)),
    "scenario t: 2 problems:\n  attacks[0].bogus: unknown key\n  " +
      'attacks[1].victim: unknown host "ghost"',
  );
});

Deno.test("an attack that fails its schema still has its hosts checked", async () => {
  const attacks = "attacks:\n" +
    "  - { kind: double_spend, attacker: a, victim: nobody, confirmations: 0 }\n" +
    "  - { kind: eclipse, victim: ghost, attackers: [a] }\n";
  equal(
    await problem(scenario("{ topology: ring }", SHIFT_AGENTS, attacks)),
    "scenario t: 3 problems:\n  attacks[0].confirmations: expected integer 1..1000, got 0\n  " +
      'attacks[0].victim: unknown host "nobody"\n  attacks[1].victim: unknown host "ghost"',
  );
});

Deno.test("an unknown attack kind hides nothing of the other attacks", async () => {
  const attacks = "attacks:\n" +
    "  - { kind: eclipse, victim: ghost, attackers: [a] }\n" +
    "  - { kind: teleport }\n" +
    "  - { kind: sybil, attackers: [zzz] }\n" +
    "  - 5\n";
  const message = await problem(scenario("{ topology: ring }", SHIFT_AGENTS, attacks));
  const lines = message.split("\n").slice(1).map((l) => l.trim());
  deepEqual(lines.sort(), [
    'attacks[0].victim: unknown host "ghost"',
    'attacks[1].kind: expected one of "sybil", "eclipse", "partition", "double_spend", ' +
    'got "teleport"',
    'attacks[2].attackers[0]: unknown host "zzz"',
    "attacks[3]: expected object, got 5",
  ]);
  // With the rest of the file failing its schema too, each attack is still checked.
  match(
    await problem(
      scenario("{ topology: ring, peer_mode: magic }", SHIFT_AGENTS, "attacks:\n  - { kind: x }\n"),
    ),
    /network\.peer_mode: .*\n {2}attacks\[0\]\.kind: expected one of/,
  );
});

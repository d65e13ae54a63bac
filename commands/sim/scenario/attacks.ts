/**
 * Attacks in a scenario: host selectors resolved and checked (kinds, times, group overlap), the
 * eclipse rewiring of the peer graph, and the concrete {@link SimAttack} of the model.
 *
 * @module
 */
import type { SimAttack } from "../../../adapters/engine/types.ts";
import type { Problems } from "./problems.ts";
import type { AttackSpec } from "./schema.ts";
import type { Edge } from "./graph.ts";

/** What attack resolution needs to know about a host. */
export interface NamedAgent {
  name: string;
  spec: { kind: string; hashrate?: number };
}

/** Attack specs with names resolved to host indices. */
export type ResolvedAttack =
  | { kind: "sybil"; attackers: number[] }
  | {
    kind: "eclipse";
    victim: number;
    attackers: number[];
    behaviour: "delay" | "withhold";
    delayS: number;
    startS: number;
  }
  | { kind: "partition"; a: number[]; b: number[]; startS: number; endS: number }
  | { kind: "double_spend"; attacker: number; victim: number; z: number; startS: number };

/** Resolve attack specs' host selectors to indices and check them against hosts and times. */
export function resolveAttacks(
  specs: AttackSpec[],
  agents: NamedAgent[],
  index: Map<string, number>,
  selectAll: (list: string[], path: PropertyKey[]) => number[],
  stopTime: number,
  problems: Problems,
): ResolvedAttack[] {
  const one = (name: string, path: PropertyKey[]): number => {
    const i = index.get(name);
    if (i === undefined) problems.add(path, `unknown host "${name}"`);
    return i ?? -1;
  };
  const mustBeAttackers = (list: number[], path: PropertyKey[]) => {
    for (const i of list) {
      if (agents[i].spec.kind !== "attacker") {
        problems.add(path, `"${agents[i].name}" is a ${agents[i].spec.kind}, expected an attacker`);
        return;
      }
    }
  };
  const late = (t: number, path: PropertyKey[]) => {
    if (t > stopTime) problems.add(path, `is after general.stop_time (${stopTime} s)`, t);
  };
  const out: ResolvedAttack[] = [];
  // A double-spend agent mines on its attacker's node, so one attack per attacker.
  const doubleSpenders = new Set<number>();
  specs.forEach((a, i) => {
    const at = (f: string) => ["attacks", i, f];
    switch (a.kind) {
      case "sybil": {
        const attackers = selectAll(a.attackers, at("attackers"));
        mustBeAttackers(attackers, at("attackers"));
        if (attackers.length > 254) {
          problems.add(at("attackers"), `a /24 holds 254 hosts, got ${attackers.length}`);
        }
        out.push({ kind: "sybil", attackers });
        break;
      }
      case "eclipse": {
        const victim = one(a.victim, at("victim"));
        const attackers = selectAll(a.attackers, at("attackers"));
        mustBeAttackers(attackers, at("attackers"));
        if (attackers.includes(victim)) problems.add(at("victim"), "is also an attacker", a.victim);
        late(a.start, at("start"));
        out.push({
          kind: "eclipse",
          victim,
          attackers,
          behaviour: a.behaviour,
          delayS: a.delay,
          startS: a.start,
        });
        break;
      }
      case "partition": {
        const groupA = selectAll(a.group_a, at("group_a"));
        const groupB = a.group_b
          ? selectAll(a.group_b, at("group_b"))
          : agents.flatMap((_, j) => groupA.includes(j) ? [] : [j]);
        const both = groupA.filter((j) => groupB.includes(j));
        if (both.length > 0) {
          problems.add(at("group_b"), `"${agents[both[0]].name}" is in both groups`);
        }
        if (groupB.length === 0) problems.add(at("group_b"), "is empty");
        if (a.end <= a.start) problems.add(at("end"), `is not after start (${a.start} s)`, a.end);
        late(a.end, at("end"));
        out.push({ kind: "partition", a: groupA, b: groupB, startS: a.start, endS: a.end });
        break;
      }
      case "double_spend": {
        const attacker = one(a.attacker, at("attacker"));
        const victim = one(a.victim, at("victim"));
        if (attacker >= 0) {
          mustBeAttackers([attacker], at("attacker"));
          if (!((agents[attacker].spec.hashrate ?? 0) > 0)) {
            problems.add(at("attacker"), "the attacker needs a hashrate > 0", a.attacker);
          }
        }
        if (attacker >= 0 && attacker === victim) {
          problems.add(at("victim"), "is the attacker", a.victim);
        }
        if (attacker >= 0 && doubleSpenders.has(attacker)) {
          problems.add(at("attacker"), "already runs another double_spend", a.attacker);
        }
        doubleSpenders.add(attacker);
        late(a.start, at("start"));
        out.push({ kind: "double_spend", attacker, victim, z: a.confirmations, startS: a.start });
        break;
      }
    }
  });
  return out;
}

/** Peer edges after eclipses: a victim keeps only its attackers as neighbours. */
export function applyEclipse(
  edges: Edge[],
  attacks: ResolvedAttack[],
  n: number,
): Edge[] {
  let out = edges;
  for (const a of attacks) {
    if (a.kind !== "eclipse") continue;
    out = out.filter(([x, y]) => x !== a.victim && y !== a.victim);
    const seen = new Set(out.map(([x, y]) => x * n + y));
    for (const at of a.attackers) {
      const e: Edge = at < a.victim ? [at, a.victim] : [a.victim, at];
      if (!seen.has(e[0] * n + e[1])) out.push(e);
    }
  }
  return out;
}

/** The model's form of a resolved attack (names, seconds, q as a fraction). */
export function toSimAttack(a: ResolvedAttack, agents: NamedAgent[], ips: string[]): SimAttack {
  const names = (list: number[]) => list.map((i) => agents[i].name);
  switch (a.kind) {
    case "sybil": {
      const first = ips[a.attackers[0]] ?? "0.0.0.0";
      return {
        kind: "sybil",
        attackers: names(a.attackers),
        subnet: first.replace(/\.\d+$/, ".0/24"),
      };
    }
    case "eclipse":
      return {
        kind: "eclipse",
        victim: agents[a.victim].name,
        attackers: names(a.attackers),
        behaviour: a.behaviour === "delay"
          ? { kind: "delay", delayS: a.delayS }
          : { kind: "withhold" },
        startS: a.startS,
      };
    case "partition":
      return {
        kind: "partition",
        groupA: names(a.a),
        groupB: names(a.b),
        startS: a.startS,
        endS: a.endS,
      };
    case "double_spend":
      return {
        kind: "double_spend",
        attacker: agents[a.attacker].name,
        victim: agents[a.victim].name,
        q: (agents[a.attacker].spec.hashrate ?? 0) / 100,
        confirmations: a.z,
        startS: a.startS,
      };
  }
}

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
import type { CheckedAttack } from "./validate.ts";

/** What attack resolution needs to know about a host. */
export interface NamedAgent {
  name: string;
  spec: { kind: string };
  /** This host's hashrate (its entry of a hashrate list). */
  hashrate?: number;
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

/** Checks every attack kind shares, over one scenario's hosts. */
interface _Resolver {
  agents: NamedAgent[];
  problems: Problems;
  selectAll: (list: string[], path: PropertyKey[]) => number[];
  /** Index of a named host, or -1 (recorded as a problem). */
  one(name: string, path: PropertyKey[]): number;
  /** Record a problem unless every listed host is of kind attacker. */
  mustBeAttackers(list: number[], path: PropertyKey[]): void;
  /** Record a problem when `t` is after the stop time. */
  late(t: number, path: PropertyKey[]): void;
  /** Attackers already running a double spend (its agent mines on the attacker's node). */
  doubleSpenders: Set<number>;
}

type _Spec<K extends AttackSpec["kind"]> = Extract<AttackSpec, { kind: K }>;
type _At = (field: string) => PropertyKey[];

/**
 * Resolve attack specs' host selectors to indices and check them against hosts and times. Each
 * problem names the entry's own index in `attacks`; an entry that failed its schema has only its
 * host names checked, and gives no resolved attack (its problem stops the run already).
 */
export function resolveAttacks(
  specs: readonly CheckedAttack[],
  agents: NamedAgent[],
  index: Map<string, number>,
  selectAll: (list: string[], path: PropertyKey[]) => number[],
  stopTime: number,
  problems: Problems,
): ResolvedAttack[] {
  const r: _Resolver = {
    agents,
    problems,
    selectAll,
    one: (name, path) => {
      const i = index.get(name);
      if (i === undefined) problems.add(path, `unknown host "${name}"`);
      return i ?? -1;
    },
    mustBeAttackers: (list, path) => {
      for (const i of list) {
        if (agents[i].spec.kind !== "attacker") {
          problems.add(
            path,
            `"${agents[i].name}" is a ${agents[i].spec.kind}, expected an attacker`,
          );
          return;
        }
      }
    },
    late: (t, path) => {
      if (t > stopTime) problems.add(path, `is after general.stop_time (${stopTime} s)`, t);
    },
    doubleSpenders: new Set<number>(),
  };
  return specs.flatMap(({ index, spec: a, hosts }) => {
    const at: _At = (f) => ["attacks", index, f];
    if (a === undefined) {
      _hostsOnly(r, hosts, at);
      return [];
    }
    switch (a.kind) {
      case "sybil":
        return _sybil(r, a, at);
      case "eclipse":
        return _eclipse(r, a, at);
      case "partition":
        return _partition(r, a, at);
      case "double_spend":
        return _doubleSpend(r, a, at);
    }
  });
}

/** The host names of an entry that failed its schema: each must name hosts. */
function _hostsOnly(r: _Resolver, hosts: CheckedAttack["hosts"] & object, at: _At): void {
  for (const [field, value] of Object.entries(hosts)) {
    if (typeof value === "string") r.one(value, at(field));
    else if (value !== undefined) r.selectAll(value, at(field));
  }
}

/** Sybil attackers must be attackers and fit one /24. */
function _sybil(r: _Resolver, a: _Spec<"sybil">, at: _At): ResolvedAttack {
  const attackers = r.selectAll(a.attackers, at("attackers"));
  r.mustBeAttackers(attackers, at("attackers"));
  if (attackers.length > 254) {
    r.problems.add(at("attackers"), `a /24 holds 254 hosts, got ${attackers.length}`);
  }
  return { kind: "sybil", attackers };
}

/** The victim is not one of its attackers; the attack starts within the run. */
function _eclipse(r: _Resolver, a: _Spec<"eclipse">, at: _At): ResolvedAttack {
  const victim = r.one(a.victim, at("victim"));
  const attackers = r.selectAll(a.attackers, at("attackers"));
  r.mustBeAttackers(attackers, at("attackers"));
  if (attackers.includes(victim)) r.problems.add(at("victim"), "is also an attacker", a.victim);
  r.late(a.start, at("start"));
  return {
    kind: "eclipse",
    victim,
    attackers,
    behaviour: a.behaviour,
    delayS: a.delay,
    startS: a.start,
  };
}

/** Two disjoint, non-empty groups (B defaults to everyone else); end after start. */
function _partition(r: _Resolver, a: _Spec<"partition">, at: _At): ResolvedAttack {
  const groupA = r.selectAll(a.group_a, at("group_a"));
  const groupB = a.group_b
    ? r.selectAll(a.group_b, at("group_b"))
    : r.agents.flatMap((_, j) => groupA.includes(j) ? [] : [j]);
  const both = groupA.filter((j) => groupB.includes(j));
  if (both.length > 0) {
    r.problems.add(at("group_b"), `"${r.agents[both[0]].name}" is in both groups`);
  }
  if (groupB.length === 0) r.problems.add(at("group_b"), "is empty");
  if (a.end <= a.start) r.problems.add(at("end"), `is not after start (${a.start} s)`, a.end);
  r.late(a.end, at("end"));
  return { kind: "partition", a: groupA, b: groupB, startS: a.start, endS: a.end };
}

/** A hashing attacker other than the victim, running one double spend at most. */
function _doubleSpend(r: _Resolver, a: _Spec<"double_spend">, at: _At): ResolvedAttack {
  const attacker = r.one(a.attacker, at("attacker"));
  const victim = r.one(a.victim, at("victim"));
  if (attacker >= 0) {
    r.mustBeAttackers([attacker], at("attacker"));
    if (!((r.agents[attacker].hashrate ?? 0) > 0)) {
      r.problems.add(at("attacker"), "the attacker needs a hashrate > 0", a.attacker);
    }
  }
  if (attacker >= 0 && attacker === victim) {
    r.problems.add(at("victim"), "is the attacker", a.victim);
  }
  if (attacker >= 0 && r.doubleSpenders.has(attacker)) {
    r.problems.add(at("attacker"), "already runs another double_spend", a.attacker);
  }
  r.doubleSpenders.add(attacker);
  r.late(a.start, at("start"));
  return { kind: "double_spend", attacker, victim, z: a.confirmations, startS: a.start };
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
        q: (agents[a.attacker].hashrate ?? 0) / 100,
        confirmations: a.z,
        startS: a.startS,
      };
  }
}

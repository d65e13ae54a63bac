/**
 * Small SimModel builders for the DES tests and benchmark: rings and random graphs built in
 * code, so the engine is tested without the scenario parser.
 *
 * @module
 */
import type { SimAttack, SimEdge, SimHost, SimModel } from "../../../../adapters/engine/types.ts";
import { DesRandom } from "../../../../adapters/engine/des/random.ts";

/** Options for {@link desModel}. */
export interface DesModelOptions {
  /** Number of hosts. */
  nodes: number;
  /** How many of the first hosts mine (equal shares). */
  miners: number;
  /** `ring` links i to i+1; `random` adds `degree` random links per host on top of a ring. */
  topology: "ring" | "random";
  degree?: number;
  latencyMs?: number;
  bandwidthBps?: number;
  seed?: number;
  stopTimeS: number;
  attacks?: SimAttack[];
  /** Hosts (by index) that send transactions with this mean interval. */
  users?: { indices: number[]; intervalMeanS: number };
  /** Kind override by index. */
  kinds?: Record<number, SimHost["kind"]>;
  /** Hashrate override by index (percent). */
  hashrate?: Record<number, number>;
}

/** Host name for index i. */
export function hostName(i: number): string {
  return `n${String(i).padStart(5, "0")}`;
}

/** Build a model. */
export function desModel(o: DesModelOptions): SimModel {
  const bw = o.bandwidthBps ?? 100_000_000;
  const hosts: SimHost[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const isMiner = i < o.miners;
    const user = o.users?.indices.includes(i);
    hosts.push({
      name: hostName(i),
      kind: o.kinds?.[i] ?? (isMiner ? "miner" : user ? "user" : "observer"),
      region: "default",
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      p2pPort: 18080,
      rpcPort: 18081,
      hashrate: o.hashrate?.[i] ?? (isMiner ? 100 / o.miners : 0),
      startTimeS: 0,
      bandwidthUpBps: bw,
      bandwidthDownBps: bw,
      daemonArgs: [],
      peers: [],
      tx: user
        ? { intervalMeanS: o.users!.intervalMeanS, amount: { kind: "fixed", value: 1 } }
        : undefined,
    });
  }
  const edges: SimEdge[] = [];
  const lat = o.latencyMs ?? 50;
  const seen = new Set<string>();
  const add = (a: number, b: number) => {
    if (a === b) return;
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ a: hostName(a), b: hostName(b), latencyMs: lat, packetLoss: 0 });
  };
  for (let i = 0; i < o.nodes && o.nodes > 1; i++) add(i, (i + 1) % o.nodes);
  if (o.topology === "random") {
    const rng = new DesRandom((o.seed ?? 1) ^ 0x5eed);
    for (let i = 0; i < o.nodes; i++) {
      for (let k = 0; k < (o.degree ?? 4); k++) add(i, rng.int(o.nodes));
    }
  }
  return {
    name: "test",
    seed: o.seed ?? 1,
    stopTimeS: o.stopTimeS,
    bootstrapEndTimeS: 0,
    parallelism: 1,
    peerMode: "hardcoded",
    hosts,
    edges,
    attacks: o.attacks ?? [],
  };
}

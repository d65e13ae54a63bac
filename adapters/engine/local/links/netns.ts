/**
 * The namespace path of a local run's links: each monerod (with its wallet RPC) in a network
 * namespace of its own, joined by a veth pair to one bridge, its links shaped in the kernel
 * (`tc.ts`: htb per side, one class per peer, `netem` or `tbf` leaves).
 *
 * Why a bridge in the root namespace with an address of the run's subnet: the engine, its
 * agents and its relays stay ordinary processes of the root namespace and reach every node's
 * RPC and P2P port on that subnet directly, nodes reach each other through the bridge (layer 2:
 * no routing, so `ip_forward` is never needed nor touched), and no existing interface or route
 * changes: the run adds one bridge, one /24 route on it, and removes both at the end. A hub
 * namespace would also work, but would need forwarding in it and a way in for the engine.
 *
 * Addressing: the run takes one free /24 of 10.213.0.0/16 (checked against every address and
 * route on the machine, starting from a hash of the run id so parallel runs rarely try the same
 * one): `.1` is the bridge, `.2+i` host `i`, `.130+i` host `i`'s relay alias, an address the
 * engine's relays listen on (connections to host `i`) and connect from (connections from host
 * `i`), so the kernel still tells which link a relayed packet belongs to. At most 125 hosts.
 *
 * Names carry the run id, the owner's pid (5 base-36 digits) and 2 random ones: `hv<id>-<i>`
 * (namespace), `hv<id>br` (bridge), `hv<id>h<i>`/`hv<id>n<i>` (veth ends on the bridge and in
 * the namespace). A run removes its own at the end, on error and on a signal (the run's
 * `finally`); the reaper removes them when the run was killed (`removeFabric`), and every run
 * first removes those whose owner is gone (`sweepFabrics`).
 *
 * @module
 */
import { type LeafQdisc, parseClassStats, sideCommands, type TcPeer } from "./tc.ts";
import type { LinkShape } from "./shape.ts";
import {
  NETNS_ID as _ID,
  NETNS_NAME as _OURS,
  netnsAddress,
  netnsAlias,
  netnsBridgeAddress,
  type NetnsEnv,
  netnsNames,
  type NetnsPlan,
  releaseClaims,
  SYSTEM_NETNS_ENV,
} from "./netns_plan.ts";

export * from "./netns_plan.ts";
/** One host of a fabric: its bandwidth. */
export interface FabricHost {
  upBps: number;
  downBps: number;
}

/** One link of a fabric, by host index. */
export interface FabricEdge {
  a: number;
  b: number;
  shape: LinkShape;
}

/** Options for {@link NetnsFabric.create}. */
export interface FabricOptions {
  plan: NetnsPlan;
  hosts: readonly FabricHost[];
  edges: readonly FabricEdge[];
  leaf: LeafQdisc;
  env?: NetnsEnv;
}

/** Byte counters of the link classes of a fabric. */
export interface FabricCounters {
  /** Link classes (both sides of every link). */
  classes: number;
  /** Bytes through uplink classes (sender's side). */
  bytes_up: number;
  /** Bytes through downlink classes (receiver's side). */
  bytes_down: number;
}

/** A run's namespaces, veths, bridge and qdiscs; see the module doc. */
export class NetnsFabric {
  readonly plan: NetnsPlan;
  readonly #env: NetnsEnv;
  readonly #classes: number;
  #last: FabricCounters;
  #removed = false;

  private constructor(plan: NetnsPlan, env: NetnsEnv, classes: number) {
    this.plan = plan;
    this.#env = env;
    this.#classes = classes;
    this.#last = { classes, bytes_up: 0, bytes_down: 0 };
  }

  /** Build it; on any failure, remove what was made and throw what `ip`/`tc` said. */
  static async create(o: FabricOptions): Promise<NetnsFabric> {
    const env = o.env ?? SYSTEM_NETNS_ENV;
    const { plan } = o;
    const id = plan.id;
    if (!_ID.test(id)) throw new RangeError(`netns run id: expected 7 of [0-9a-z], got "${id}"`);
    const n = netnsNames;
    const peers = new Map<number, Array<{ j: number; shape: LinkShape }>>();
    for (const e of o.edges) {
      if (e.a === e.b) continue;
      peers.set(e.a, [...peers.get(e.a) ?? [], { j: e.b, shape: e.shape }]);
      peers.set(e.b, [...peers.get(e.b) ?? [], { j: e.a, shape: e.shape }]);
    }
    let classes = 0;
    for (const list of peers.values()) classes += 2 * list.length;
    const fabric = new NetnsFabric(plan, env, classes);
    try {
      const root = [
        `link add ${n.bridge(id)} type bridge`,
        `addr add ${netnsBridgeAddress(plan)}/24 dev ${n.bridge(id)}`,
      ];
      for (let i = 0; i < plan.hosts; i++) {
        root.push(
          `addr add ${netnsAlias(plan, i)}/32 dev ${n.bridge(id)}`,
          `netns add ${n.namespace(id, i)}`,
          `link add ${n.hostVeth(id, i)} type veth peer name ${n.nodeVeth(id, i)} netns ${
            n.namespace(id, i)
          }`,
          `link set ${n.hostVeth(id, i)} master ${n.bridge(id)}`,
          `link set ${n.hostVeth(id, i)} up`,
        );
      }
      root.push(`link set ${n.bridge(id)} up`);
      await _batch(env, "ip", [], root);
      const down: string[][] = [];
      for (let i = 0; i < plan.hosts; i++) {
        await _batch(env, "ip", ["-n", n.namespace(id, i)], [
          "link set lo up",
          `addr add ${netnsAddress(plan, i)}/24 dev ${n.nodeVeth(id, i)}`,
          `link set ${n.nodeVeth(id, i)} up`,
        ]);
        const list = peers.get(i) ?? [];
        if (list.length === 0) continue;
        const peerOf = (match: "dst" | "src"): TcPeer[] =>
          list.map(({ j, shape }) => ({
            addresses: [netnsAddress(plan, j), netnsAlias(plan, j)],
            rateBps: match === "dst" ? o.hosts[j].downBps : o.hosts[j].upBps,
            shape,
          }));
        const up = sideCommands({
          dev: n.nodeVeth(id, i),
          rateBps: o.hosts[i].upBps,
          match: "dst",
          leaf: o.leaf,
          peers: peerOf("dst"),
        });
        await _batch(env, "tc", ["-n", n.namespace(id, i)], up.map((l) => l.join(" ")));
        down.push(...sideCommands({
          dev: n.hostVeth(id, i),
          rateBps: o.hosts[i].downBps,
          match: "src",
          leaf: "tbf", // the link's latency is added once, on the sender's side
          peers: peerOf("src"),
        }));
      }
      if (down.length > 0) await _batch(env, "tc", [], down.map((l) => l.join(" ")));
    } catch (error) {
      await fabric.remove();
      throw error;
    }
    return fabric;
  }

  /** Links shaped, each direction counted: a class on each of its two nodes per direction. */
  get directedLinks(): number {
    return this.#classes / 2;
  }

  /** The command that runs `argv` inside host `i`'s namespace (same pid: `ip` execs it). */
  wrap(i: number, argv: readonly string[]): string[] {
    return ["ip", "netns", "exec", netnsNames.namespace(this.plan.id, i), ...argv];
  }

  /** Read the link classes' byte counters (the last read once removed). */
  async counters(): Promise<FabricCounters> {
    if (this.#removed) return this.#last;
    const id = this.plan.id;
    const out: FabricCounters = { classes: this.#classes, bytes_up: 0, bytes_down: 0 };
    for (let i = 0; i < this.plan.hosts; i++) {
      const up = await this.#env.run("tc", [
        ...["-n", netnsNames.namespace(id, i), "-s", "class", "show"],
        ...["dev", netnsNames.nodeVeth(id, i)],
      ]);
      const down = await this.#env.run("tc", [
        ...["-s", "class", "show", "dev", netnsNames.hostVeth(id, i)],
      ]);
      out.bytes_up += _peerBytes(up.stdout);
      out.bytes_down += _peerBytes(down.stdout);
    }
    this.#last = out;
    return out;
  }

  /** The counters as last read. */
  get lastCounters(): FabricCounters {
    return this.#last;
  }

  /** Remove every piece of the run (idempotent). */
  async remove(): Promise<void> {
    if (this.#removed) return;
    this.#removed = true;
    await removeFabric(this.plan.id, this.#env);
  }
}

function _peerBytes(text: string): number {
  // Link classes are 1:10 and up; 1:1 is the host's whole side.
  return parseClassStats(text).filter((c) => parseInt(c.classid.split(":")[1], 16) >= 0x10)
    .reduce((s, c) => s + c.bytes, 0);
}

async function _batch(env: NetnsEnv, tool: string, pre: string[], lines: string[]) {
  const out = await env.run(tool, [...pre, "-batch", "-"], lines.join("\n") + "\n");
  if (out.code !== 0) {
    throw new Error(`${tool} ${pre.join(" ")} -batch: ${out.stderr.trim().slice(0, 300)}`);
  }
}

/** The run ids that own namespaces or links on the machine now. */
export async function listFabrics(env: NetnsEnv = SYSTEM_NETNS_ENV): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const name of await _ourNames(env)) ids.add(_OURS.exec(name)![1]);
  return ids;
}

async function _ourNames(env: NetnsEnv): Promise<string[]> {
  const ns = await env.run("ip", ["netns", "list"]);
  const links = await env.run("ip", ["-o", "link", "show"]);
  const names = [
    ...ns.stdout.split("\n").map((l) => l.trim().split(/\s+/)[0]),
    ...links.stdout.split("\n").map((l) => (/^\d+:\s+([^:@\s]+)/.exec(l) ?? [])[1]),
  ];
  return names.filter((x): x is string => !!x && _OURS.test(x));
}

/**
 * Remove every namespace, veth and bridge of run `id` (by name, so it needs nothing but the
 * id: the reaper calls it for a killed run). Veths go first: a namespace that a process still
 * holds outlives `ip netns del`, its veth would not.
 */
export async function removeFabric(id: string, env: NetnsEnv = SYSTEM_NETNS_ENV): Promise<void> {
  if (!_ID.test(id)) throw new RangeError(`netns run id: expected 7 of [0-9a-z], got "${id}"`);
  const names = (await _ourNames(env)).filter((x) => _OURS.exec(x)![1] === id);
  const lines = [
    ...names.filter((x) => /h\d+$/.test(x)).map((x) => `link del ${x}`),
    ...names.filter((x) => x.endsWith("br")).map((x) => `link del ${x}`),
    ...names.filter((x) => /-\d+$/.test(x)).map((x) => `netns del ${x}`),
  ];
  if (lines.length > 0) await env.run("ip", ["-force", "-batch", "-"], lines.join("\n") + "\n");
  releaseClaims(env, id);
}

/** Remove the pieces of every run whose owner (the pid in its id) is gone; returns their ids. */
export async function sweepFabrics(env: NetnsEnv = SYSTEM_NETNS_ENV): Promise<string[]> {
  const gone: string[] = [];
  for (const id of await listFabrics(env)) {
    const pid = parseInt(id.slice(0, 5), 36);
    if (env.alive(pid)) continue;
    await removeFabric(id, env);
    gone.push(id);
  }
  releaseClaims(env); // of runs that died before they built anything
  return gone;
}

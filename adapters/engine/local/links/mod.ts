/**
 * The links of a local run: which path gives monerod nodes the scenario's latency, jitter,
 * loss and bandwidth, and the relays of the userspace path.
 *
 * - `relay`: every peer connection a node dials goes through a {@link LinkRelay} of the engine,
 *   listening on the peer's own loopback address with a port of its own. The node's
 *   `--add-exclusive-node`/`--add-priority-node`/`--add-peer`/`--seed-node` flags are pointed
 *   at the relay ({@link LocalLinks.rewrite}). Needs no root and no kernel module.
 * - `netns`: each node in a network namespace of its own on one bridge (`netns.ts`), each
 *   link shaped in the kernel by an htb class with a `netem` leaf where the kernel has it
 *   ({@link probeNetem}), else a `tbf` leaf (bandwidth only) while relays on the bridge add
 *   latency, jitter and loss: one relay into each node, at its relay alias and P2P port, which
 *   tells links apart by the dialler's address (host bandwidth then comes from the kernel
 *   alone: the relays do not pace). Needs root; `auto` takes it when {@link decideLinks} finds
 *   everything it needs.
 * - `ideal`: loopback as it is (asked for, or a model whose links carry no latency or loss).
 *
 * Connections a node learns from peer lists (dynamic and hybrid peer modes) are shaped too. On
 * the relay path they go through the node's SOCKS gate (`outbound.ts`), which sends them
 * through the link's relay. On the netns path peers see a node at an address that carries its
 * links: its own (netem) or its relay alias and P2P port, which its relay serves.
 *
 * @example
 * ```ts
 * const links = await startLinks({ model, placements, mode: "auto" });
 * const args = links.rewrite("miner-1", monerodArgs(...));
 * links.record(); // { path: "relay", message: "...", links: 12, ... }
 * await links.close();
 * ```
 * @module
 */
import type { SimEdge, SimModel } from "../../types.ts";
import type { LocalHostPlacement } from "../options.ts";
import { LinkRelay } from "./relay.ts";
import { edgeShape, type LinkShape, Pacer } from "./shape.ts";
import { decideLinks, type LinksDecision, type LinksMode, type LinksPath } from "./decide.ts";
import { netnsAlias, type NetnsEnv, NetnsFabric } from "./netns.ts";
import { NetnsRelays } from "./netns_relays.ts";
import type { LinkShapeRecord, LinksRecord } from "./record.ts";

export { LinkRelay, type LinkRelayOptions, type RelayStats } from "./relay.ts";
export { type LinkShape, Pacer, Shaper } from "./shape.ts";
export { probeNetem } from "./netem.ts";
export { decideLinks, type LinksDecision, type LinksMode, type LinksPath } from "./decide.ts";
export type { LinkShapeRecord, LinksRecord } from "./record.ts";

/** Options for {@link startLinks}. */
export interface StartLinksOptions {
  model: SimModel;
  placements: LocalHostPlacement[];
  /** Default `auto`. */
  mode?: LinksMode;
  /** Seed of jitter and loss draws. Default the model's seed. */
  seed?: number;
  /** Most bytes one direction of one connection holds. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Skip the `netem` probe (tests): the record says it was not probed. */
  probe?: boolean;
  /** The path decided before placement ({@link decideLinks}); decided here when absent. */
  decision?: LinksDecision;
  /** The machine (tests pass their own). */
  env?: NetnsEnv;
}

/** The peer-flag names whose `ip:port` value names a node to dial. */
const _PEER_FLAGS = ["--add-exclusive-node", "--add-priority-node", "--add-peer", "--seed-node"];

/** The links of one local run; see the module doc. */
export class LocalLinks {
  readonly #o: StartLinksOptions;
  /** The relay path's, by directed link `from>to`. */
  readonly #relays = new Map<string, LinkRelay>();
  /** The netns path's (without netem). */
  readonly #netns?: NetnsRelays;
  readonly #up = new Map<string, Pacer>();
  readonly #down = new Map<string, Pacer>();
  readonly #edges = new Map<string, SimEdge>();
  readonly #byEndpoint = new Map<string, LocalHostPlacement>();
  readonly path: LinksPath;
  readonly #message: string;
  readonly #netem: { available: boolean; reason: string };
  readonly #fabric?: NetnsFabric;
  /** Whether peer connections go through relays (relay path; netns path with a tbf leaf). */
  readonly #relaying: boolean;

  constructor(options: StartLinksOptions, decision: LinksDecision, fabric?: NetnsFabric) {
    this.#o = options;
    this.#netem = decision.netem;
    const netem = decision.netem;
    this.#fabric = fabric;
    for (const e of options.model.edges) {
      this.#edges.set(_pair(e.a, e.b), e);
    }
    for (const p of options.placements) this.#byEndpoint.set(`${p.ip}:${p.p2pPort}`, p);
    const shaped = options.model.edges.some((e) =>
      e.latencyMs > 0 || e.packetLoss > 0 || (e.jitterMs ?? 0) > 0
    );
    const mode = options.mode ?? "auto";
    if (decision.path === "netns" && fabric) {
      this.path = "netns";
      this.#relaying = shaped && !netem.available;
      const net = `${fabric.plan.subnet}.0/24`;
      this.#message = `each node runs in a network namespace of its own (run ${fabric.plan.id}, ` +
        `${net}, one bridge); each link is an htb class in the kernel with a ` +
        (netem.available
          ? "netem leaf (latency, jitter, loss, rate)"
          : `tbf leaf (bandwidth; netem is not available: ${netem.reason})`) +
        (this.#relaying
          ? "; latency, jitter and loss come from an engine relay into each node on the bridge, " +
            "at the address its peers see it at"
          : "");
      if (this.#relaying) {
        this.#netns = new NetnsRelays({
          plan: fabric.plan,
          placements: options.placements,
          shape: (a, b) => this.shape(a, b),
          seed: options.seed ?? options.model.seed,
          maxBufferedBytes: options.maxBufferedBytes,
        });
      }
      return;
    }
    this.#relaying = decision.path === "relay";
    if (decision.path === "ideal") {
      this.path = "ideal";
      this.#message = mode === "ideal"
        ? "links are ideal (asked for): loopback with no added latency, loss or bandwidth limit"
        : "links are ideal: the model's links carry no latency or loss";
      return;
    }
    this.path = "relay";
    const dynamic = options.model.peerMode !== "hardcoded"
      ? "; peers learnt from peer lists (peer mode " + options.model.peerMode +
        ") are dialled through the node's SOCKS gate and the link's relay"
      : "";
    // The reason for no namespaces may already be the missing netem: said once.
    const netemSaid = decision.notNetns?.startsWith("netem is not available") ?? false;
    this.#message = (decision.notNetns ? `no namespaces (${decision.notNetns}); ` : "") +
      (netem.available
        ? "netem is available but needs the namespace path; "
        : netemSaid
        ? ""
        : `netem is not available (${netem.reason}); `) +
      "every configured peer connection goes through an engine relay that adds the link's " +
      "latency, jitter and loss and paces each host's up/down bandwidth" + dynamic;
  }

  /**
   * Point a node's peer flags at the relays of its links (created on first use). Flags that
   * name no placed node, and every flag on the ideal path, stay as they are.
   */
  rewrite(host: string, args: readonly string[]): string[] {
    if (!this.#relaying) return [...args];
    return args.map((flag) => {
      const eq = flag.indexOf("=");
      if (eq < 0 || !_PEER_FLAGS.includes(flag.slice(0, eq))) return flag;
      const peer = this.#byEndpoint.get(flag.slice(eq + 1));
      if (!peer || peer.name === host) return flag;
      const relay = this.#relay(host, peer);
      return `${flag.slice(0, eq)}=${relay.hostname}:${relay.port}`;
    });
  }

  /** The command that runs a host's `argv` (in its namespace on the netns path). */
  wrap(host: string, argv: readonly string[]): string[] {
    const i = this.#o.placements.findIndex((p) => p.name === host);
    return this.#fabric && i >= 0 ? this.#fabric.wrap(i, argv) : [...argv];
  }

  /**
   * Other addresses a host's peers see it at: its relay alias where relays on the bridge carry
   * its links (netns path without netem), so a ban of the host also names them.
   */
  aliases(host: string): string[] {
    const i = this.#o.placements.findIndex((p) => p.name === host);
    return this.#fabric && this.#relaying && i >= 0 ? [netnsAlias(this.#fabric.plan, i)] : [];
  }

  /** The namespace run id, on the netns path (the reaper removes what it names). */
  get netnsId(): string | undefined {
    return this.#fabric?.plan.id;
  }

  /** Read the kernel's link-class counters now (netns path), so the record has them. */
  async readCounters(): Promise<void> {
    await this.#fabric?.counters();
  }

  /** The relay of the link `from` dials to `to`, if it exists. */
  relay(from: string, to: string): LinkRelay | undefined {
    return this.#netns ? this.#netns.relays.get(to) : this.#relays.get(`${from}>${to}`);
  }

  /** The shape of the link between two hosts (either order). */
  shape(a: string, b: string): LinkShape {
    const e = this.#edges.get(_pair(a, b));
    return e ? edgeShape(e) : { latencyMs: 0 };
  }

  /** What the run record says about the links. */
  record(): LinksRecord {
    const movedPorts = this.#netns?.portsMoved ?? [];
    const moved = movedPorts.length === 0 ? "" : `; the root namespace holds the P2P port of ` +
      `${movedPorts.join(", ")}, so their relays listen on other ports and peers learnt from ` +
      "peer lists cannot reach them";
    const out: LinksRecord = {
      path: this.path,
      message: this.#message + moved,
      links: this.#netns?.directed.size ?? this.#fabric?.directedLinks ?? this.#relays.size,
      netem: this.#netem,
    };
    if (this.#fabric) {
      out.netns = {
        run_id: this.#fabric.plan.id,
        subnet: `${this.#fabric.plan.subnet}.0/24`,
        leaf: this.#netem.available ? "netem" : "tbf",
        relays: this.#relaying,
        ...this.#fabric.lastCounters,
      };
    }
    if (this.#relaying) {
      const sum = {
        connections: 0,
        bytes_forward: 0,
        bytes_backward: 0,
        segments_lost: 0,
        peak_buffered_bytes: 0,
        refused: 0,
      };
      for (const r of [...this.#relays.values(), ...this.#netns?.relays.values() ?? []]) {
        sum.connections += r.stats.connections;
        sum.bytes_forward += r.stats.bytesForward;
        sum.bytes_backward += r.stats.bytesBackward;
        sum.segments_lost += r.stats.segmentsLost;
        sum.peak_buffered_bytes = Math.max(sum.peak_buffered_bytes, r.stats.peakBufferedBytes);
        sum.refused += r.stats.refused;
      }
      out.stats = sum;
    }
    return out;
  }

  /** Close every relay and its connections; with `dir`, write the record to `dir/links.json`. */
  async close(dir?: string): Promise<void> {
    try {
      await this.#fabric?.counters().catch(() => {});
      if (dir) {
        const record = {
          ...this.record(),
          ...this.path === "ideal" ? {} : { shapes: this.#shapes() },
        };
        await Deno.writeTextFile(`${dir}/links.json`, JSON.stringify(record, null, 2));
      }
      await Promise.all([...this.#relays.values()].map((r) => r.close()));
      await this.#netns?.close();
    } finally {
      await this.#fabric?.remove();
    }
  }

  /** Each link between two hosts of the run and the shape it was given, for `links.json`. */
  #shapes(): LinkShapeRecord[] {
    const placed = new Set(this.#o.placements.map((p) => p.name));
    return [...this.#edges.values()].filter((e) => placed.has(e.a) && placed.has(e.b)).map((e) => {
      const s = edgeShape(e);
      return { a: e.a, b: e.b, latency_ms: s.latencyMs, jitter_ms: s.jitterMs, loss: s.loss };
    });
  }

  #relay(from: string, to: LocalHostPlacement): LinkRelay {
    const key = `${from}>${to.name}`;
    const netnsRelay = this.#netns?.dial(from, to.name);
    if (netnsRelay) return netnsRelay;
    let relay = this.#relays.get(key);
    if (relay) return relay;
    const shape = this.shape(from, to.name);
    // A free port the kernel hands out may be one a node was placed on but has not bound yet
    // (placement only checked it was free): such a port is handed back and another taken.
    const taken = new Set(
      this.#o.placements.filter((p) => p.ip === to.ip).flatMap((
        p,
      ) => [p.p2pPort, p.rpcPort, p.walletRpcPort ?? -1]),
    );
    const held: Deno.TcpListener[] = [];
    let port = 0;
    // Bounded: a few tries; each holds its port so the next try gets another.
    for (let tries = 0; tries < 8 && port === 0; tries++) {
      const probe = Deno.listen({ hostname: to.ip, port: 0 });
      const p = (probe.addr as Deno.NetAddr).port;
      if (taken.has(p)) held.push(probe);
      else {
        probe.close();
        port = p;
      }
    }
    for (const l of held) l.close();
    relay = LinkRelay.start({
      // On the peer's own address: the dialler sees its peer's IP, with the relay's port.
      listen: { hostname: to.ip, port },
      target: { hostname: to.ip, port: to.p2pPort },
      forward: {
        shape,
        up: this.#pacer(this.#up, from, "up"),
        down: this.#pacer(this.#down, to.name, "down"),
      },
      backward: {
        shape,
        up: this.#pacer(this.#up, to.name, "up"),
        down: this.#pacer(this.#down, from, "down"),
      },
      maxBufferedBytes: this.#o.maxBufferedBytes,
      seed: (this.#o.seed ?? this.#o.model.seed) + this.#relays.size,
    });
    this.#relays.set(key, relay);
    return relay;
  }

  #pacer(map: Map<string, Pacer>, host: string, side: "up" | "down"): Pacer {
    let p = map.get(host);
    if (!p) {
      const h = this.#o.model.hosts.find((x) => x.name === host);
      p = new Pacer((side === "up" ? h?.bandwidthUpBps : h?.bandwidthDownBps) ?? 0);
      map.set(host, p);
    }
    return p;
  }
}

function _pair(a: string, b: string): string {
  return a < b ? `${a}\n${b}` : `${b}\n${a}`;
}

/**
 * Choose the links path of a run (or take the one decided before placement) and make it
 * ready: on the netns path, build the namespaces, bridge and qdiscs ({@link NetnsFabric}).
 */
export async function startLinks(options: StartLinksOptions): Promise<LocalLinks> {
  const decision = options.decision ?? await decideLinks({
    model: options.model,
    mode: options.mode,
    probe: options.probe,
    env: options.env,
  });
  if (decision.path !== "netns" || !decision.netns) return new LocalLinks(options, decision);
  const index = new Map(options.placements.map((p, i) => [p.name, i]));
  const hosts = options.placements.map((p) => {
    const h = options.model.hosts.find((x) => x.name === p.name);
    return { upBps: h?.bandwidthUpBps ?? 0, downBps: h?.bandwidthDownBps ?? 0 };
  });
  const edges = options.model.edges.flatMap((e) => {
    const a = index.get(e.a), b = index.get(e.b);
    if (a === undefined || b === undefined) return [];
    return [{ a, b, shape: edgeShape(e) }];
  });
  const fabric = await NetnsFabric.create({
    plan: decision.netns,
    hosts,
    edges,
    leaf: decision.netem.available ? "netem" : "tbf",
    env: options.env,
  });
  try {
    return new LocalLinks(options, decision, fabric);
  } catch (error) {
    await fabric.remove(); // a relay that cannot listen must not leave the namespaces behind
    throw error;
  }
}

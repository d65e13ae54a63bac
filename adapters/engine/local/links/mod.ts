/**
 * The links of a local run: which path gives monerod nodes the scenario's latency, jitter,
 * loss and bandwidth, and the relays of the userspace path.
 *
 * - `relay`: every peer connection a node dials goes through a {@link LinkRelay} of the engine,
 *   listening on the peer's own loopback address with a port of its own. The node's
 *   `--add-exclusive-node`/`--add-priority-node`/`--add-peer`/`--seed-node` flags are pointed
 *   at the relay ({@link LocalLinks.rewrite}). Needs no root and no kernel module.
 * - `netem`: network namespaces and `tc netem`, where the kernel has it ({@link probeNetem}
 *   says). Not built yet: a run that finds `netem` still takes the relay and says so.
 * - `ideal`: loopback as it is (asked for, or a model whose links carry no latency or loss).
 *
 * Connections a node learns from peer lists (dynamic and hybrid peer modes) dial the address
 * the peer advertised, which no relay serves: in those modes only the configured peers are
 * shaped. The run record says so.
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
import { type LinkShape, MAX_LOSS, Pacer } from "./shape.ts";
import { probeNetem } from "./netem.ts";

export { LinkRelay, type LinkRelayOptions, type RelayStats } from "./relay.ts";
export { type LinkShape, Pacer, Shaper } from "./shape.ts";
export { probeNetem } from "./netem.ts";

/** Which path a run asks for: `auto` picks the best one available. */
export type LinksMode = "auto" | "relay" | "ideal";

/** Which path a run took. */
export type LinksPath = "netem" | "relay" | "ideal";

/** The links section of a local run's record (`links.json`, `summary.links`). */
export interface LinksRecord {
  path: LinksPath;
  /** One sentence a person reads: why this path, and what it does or does not shape. */
  message: string;
  /** Directed links (one relay each) so far. */
  links: number;
  /** Whether the kernel has `netem`, and why not. */
  netem: { available: boolean; reason: string };
  /** Totals over the relays (relay path only). */
  stats?: {
    connections: number;
    bytes_forward: number;
    bytes_backward: number;
    segments_lost: number;
    /** Most bytes one direction of one connection held. */
    peak_buffered_bytes: number;
  };
}

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
}

/** The peer-flag names whose `ip:port` value names a node to dial. */
const _PEER_FLAGS = ["--add-exclusive-node", "--add-priority-node", "--add-peer", "--seed-node"];

/** The links of one local run; see the module doc. */
export class LocalLinks {
  readonly #o: StartLinksOptions;
  readonly #relays = new Map<string, LinkRelay>();
  readonly #up = new Map<string, Pacer>();
  readonly #down = new Map<string, Pacer>();
  readonly #edges = new Map<string, SimEdge>();
  readonly #byEndpoint = new Map<string, LocalHostPlacement>();
  readonly path: LinksPath;
  readonly #message: string;
  readonly #netem: { available: boolean; reason: string };

  constructor(options: StartLinksOptions, netem: { available: boolean; reason: string }) {
    this.#o = options;
    this.#netem = netem;
    for (const e of options.model.edges) {
      this.#edges.set(_pair(e.a, e.b), e);
    }
    for (const p of options.placements) this.#byEndpoint.set(`${p.ip}:${p.p2pPort}`, p);
    const shaped = options.model.edges.some((e) =>
      e.latencyMs > 0 || e.packetLoss > 0 || (e.jitterMs ?? 0) > 0
    );
    const mode = options.mode ?? "auto";
    if (mode === "ideal" || (mode === "auto" && !shaped)) {
      this.path = "ideal";
      this.#message = mode === "ideal"
        ? "links are ideal (asked for): loopback with no added latency, loss or bandwidth limit"
        : "links are ideal: the model's links carry no latency or loss";
      return;
    }
    this.path = "relay";
    const dynamic = options.model.peerMode !== "hardcoded"
      ? "; peers learnt from peer lists (peer mode " + options.model.peerMode +
        ") dial unshaped addresses"
      : "";
    this.#message =
      (netem.available
        ? "netem is available but its path is not built yet; "
        : `netem is not available (${netem.reason}); `) +
      "every configured peer connection goes through an engine relay that adds the link's " +
      "latency, jitter and loss and paces each host's up/down bandwidth" + dynamic;
  }

  /**
   * Point a node's peer flags at the relays of its links (created on first use). Flags that
   * name no placed node, and every flag on the ideal path, stay as they are.
   */
  rewrite(host: string, args: readonly string[]): string[] {
    if (this.path !== "relay") return [...args];
    return args.map((flag) => {
      const eq = flag.indexOf("=");
      if (eq < 0 || !_PEER_FLAGS.includes(flag.slice(0, eq))) return flag;
      const peer = this.#byEndpoint.get(flag.slice(eq + 1));
      if (!peer || peer.name === host) return flag;
      const relay = this.#relay(host, peer);
      return `${flag.slice(0, eq)}=${relay.hostname}:${relay.port}`;
    });
  }

  /** The relay of the link `from` dials to `to`, if it exists. */
  relay(from: string, to: string): LinkRelay | undefined {
    return this.#relays.get(`${from}>${to}`);
  }

  /** The shape of the link between two hosts (either order). */
  shape(a: string, b: string): LinkShape {
    const e = this.#edges.get(_pair(a, b));
    if (!e) return { latencyMs: 0 };
    return {
      latencyMs: e.latencyMs,
      jitterMs: e.jitterMs ?? 0,
      loss: Math.min(MAX_LOSS, e.packetLoss),
    };
  }

  /** What the run record says about the links. */
  record(): LinksRecord {
    const out: LinksRecord = {
      path: this.path,
      message: this.#message,
      links: this.#relays.size,
      netem: this.#netem,
    };
    if (this.path === "relay") {
      const sum = {
        connections: 0,
        bytes_forward: 0,
        bytes_backward: 0,
        segments_lost: 0,
        peak_buffered_bytes: 0,
      };
      for (const r of this.#relays.values()) {
        sum.connections += r.stats.connections;
        sum.bytes_forward += r.stats.bytesForward;
        sum.bytes_backward += r.stats.bytesBackward;
        sum.segments_lost += r.stats.segmentsLost;
        sum.peak_buffered_bytes = Math.max(sum.peak_buffered_bytes, r.stats.peakBufferedBytes);
      }
      out.stats = sum;
    }
    return out;
  }

  /** Close every relay and its connections; with `dir`, write the record to `dir/links.json`. */
  async close(dir?: string): Promise<void> {
    if (dir) await Deno.writeTextFile(`${dir}/links.json`, JSON.stringify(this.record(), null, 2));
    await Promise.all([...this.#relays.values()].map((r) => r.close()));
  }

  #relay(from: string, to: LocalHostPlacement): LinkRelay {
    const key = `${from}>${to.name}`;
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

/** Choose the links path of a run and make its relays ready to be used. */
export async function startLinks(options: StartLinksOptions): Promise<LocalLinks> {
  const netem = options.probe === false
    ? { available: false, reason: "not probed" }
    : options.mode === "ideal"
    ? { available: false, reason: "not probed: ideal links asked for" }
    : await probeNetem();
  return new LocalLinks(options, netem);
}

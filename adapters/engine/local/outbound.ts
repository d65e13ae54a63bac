/**
 * Where a local run's monerod nodes may connect: the run's own nodes, nothing else. A node that
 * has an exclusive node (hardcoded peer mode, or a peerless node given itself, see
 * `selfExclusiveFlags`) never dials anything it was not told to. A dynamic or hybrid node with
 * peers falls back to Monero's public seed nodes whenever a round adds no connection, and
 * monerod 0.18 has no flag against it: such a node gets `--proxy` pointed at its own
 * {@link SocksGate}, which relays only to placed nodes (through the link's relay when the run
 * shapes links, so peers learnt from peer lists are shaped too) and refuses and counts every
 * other destination (`outbound.json`, `summary.outbound`). On the namespace path no node needs
 * one: a node's namespace has no route beyond the run's /24, so the kernel refuses every other
 * destination at once (`ENETUNREACH`), and the record says so (`contained`).
 *
 * Costs of `--proxy` (src/p2p/net_node.inl, `node_server::init`): DNS seed lookups stop (the
 * hard-coded seeds are tried, and refused, instead), the DNS blocklist and DNS checkpoints stop
 * unless `--proxy-allow-dns-leaks` (given when the scenario turns DNS on; lookups still go to
 * `DNS_PUBLIC` on loopback), and the node no longer pings back inbound peers before listing
 * them as white (it learns them from peer lists instead). Every byte of such a node's outgoing
 * connections passes through the engine.
 *
 * @example
 * ```ts
 * const out = new LocalOutbound({ placements, links, logger });
 * args.push(...out.flags(host, args, model.dnsServer)); // ["--proxy=127.0.0.2:40123"]
 * out.record(); // { gated_hosts: 3, relayed: 12, refused: 40, destinations: {...} }
 * await out.close(dir);
 * ```
 * @module
 */
import type { Logger } from "../../../core/logger.ts";
import { flagName } from "../monerod.ts";
import type { LocalHostPlacement } from "./options.ts";
import { SocksGate } from "./socks.ts";

/** What {@link LocalOutbound} needs of the run's links (see `links/mod.ts`). */
export interface OutboundLinks {
  /** Point peer flags at the links' relays (unchanged on the ideal path). */
  rewrite(host: string, args: readonly string[]): string[];
  /** The relay of the link `from` dials to `to`, when it exists. */
  relay(from: string, to: string): { hostname: string; port: number } | undefined;
}

/** Options for {@link LocalOutbound}. */
export interface LocalOutboundOptions {
  placements: readonly LocalHostPlacement[];
  links?: OutboundLinks;
  logger?: Logger;
  /**
   * Why no node needs a gate (the namespace path: nothing beyond the run's nodes is routed).
   * No gate starts and the record carries the reason.
   */
  contained?: string;
}

/** The outbound section of a local run's record. */
export interface OutboundRecord {
  /** Hosts whose monerod went through a gate. */
  gated_hosts: number;
  relayed: number;
  /** Connections refused, over all gates. */
  refused: number;
  /** Refusals by host, then destination. */
  destinations: Record<string, Record<string, number>>;
  /** Why no gate was needed, when none was (see {@link LocalOutboundOptions.contained}). */
  contained?: string;
}

/** The namespace path's reason for {@link LocalOutboundOptions.contained}. */
export const NETNS_CONTAINED = "each node's network namespace routes nothing beyond the run's " +
  "/24: the kernel refuses every other destination (ENETUNREACH), so no SOCKS gate is needed";

// A node with one of these dials nothing it was not told to, or nothing at all.
const _CLOSED_FLAGS = new Set(["--offline", "--add-exclusive-node", "--proxy"]);

/** Whether a monerod command line needs a gate: no exclusive node, not offline, no own proxy. */
export function needsGate(args: readonly string[]): boolean {
  return !args.some((f) => _CLOSED_FLAGS.has(flagName(f)));
}

/** The gates of one local run; see the module doc. */
export class LocalOutbound {
  readonly #o: LocalOutboundOptions;
  readonly #gates = new Map<string, SocksGate>();
  readonly #byEndpoint = new Map<string, LocalHostPlacement>();
  readonly #byPort = new Map<number, LocalHostPlacement | null>();

  constructor(options: LocalOutboundOptions) {
    this.#o = options;
    for (const p of options.placements) {
      this.#byEndpoint.set(`${p.ip}:${p.p2pPort}`, p);
      // null: two nodes share the port, so a port alone names neither.
      this.#byPort.set(p.p2pPort, this.#byPort.has(p.p2pPort) ? null : p);
    }
  }

  /**
   * The flags that send a host's outgoing connections through its gate (started on first use),
   * or none when its command line needs no gate ({@link needsGate}).
   */
  flags(host: string, args: readonly string[], dns = false): string[] {
    if (this.#o.contained !== undefined || !needsGate(args)) return [];
    return [`--proxy=${this.#gate(host).address}`, ...(dns ? ["--proxy-allow-dns-leaks"] : [])];
  }

  /**
   * Where `from`'s connection to `destination` goes, or undefined to refuse it: a placed node
   * (by its address, or by its unique port on 127.0.0.1, the address loopback peers see each
   * other from) through the link's relay when there is one, or a relay of `from`'s own links.
   */
  route(from: string, destination: string): string | undefined {
    const colon = destination.lastIndexOf(":");
    const ip = destination.slice(0, colon);
    const port = Number(destination.slice(colon + 1));
    const node = this.#byEndpoint.get(destination) ??
      (ip === "127.0.0.1" ? this.#byPort.get(port) ?? undefined : undefined);
    const links = this.#o.links;
    if (node) {
      const endpoint = `${node.ip}:${node.p2pPort}`;
      if (!links || node.name === from) return endpoint;
      return links.rewrite(from, [`--add-peer=${endpoint}`])[0].slice("--add-peer=".length);
    }
    for (const p of this.#o.placements) {
      const relay = links?.relay(from, p.name);
      if (relay && relay.hostname === ip && relay.port === port) return destination;
    }
    return undefined;
  }

  /** What the gates did so far. */
  record(): OutboundRecord {
    const out: OutboundRecord = {
      gated_hosts: this.#gates.size,
      relayed: 0,
      refused: 0,
      destinations: {},
      ...(this.#o.contained !== undefined ? { contained: this.#o.contained } : {}),
    };
    for (const [host, gate] of this.#gates) {
      const r = gate.record();
      out.relayed += r.relayed;
      for (const n of Object.values(r.refused)) out.refused += n;
      if (Object.keys(r.refused).length > 0) out.destinations[host] = r.refused;
    }
    return out;
  }

  /** Close every gate; with `dir`, write the record to `dir/outbound.json`. */
  async close(dir?: string): Promise<void> {
    await Promise.all([...this.#gates.values()].map((g) => g.close()));
    if (dir) {
      await Deno.writeTextFile(`${dir}/outbound.json`, JSON.stringify(this.record(), null, 2));
    }
  }

  #gate(host: string): SocksGate {
    let gate = this.#gates.get(host);
    if (gate) return gate;
    const placement = this.#o.placements.find((p) => p.name === host);
    const hostname = placement?.ip ?? "127.0.0.1";
    // A free port may be one a node on this address was placed on but has not bound yet:
    // keep such a listener open while taking another, then close it.
    const taken = new Set(
      this.#o.placements.filter((p) => p.ip === hostname).flatMap((
        p,
      ) => [p.p2pPort, p.rpcPort, p.walletRpcPort ?? 0]),
    );
    const held: SocksGate[] = [];
    const logger = this.#o.logger;
    let warned = false;
    // Bounded: 64 tries.
    for (let i = 0; i < 64 && !gate; i++) {
      const g = SocksGate.listen({
        hostname,
        route: (dest) => this.route(host, dest),
        onRefuse: (dest) => {
          if (warned) return; // one line per host; outbound.json counts every refusal
          warned = true;
          logger?.warn("outgoing connection refused: not a node of this run", {
            host,
            destination: dest,
            record: "outbound.json",
          });
        },
      });
      if (taken.has(g.port)) held.push(g);
      else gate = g;
    }
    for (const g of held) void g.close();
    if (!gate) throw new Error(`no free port for ${host}'s SOCKS gate on ${hostname}`);
    this.#gates.set(host, gate);
    return gate;
  }
}

/**
 * The relays of the namespace path where the kernel has no `netem` (latency, jitter and loss
 * in userspace, bandwidth in the kernel): one relay into each host, on the bridge at the host's
 * relay alias and, where the root namespace has it free, the host's own P2P port. Peers see a
 * node at that address and pass it on in peer lists, so dynamic and hybrid nodes that dial a
 * learnt peer reach its relay too.
 *
 * Each connection is told apart by its dialler's address: it takes that link's shape and
 * connects to the host from the dialler's alias, so the kernel classes of both ends see the
 * link. Diallers that are not hosts of the run are closed unserved. No pacing: the kernel
 * shapes bandwidth.
 *
 * @example
 * ```ts
 * const relays = new NetnsRelays({ plan, placements, shape: (a, b) => links.shape(a, b), seed: 1 });
 * relays.dial("miner-1", "node-2"); // the relay node-2's peers reach it through
 * await relays.close();
 * ```
 * @module
 */
import { LinkRelay } from "./relay.ts";
import type { LinkShape } from "./shape.ts";
import { netnsAlias, type NetnsPlan } from "./netns_plan.ts";
import type { LocalHostPlacement } from "../options.ts";

/** Options for {@link NetnsRelays}. */
export interface NetnsRelaysOptions {
  plan: NetnsPlan;
  /** Host `i` is `plan`'s host `i`. */
  placements: readonly LocalHostPlacement[];
  /** The shape of the link between two hosts (either order). */
  shape: (a: string, b: string) => LinkShape;
  /** Seed of jitter and loss draws; host `i`'s relay takes `seed + i`. */
  seed: number;
  maxBufferedBytes?: number;
}

/** Every host's relay on the netns path; see the module doc. */
export class NetnsRelays {
  /** By the host a relay leads to. */
  readonly relays = new Map<string, LinkRelay>();
  /** Directed links `from>to` configured or dialled so far. */
  readonly directed = new Set<string>();
  /** Hosts whose relay could not take their own P2P port. */
  readonly portsMoved: string[] = [];
  readonly #o: NetnsRelaysOptions;
  readonly #byIp = new Map<string, number>();

  /** Start every host's relay now. */
  constructor(options: NetnsRelaysOptions) {
    this.#o = options;
    options.placements.forEach((p, i) => this.#byIp.set(p.ip, i));
    try {
      options.placements.forEach((p, i) => this.relays.set(p.name, this.#start(p, i)));
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /** The relay `from` dials to reach `to` (recorded as a directed link). */
  dial(from: string, to: string): LinkRelay | undefined {
    this.directed.add(`${from}>${to}`);
    return this.relays.get(to);
  }

  /** Close every relay and its connections. */
  async close(): Promise<void> {
    await Promise.all([...this.relays.values()].map((r) => r.close()));
  }

  #start(to: LocalHostPlacement, index: number): LinkRelay {
    const { plan, placements } = this.#o;
    const choose = (dialler: string) => {
      const from = this.#byIp.get(dialler);
      if (from === undefined || from === index) return null;
      const name = placements[from].name;
      this.directed.add(`${name}>${to.name}`);
      const shape = this.#o.shape(name, to.name);
      return { source: netnsAlias(plan, from), forward: { shape }, backward: { shape } };
    };
    const options = {
      target: { hostname: to.ip, port: to.p2pPort },
      choose,
      maxBufferedBytes: this.#o.maxBufferedBytes,
      seed: this.#o.seed + index,
    };
    const hostname = netnsAlias(plan, index);
    try {
      return LinkRelay.start({ ...options, listen: { hostname, port: to.p2pPort } });
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
      // Something of the root namespace holds the port on every address: configured peers
      // still reach the node through another port; addresses learnt from peer lists do not.
      this.portsMoved.push(to.name);
      return LinkRelay.start({ ...options, listen: { hostname, port: 0 } });
    }
  }
}

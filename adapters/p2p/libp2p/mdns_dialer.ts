/**
 * mDNS discovery that also connects. libp2p 3 only records the peers a discovery module finds
 * (it no longer dials them), so without this two daemons on one LAN would know of each other
 * and never talk. Only mDNS finds are dialled: peers a DHT walk turns up stay undialled. Hive
 * announces under its own service name, so other libp2p software on the LAN (which uses
 * `_p2p._udp.local`) is neither found nor dialled.
 *
 * @module
 */
import { mdns } from "@libp2p/mdns";
import type { PeerDiscovery, PeerId, PeerInfo } from "@libp2p/interface";

/** The mDNS service hive daemons announce and look for. */
export const MDNS_SERVICE_TAG = "_hive._udp.local";

/** Wait before dialling a find: libp2p stores the peer's addresses meanwhile. */
export const MDNS_DIAL_DELAY_MS = 100;
/** Random extra wait, so two peers that find each other at once rarely both dial. */
export const MDNS_DIAL_JITTER_MS = 400;

/** What the dialer needs from the node. */
export interface MdnsDialTarget {
  /** Open connections to `peer`. */
  connections(peer: PeerId): number;
  /** Dial `peer` by id (its addresses are in the peer store by then). */
  dial(peer: PeerId): Promise<unknown>;
}

/** Dials what mDNS finds, once per peer at a time; {@link stop} cancels pending dials. */
export class MdnsDialer {
  #target: MdnsDialTarget | undefined;
  readonly #pending = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #dialing = new Set<string>();
  #stopped = false;
  #failures = 0;

  /** Failed dials so far (an mDNS answer can carry addresses this host cannot reach). */
  get failures(): number {
    return this.#failures;
  }

  /** The mDNS discovery module for libp2p's `peerDiscovery`, wired to this dialer. */
  discovery(): (components: never) => PeerDiscovery {
    const make = mdns({ serviceTag: MDNS_SERVICE_TAG }) as unknown as (
      components: never,
    ) => PeerDiscovery;
    return (components) => {
      const discovery = make(components);
      discovery.addEventListener(
        "peer",
        (event) => this.found((event as CustomEvent<PeerInfo>).detail),
      );
      return discovery;
    };
  }

  /** Start dialling through `target` (the node exists only after discovery is configured). */
  attach(target: MdnsDialTarget): void {
    this.#target = target;
  }

  /** Cancel pending dials; later finds are ignored. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  /** A peer mDNS found: dial it after a short wait unless connected or already on the way. */
  found(peer: PeerInfo): void {
    const key = peer.id.toString();
    if (this.#stopped || this.#pending.has(key) || this.#dialing.has(key)) return;
    const timer = setTimeout(() => {
      this.#pending.delete(key);
      this.#dial(peer.id, key);
    }, MDNS_DIAL_DELAY_MS + Math.random() * MDNS_DIAL_JITTER_MS);
    this.#pending.set(key, timer);
  }

  #dial(peer: PeerId, key: string): void {
    const target = this.#target;
    if (this.#stopped || !target || target.connections(peer) > 0) return;
    this.#dialing.add(key);
    target.dial(peer)
      .catch(() => this.#failures++)
      .finally(() => this.#dialing.delete(key));
  }
}

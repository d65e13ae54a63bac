/**
 * Keeps bootstrap peers connected. libp2p dials bootstrap peers once at start; a peer that was
 * down then, or that restarts later, is never dialled again. The keeper watches connect and
 * disconnect events and redials each missing bootstrap peer with exponential backoff (1 s
 * doubling to 30 s, with jitter) for as long as the daemon runs.
 *
 * @example
 * ```ts
 * const keeper = startBootstrapKeeper({ node, bootstrap: ["/ip4/127.0.0.1/tcp/4001/p2p/12D3..."] });
 * keeper.status(); // [{ peer_id, addr, connected, attempts, failures, reconnects }]
 * keeper.close();
 * ```
 * @module
 */
import type { BootstrapPeerStatus } from "../../adapters/p2p/ipc_protocol.ts";
import type { P2PNode } from "../../adapters/p2p/types.ts";
import type { Logger } from "../../core/logger.ts";

/** Options for {@link startBootstrapKeeper}. */
export interface BootstrapKeeperOptions {
  /** The running node. */
  node: P2PNode;
  /** Bootstrap multiaddrs, each ending in `/p2p/<peer-id>`. */
  bootstrap: readonly string[];
  /** Audit logger. */
  logger?: Logger;
  /** First redial delay after a loss or a failed dial. Default 1000 ms. */
  initialMs?: number;
  /** Largest redial delay. Default 30000 ms. */
  maxMs?: number;
  /** Time limit of one dial. Default 10000 ms. */
  dialTimeoutMs?: number;
}

/** A running keeper. */
export interface BootstrapKeeper {
  /** One entry per bootstrap address. */
  status(): BootstrapPeerStatus[];
  /** Stop redialling and detach from the node. */
  close(): void;
}

interface _Entry extends BootstrapPeerStatus {
  delayMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  dialing: boolean;
  /** Set once the peer was connected; a later connect counts as a reconnect. */
  wasConnected: boolean;
}

/** Peer id at the end of a `/p2p/<id>` multiaddr. */
export function peerIdOfMultiaddr(addr: string): string {
  const id = /\/p2p\/([^/]+)$/.exec(addr)?.[1];
  if (!id) throw new Error(`${addr}: expected a multiaddr ending in /p2p/<peer-id>`);
  return id;
}

/** Start watching and dialling the bootstrap peers. */
export function startBootstrapKeeper(options: BootstrapKeeperOptions): BootstrapKeeper {
  const { node, logger } = options;
  const initialMs = options.initialMs ?? 1000;
  const maxMs = options.maxMs ?? 30_000;
  const dialTimeoutMs = options.dialTimeoutMs ?? 10_000;
  const connected = new Set(node.peers().map((p) => p.peerId));
  const entries: _Entry[] = options.bootstrap.map((addr) => {
    const peerId = peerIdOfMultiaddr(addr);
    return {
      peer_id: peerId,
      addr,
      connected: connected.has(peerId),
      attempts: 0,
      failures: 0,
      reconnects: 0,
      delayMs: initialMs,
      timer: undefined,
      dialing: false,
      wasConnected: connected.has(peerId),
    };
  });
  let closed = false;

  const schedule = (e: _Entry, delayMs: number) => {
    if (closed || e.connected || e.timer !== undefined || e.dialing) return;
    // Jitter keeps many daemons that lost the same peer from dialling it in lockstep.
    const wait = delayMs === 0 ? 0 : delayMs * (0.8 + Math.random() * 0.4);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      void dial(e);
    }, wait);
  };

  const dial = async (e: _Entry) => {
    if (closed || e.connected || e.dialing) return;
    e.dialing = true;
    e.attempts++;
    logger?.debug("dialling bootstrap peer", { addr: e.addr, attempt: e.attempts });
    try {
      await node.connect(e.addr, AbortSignal.timeout(dialTimeoutMs));
      // The peer_connected event usually came first; mark it here as well in case it did not.
      markConnected(e);
    } catch (error) {
      e.failures++;
      const next = e.delayMs;
      e.delayMs = Math.min(e.delayMs * 2, maxMs);
      logger?.debug("bootstrap peer unreachable", {
        addr: e.addr,
        attempt: e.attempts,
        retry_in_ms: next,
        error: (error as Error)?.message ?? String(error),
      });
      e.dialing = false;
      schedule(e, next);
      return;
    }
    e.dialing = false;
  };

  const markConnected = (e: _Entry) => {
    if (e.connected) return;
    e.connected = true;
    e.delayMs = initialMs;
    clearTimeout(e.timer);
    e.timer = undefined;
    if (e.wasConnected) {
      e.reconnects++;
      logger?.info("bootstrap peer reconnected", { peer_id: e.peer_id, attempts: e.attempts });
    } else logger?.info("bootstrap peer connected", { peer_id: e.peer_id });
    e.wasConnected = true;
  };

  const off = node.on((event) => {
    if (event.type !== "peer_connected" && event.type !== "peer_disconnected") return;
    for (const e of entries) {
      if (e.peer_id !== event.peerId) continue;
      if (event.type === "peer_connected") {
        markConnected(e);
        continue;
      }
      if (!e.connected) continue;
      e.connected = false;
      logger?.warn("bootstrap peer lost", { peer_id: e.peer_id, retry_in_ms: initialMs });
      schedule(e, initialMs);
    }
  });
  for (const e of entries) schedule(e, 0);

  return {
    status: () =>
      entries.map((e) => ({
        peer_id: e.peer_id,
        addr: e.addr,
        connected: e.connected,
        attempts: e.attempts,
        failures: e.failures,
        reconnects: e.reconnects,
      })),
    close: () => {
      closed = true;
      off();
      for (const e of entries) {
        clearTimeout(e.timer);
        e.timer = undefined;
      }
    },
  };
}

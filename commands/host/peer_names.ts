/**
 * Peers with names: the P2P facade the host hands its agents, whose `peers()` entries also carry
 * the agent records (id, kind, role) announced on `/hive/agents` by the node behind each peer
 * id. The chat page shows those instead of bare peer ids.
 *
 * @module
 */
import type { AgentRecord } from "../../core/identity/registry.ts";
import type { P2PFacade, PeerInfo } from "./agent.ts";

/** What a peer entry says about the agents behind it. */
export interface PeerAgent {
  id: string;
  kind: string;
  role: string;
}

/** A peer entry plus the agents its node announced. */
export type NamedPeer = PeerInfo & { agents: PeerAgent[] };

/** Add the announced agents to each peer entry. */
export function namePeers(
  peers: readonly PeerInfo[],
  records: readonly AgentRecord[],
): NamedPeer[] {
  const byPeer = new Map<string, PeerAgent[]>();
  for (const r of records) {
    if (!r.peer_id) continue;
    const list = byPeer.get(r.peer_id) ?? [];
    list.push({ id: r.id, kind: r.kind, role: r.role });
    byPeer.set(r.peer_id, list);
  }
  return peers.map((p) => ({ ...p, agents: byPeer.get(p.peer_id) ?? [] }));
}

/**
 * Wrap `inner` so that `peers()` names each peer with the records `records()` returns now (the
 * host passes its registry's live list).
 */
export function withPeerNames(inner: P2PFacade, records: () => readonly AgentRecord[]): P2PFacade {
  return {
    peerId: () => inner.peerId(),
    publish: (topic, payload) => inner.publish(topic, payload),
    subscribe: (topic, handler) => inner.subscribe(topic, handler),
    peers: async (topic) => namePeers(await inner.peers(topic), records()),
  };
}

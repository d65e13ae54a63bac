/**
 * A {@link HiveNode} backed by a {@link HiveStore}: everything the node learns is written as it
 * happens, and a node opened on an existing store starts where the last one stopped (hive id,
 * members, bans, vouches, HiveMap, intents, contribution ledger, used tickets, pending actions).
 *
 * @module
 */
import type { LightningNode } from "../../adapters/lightning/types.ts";
import type { Intent } from "./intents.ts";
import type { Member } from "./membership.ts";
import { HiveNode, type HiveNodeOptions } from "./node.ts";
import type { PeerState } from "./state.ts";
import type { HiveStore } from "./store.ts";

function _intentKey(i: Intent): string {
  return `${i.intent_type}:${i.target}:${i.initiator}:${i.timestamp}`;
}

/** Open a node on `store`, loading what it holds and persisting every change. */
export async function openPersistentNode(
  store: HiveStore,
  options: Omit<HiveNodeOptions, "id" | "ticketUsed" | "useTicket"> & { ln: LightningNode },
): Promise<HiveNode> {
  const info = await options.ln.getinfo();
  const node = new HiveNode({
    ...options,
    id: info.id,
    ticketUsed: (s) => store.ticketUsed(s),
    useTicket: (s, now) => store.useTicket(s, now),
  });
  node.hiveId = store.getMeta("hive_id");
  for (const m of store.all<Member>("members")) node.membership.members.set(m.peer_id, m);
  for (const b of store.banned()) node.membership.banned.add(b);
  for (const v of store.vouches()) {
    let map = node.membership.vouches.get(v.target);
    if (!map) node.membership.vouches.set(v.target, map = new Map());
    map.set(v.voucher, v.ts);
  }
  for (const s of store.all<PeerState>("hive_state")) node.map.load(s);
  for (const i of store.all<Intent>("intents")) {
    if (i.initiator === node.id) node.intents.local.push(i);
    else {
      const key = `${i.intent_type}:${i.target}`;
      let m = node.intents.remote.get(key);
      if (!m) node.intents.remote.set(key, m = new Map());
      m.set(i.initiator, i);
    }
  }
  for (const e of store.contributions()) node.ledger.entries.push(e);
  node.membership.onChange = ((prev) => (what: "member" | "vouch" | "ban", id: string) => {
    prev?.(what, id);
    if (what === "member") {
      const m = node.membership.members.get(id);
      if (m) store.put("members", id, m.tier, m);
      else store.remove("members", id);
      for (const b of node.membership.banned) store.addBanned(b);
    } else if (what === "vouch") {
      const v = node.membership.vouches.get(id);
      if (v) { for (const [voucher, ts] of v) store.setVouch(id, voucher, ts); }
      else store.clearVouches(id);
    } else {
      const p = node.membership.bans.get(id);
      if (p) store.put("bans", id, null, { ...p, votes: [...p.votes] });
    }
  })(node.membership.onChange);
  node.map.onChange = (s) => store.put("hive_state", s.peer_id, s.version, s);
  node.intents.onChange = (i) => store.put("intents", _intentKey(i), i.status, i);
  node.ledger.onAdd = (e) =>
    store.addContribution(e.peer_id, e.direction, e.amount_sats, e.timestamp);
  node.onHiveId = (id) => store.setMeta("hive_id", id);
  return node;
}

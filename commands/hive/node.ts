/**
 * One hive member: the protocol modules wired to a {@link LightningNode}. It decodes custom
 * messages (peek & check), runs the handshake on both sides, keeps the HiveMap and the member
 * table in sync (gossip with relay, STATE_HASH/FULL_SYNC anti-entropy over digest buckets),
 * resolves intents and applies membership votes. Backends and time come in as arguments, so the
 * same code runs on simnet and (next issue) Core Lightning.
 *
 * Longer than 400 lines because every message handler shares the node's private state; the
 * pure rules live in the modules beside it and this file only dispatches.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  type CustomMessage,
  type LightningNode,
  msatToSats,
} from "../../adapters/lightning/types.ts";
import { fromHex, toHex } from "../../adapters/lightning/signmessage.ts";
import {
  createManifest,
  createTicket,
  decodeTicket,
  DEFAULT_INVITE_SECONDS,
  GENESIS_TICKET_SECONDS,
  NonceBook,
  verifyManifest,
  verifyTicket,
} from "./handshake.ts";
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  type MessageTypeName,
  type Payload,
  ProtocolCounters,
} from "./protocol.ts";
import { bucketOf, HiveMap, parseState, type PeerState, stateToWire } from "./state.ts";
import {
  chunkFullSync,
  fullSyncShapeError,
  isPubkey,
  stateHashShapeError,
  statesMatchFleetHash,
} from "./sync.ts";
import {
  type BroadcastState,
  DEFAULT_HEARTBEAT_SECONDS,
  DEFAULT_TTL,
  fullSyncSigningString,
  gossipSigningString,
  gossipTrigger,
  Relay,
  stateHashSigningString,
} from "./gossip.ts";
import {
  type Intent,
  intentAbortSigningString,
  IntentManager,
  intentSigningString,
  type IntentType,
  parseIntent,
} from "./intents.ts";
import { Membership, membershipSigningString, type Tier, TIERS } from "./membership.ts";
import { ContributionLedger } from "./contribution.ts";

/** Events a node reports (the simulator and the CLI listen). */
export type HiveEvent =
  | { event: "joined"; node: string; tier: Tier; via: string }
  | { event: "admitted"; node: string; peer: string }
  | { event: "refused"; node: string; peer: string; reason: string }
  | { event: "intent_committed"; node: string; intent: Intent }
  | { event: "intent_aborted"; node: string; intent: Intent }
  | { event: "promoted"; node: string; peer: string }
  | { event: "banned"; node: string; peer: string };

/** Options of {@link HiveNode}. */
export interface HiveNodeOptions {
  ln: LightningNode;
  /** Our node id (from getinfo). */
  id: string;
  heartbeatSeconds?: number;
  holdSeconds?: number;
  relayTtl?: number;
  /** Most members a relayed message is forwarded to (default: all, as cl-hive). */
  relayFanout?: number;
  /** 32 random bytes for nonces. */
  random?: () => Uint8Array;
  /** Random float in [0,1) for partner choice (seeded on simnet). */
  rand?: () => number;
  /** Features for manifests. */
  features?: string[];
  onEvent?: (e: HiveEvent) => void;
  /** Persistence hooks; the CLI wires the SQLite store here. */
  ticketUsed?: (signature: string) => boolean;
  useTicket?: (signature: string, now: number) => void;
  /** Called when a local intent commits (governance hook). */
  onCommit?: (intent: Intent) => Promise<void> | void;
}

const _RELAYED = new Set<MessageTypeName>([
  "GOSSIP",
  "INTENT",
  "INTENT_ABORT",
  "VOUCH",
  "PROMOTION",
  "PROMOTION_REQUEST",
  "BAN_PROPOSAL",
  "BAN_VOTE",
  "MEMBER_LEFT",
]);
/**
 * Manifest feature that marks a hive node (cl-hive lists features such as "splice"): toward
 * such a peer FULL_SYNC may be partial (digest buckets) and carries the admin tier as is.
 */
export const SYNC_BUCKETS_FEATURE = "hive-sync-buckets";
const _TIER_RANK: Record<string, number> = { neophyte: 1, member: 2, admin: 3 };

/** One hive member. */
export class HiveNode {
  readonly ln: LightningNode;
  readonly id: string;
  readonly counters = new ProtocolCounters();
  /** Drops after decoding (not a member, bad signature, invalid payload), by reason. */
  readonly refused: Record<string, number> = {};
  readonly map = new HiveMap();
  readonly membership = new Membership();
  readonly intents: IntentManager;
  readonly relay: Relay;
  readonly nonces: NonceBook;
  readonly ledger = new ContributionLedger();
  #hiveId: string | null = null;
  /** Called after a local intent commits (governance); set by the owner of the node. */
  onCommitHook?: (intent: Intent) => Promise<void> | void;
  /** Called when the hive id is set (for persistence). */
  onHiveId?: (id: string) => void;
  heartbeatSeconds: number;
  relayTtl: number;
  #rand: () => number;
  #features: string[];
  #onEvent: (e: HiveEvent) => void;
  #opts: HiveNodeOptions;
  #lastBroadcast: BroadcastState | null = null;
  #pendingJoin = new Map<string, string>(); // member we said HELLO to -> ticket
  #hivePeers = new Set<string>(); // peers whose syncs carry digest buckets (hive nodes)
  #sponsors = new Set<string>(); // members we joined through: their FULL_SYNC may come first
  #unsub: (() => void)[] = [];

  constructor(options: HiveNodeOptions) {
    this.ln = options.ln;
    this.id = options.id;
    this.#opts = options;
    this.heartbeatSeconds = options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS;
    this.relayTtl = options.relayTtl ?? DEFAULT_TTL;
    this.intents = new IntentManager(this.id, options.holdSeconds);
    this.relay = new Relay(this.id);
    this.nonces = new NonceBook(options.random);
    this.#rand = options.rand ?? Math.random;
    this.#features = [...new Set([...(options.features ?? []), SYNC_BUCKETS_FEATURE])];
    this.#onEvent = options.onEvent ?? (() => {});
    this.map.bucketExtra = (b) => this.#membersIn(b);
    this.membership.onChange = (what, id) => {
      if (what === "member") {
        this.#byBucket = null;
        this.map.touchBucket(bucketOf(id));
      }
    };
  }

  /** The hive we belong to, or null. */
  get hiveId(): string | null {
    return this.#hiveId;
  }

  set hiveId(id: string | null) {
    this.#hiveId = id;
    if (id) this.onHiveId?.(id);
  }

  /** Listen to the backend's custom messages and forwards. */
  start(): void {
    this.#unsub.push(this.ln.onCustomMessage((m) => this.handle(m)));
    this.#unsub.push(this.ln.onForward((e) => {
      if (e.status !== "settled") return;
      const t = e.received_time;
      if (this.membership.has(e.in_peer)) {
        this.ledger.record({
          peer_id: e.in_peer,
          direction: "forwarded",
          amount_sats: msatToSats(e.in_msat),
          timestamp: t,
        });
      }
      if (this.membership.has(e.out_peer)) {
        this.ledger.record({
          peer_id: e.out_peer,
          direction: "received",
          amount_sats: msatToSats(e.out_msat),
          timestamp: t,
        });
      }
    }));
  }

  /** Stop listening. */
  stop(): void {
    for (const u of this.#unsub.splice(0)) u();
  }

  /** Our tier, or null outside a hive. */
  get tier(): Tier | null {
    return this.membership.members.get(this.id)?.tier ?? null;
  }

  #byBucket: [string, string][][] | null = null;

  #membersIn(bucket: number): unknown {
    if (!this.#byBucket) {
      // One pass groups the table; rebuilt only after a membership change.
      const groups: [string, string][][] = Array.from({ length: 256 }, () => []);
      for (const m of this.membership.members.values()) {
        groups[bucketOf(m.peer_id)].push([m.peer_id, m.tier]);
      }
      for (const b of this.membership.banned) groups[bucketOf(b)].push([b, "banned"]);
      for (const g of groups) g.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      this.#byBucket = groups;
    }
    return this.#byBucket[bucket];
  }

  #refuse(reason: string): void {
    this.refused[reason] = (this.refused[reason] ?? 0) + 1;
  }

  // ---------------------------------------------------------------- sending

  /** Send one message to one peer. */
  async send(peer: string, type: MessageTypeName, payload: Payload): Promise<void> {
    await this.ln.sendcustommsg(peer, toHex(encodeMessage(MessageType[type], payload)));
  }

  /** Members we are connected to. */
  async connectedMembers(): Promise<string[]> {
    const peers = await this.ln.listpeers();
    return peers.filter((p) => p.connected && p.id !== this.id && this.membership.has(p.id)).map((
      p,
    ) => p.id);
  }

  /** Originate a relayed broadcast to every connected member. */
  async broadcast(type: MessageTypeName, payload: Payload): Promise<number> {
    const framed = this.relay.originate(payload, this.ln.now(), this.relayTtl);
    const to = await this.connectedMembers();
    const hex = toHex(encodeMessage(MessageType[type], framed));
    for (const p of to) await this.ln.sendcustommsg(p, hex);
    return to.length;
  }

  // ---------------------------------------------------------------- admin / join

  /** Found a hive with us as admin; returns cl-hive's genesis result. */
  async genesis(hiveId?: string): Promise<Record<string, unknown>> {
    if (this.tier) throw new Error(`already member of hive ${this.hiveId} (tier: ${this.tier})`);
    const now = this.ln.now();
    this.hiveId = hiveId ??
      `hive_${
        toHex(this.#opts.random?.() ?? crypto.getRandomValues(new Uint8Array(32))).slice(0, 16)
      }`;
    const { base64 } = await createTicket(this.ln, {
      hiveId: this.hiveId,
      adminPubkey: this.id,
      validSeconds: GENESIS_TICKET_SECONDS,
    });
    this.membership.add(this.id, "admin", now);
    await this.publishState({
      capacity_sats: 0,
      available_sats: 0,
      fee_policy: {},
      topology: [],
      budget_available_sats: 0,
    }, { force: true });
    return {
      status: "genesis_complete",
      hive_id: this.hiveId,
      admin_pubkey: this.id,
      genesis_ticket: base64,
    };
  }

  /** An invite ticket (admins only). */
  async invite(validSeconds = DEFAULT_INVITE_SECONDS, requirements = 0): Promise<string> {
    if (this.tier !== "admin" || !this.hiveId) {
      throw new Error("only admins can generate invite tickets");
    }
    const { base64 } = await createTicket(this.ln, {
      hiveId: this.hiveId,
      adminPubkey: this.id,
      validSeconds,
      requirements,
    });
    return base64;
  }

  /** Present a ticket to a member (connects first). The rest happens in messages. */
  async join(ticket: string, memberId: string): Promise<void> {
    await this.ln.connect(memberId);
    this.#pendingJoin.set(memberId, ticket);
    this.#sponsors.add(memberId);
    await this.send(memberId, "HELLO", { ticket, protocol_version: 1 });
  }

  // ---------------------------------------------------------------- state

  /** Update our own state; gossips if a cl-hive threshold is crossed. Returns the trigger. */
  async publishState(
    fields: Pick<
      PeerState,
      "capacity_sats" | "available_sats" | "fee_policy" | "topology" | "budget_available_sats"
    >,
    options: { force?: boolean } = {},
  ): Promise<string | null> {
    const now = this.ln.now();
    const trigger = gossipTrigger(this.#lastBroadcast, fields, now, {
      heartbeatSeconds: this.heartbeatSeconds,
      forceStatus: options.force,
    });
    if (!trigger) return null;
    const state = this.map.updateLocal(this.id, fields, now);
    this.#lastBroadcast = { ...fields, last_broadcast: now };
    const payload: Payload = {
      peer_id: this.id,
      sender_id: this.id,
      ...stateToWire(state),
      timestamp: now,
      fleet_hash: this.map.fleetHash(),
    };
    delete payload.last_update;
    payload.signature = (await this.ln.signmessage(gossipSigningString(payload))).zbase;
    await this.broadcast("GOSSIP", payload);
    return trigger;
  }

  /** Record our own state as broadcast without sending it (a restored snapshot). */
  restoreLocal(
    fields: Pick<
      PeerState,
      "capacity_sats" | "available_sats" | "fee_policy" | "topology" | "budget_available_sats"
    >,
  ): PeerState {
    const now = this.ln.now();
    this.#lastBroadcast = { ...fields, last_broadcast: now };
    return this.map.updateLocal(this.id, fields, now);
  }

  /** Heartbeat check: re-gossip unchanged state when the heartbeat is due. */
  async heartbeat(): Promise<void> {
    const s = this.map.get(this.id);
    if (!s || !this.#lastBroadcast) return;
    await this.publishState(s);
  }

  /** STATE_HASH payload: cl-hive's fields plus our digest buckets. */
  async stateHashPayload(): Promise<Payload> {
    const p: Payload = {
      sender_id: this.id,
      fleet_hash: this.map.fleetHash(),
      peer_count: this.map.size,
      timestamp: this.ln.now(),
      // Not cl-hive's `membership_hash` (computed differently), so a cl-hive node ignores it.
      members_digest: this.membershipHash(),
      buckets: this.map.bucketDigest(),
    };
    p.signature = (await this.ln.signmessage(stateHashSigningString(p))).zbase;
    return p;
  }

  /** Hash of the member table (sorted id:tier rows). */
  membershipHash(): string {
    const d = this.map.bucketDigest(); // members are folded into the buckets
    if (d !== this.#digestSeen) {
      this.#digestSeen = d;
      this.#membershipHash = createHash("sha256").update(d.join("")).digest("hex");
    }
    return this.#membershipHash;
  }

  #digestSeen: string[] | null = null;
  #membershipHash = "";

  /** One anti-entropy round: STATE_HASH to one random connected member. */
  async antiEntropy(): Promise<void> {
    const peers = await this.connectedMembers();
    if (peers.length === 0) return;
    const peer = peers[Math.floor(this.#rand() * peers.length)];
    await this.send(peer, "STATE_HASH", await this.stateHashPayload());
  }

  /**
   * FULL_SYNC of the given buckets, cut into messages that each pass cl-hive's checks (see
   * `sync.ts`). Toward a peer not known to be a hive node the admin tier goes out as member,
   * since cl-hive would file any other tier as neophyte.
   */
  async #sendFullSync(peer: string, buckets: number[], reply: boolean): Promise<void> {
    const set = new Set(buckets);
    const ours = this.#hivePeers.has(peer);
    const members: Record<string, unknown>[] = [];
    for (const m of this.membership.members.values()) {
      if (!set.has(bucketOf(m.peer_id))) continue;
      const tier = m.tier === "admin" && !ours ? "member" : m.tier;
      members.push({ peer_id: m.peer_id, tier, joined_at: m.joined_at });
    }
    const banned = [...this.membership.banned].filter((b) => set.has(bucketOf(b)));
    const digest = this.map.bucketDigest();
    // Envelope, sender_id, fleet_hash, timestamp, signature, hive_id, and on the last chunk the
    // 256 bucket digests (19 bytes each with quotes and comma).
    const overhead = 700 + (this.hiveId?.length ?? 0) + 256 * 19;
    const chunks = chunkFullSync(this.map.statesIn(buckets), members, banned, { overhead });
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i], last = i === chunks.length - 1;
      const payload: Payload = {
        sender_id: this.id,
        states: c.states,
        members: c.members,
        fleet_hash: c.fleet_hash,
        timestamp: this.ln.now(),
        hive_id: this.hiveId,
        ...(c.banned.length > 0 ? { banned: c.banned } : {}),
        ...(last ? { buckets: digest, reply } : {}),
      };
      payload.signature = (await this.ln.signmessage(fullSyncSigningString(payload))).zbase;
      await this.send(peer, "FULL_SYNC", payload);
    }
  }

  /** Whether a checked FULL_SYNC's bans, member rows or states would change ours. */
  #fullSyncChanges(p: Payload): boolean {
    if (Array.isArray(p.banned) && p.banned.some((id) => this.#newBan(id))) return true;
    if (Array.isArray(p.members) && p.members.some((r) => this.#memberChange(r) !== null)) {
      return true;
    }
    return Array.isArray(p.states) && this.map.wouldMerge(this.#memberStates(p.states));
  }

  #memberStates(states: unknown[]): unknown[] {
    return states.filter((s) => this.membership.has((s as Payload)?.peer_id as string));
  }

  #newBan(id: unknown): id is string {
    return isPubkey(id) && !this.membership.banned.has(id);
  }

  #mergeBans(ids: unknown[]): void {
    for (const id of ids) {
      if (!this.#newBan(id)) continue;
      this.membership.banned.add(id);
      this.membership.remove(id);
      this.map.remove(id);
    }
  }

  /** A member row that would add a member or raise a tier, else null. */
  #memberChange(raw: unknown): { id: string; tier: Tier; joined_at: unknown } | null {
    if (typeof raw !== "object" || raw === null) return null;
    const r = raw as Record<string, unknown>;
    const id = r.peer_id, tier = r.tier;
    if (typeof id !== "string" || !/^0[23][0-9a-f]{64}$/.test(id)) return null;
    if (typeof tier !== "string" || !(TIERS as readonly string[]).includes(tier)) return null;
    if (this.membership.banned.has(id)) return null;
    const have = this.membership.members.get(id);
    if (have && _TIER_RANK[tier] <= _TIER_RANK[have.tier]) return null;
    return { id, tier: tier as Tier, joined_at: r.joined_at };
  }

  #mergeMembers(rows: unknown[], now: number): void {
    for (const raw of rows) {
      const c = this.#memberChange(raw);
      if (c === null) continue;
      const have = this.membership.members.get(c.id);
      if (!have) {
        const m = this.membership.add(
          c.id,
          c.tier,
          typeof c.joined_at === "number" ? c.joined_at : now,
        );
        if (typeof c.joined_at === "number") m.joined_at = c.joined_at;
      } else {
        have.tier = c.tier;
        have.promoted_at = now;
        this.membership.onChange?.("member", c.id);
      }
    }
  }

  /** Whether `signature` over `text` is `key`'s (always checked with the claimed key). */
  async #signedBy(text: string, signature: unknown, key: string): Promise<boolean> {
    if (typeof signature !== "string") return false;
    return (await this.ln.checkmessage(text, signature, key)).verified;
  }

  // ---------------------------------------------------------------- intents

  /** Announce an intent; returns it (status aborted if a lower key already holds the target). */
  async announceIntent(type: IntentType, target: string): Promise<Intent> {
    const intent = this.intents.create(type, target, this.ln.now());
    if (intent.status !== "pending") {
      this.#onEvent({ event: "intent_aborted", node: this.id, intent });
      return intent;
    }
    const payload: Payload = {
      intent_type: intent.intent_type,
      target: intent.target,
      initiator: intent.initiator,
      timestamp: intent.timestamp,
      expires_at: intent.expires_at,
    };
    payload.signature = (await this.ln.signmessage(intentSigningString(payload))).zbase;
    await this.broadcast("INTENT", payload);
    this.#announced.set(intent, payload);
    return intent;
  }

  /** Signed INTENT payloads of our pending intents, re-sent while they are held. */
  #announced = new Map<Intent, Payload>();

  /**
   * The commit loop body: re-announce intents still on hold (the same msg_id, so members that
   * have it drop the copy; one that lost the first to the network gets it now), commit due
   * intents, clean stale ones.
   */
  async commitLoop(): Promise<Intent[]> {
    const now = this.ln.now();
    for (const [intent, payload] of this.#announced) {
      if (intent.status !== "pending") this.#announced.delete(intent);
      else if (now < intent.timestamp + this.intents.holdSeconds) {
        await this.broadcast("INTENT", payload);
      }
    }
    const done = this.intents.commitDue(now);
    for (const i of done) {
      this.#onEvent({ event: "intent_committed", node: this.id, intent: i });
      await this.#opts.onCommit?.(i);
      await this.onCommitHook?.(i);
    }
    this.intents.cleanup(now);
    return done;
  }

  async #abort(intent: Intent): Promise<void> {
    this.#onEvent({ event: "intent_aborted", node: this.id, intent });
    const payload: Payload = {
      intent_type: intent.intent_type,
      target: intent.target,
      initiator: intent.initiator,
      timestamp: intent.timestamp,
      reason: "tie_breaker_loss",
    };
    payload.signature = (await this.ln.signmessage(intentAbortSigningString(payload))).zbase;
    await this.broadcast("INTENT_ABORT", payload);
  }

  // ---------------------------------------------------------------- membership actions

  async #signedBroadcast(
    type: MessageTypeName,
    payload: Payload,
    sigField = "signature",
  ): Promise<void> {
    payload[sigField] = (await this.ln.signmessage(membershipSigningString(type, payload))).zbase;
    await this.broadcast(type, payload);
  }

  /** Ask for promotion (neophytes). */
  async requestPromotion(): Promise<string> {
    const requestId = toHex(crypto.getRandomValues(new Uint8Array(8)));
    await this.#signedBroadcast("PROMOTION_REQUEST", {
      target_pubkey: this.id,
      request_id: requestId,
      timestamp: this.ln.now(),
    });
    return requestId;
  }

  /** Vouch for a neophyte. */
  async vouch(target: string, requestId = "00"): Promise<boolean> {
    const now = this.ln.now();
    if (!this.membership.voters().includes(this.id)) {
      throw new Error("only members and admins can vouch");
    }
    if (this.membership.members.get(target)?.tier !== "neophyte") {
      throw new Error(`${target} is not a neophyte here`);
    }
    const payload: Payload = {
      target_pubkey: target,
      request_id: requestId,
      timestamp: now,
      voucher_pubkey: this.id,
    };
    await this.#signedBroadcast("VOUCH", payload, "sig");
    this.#keepProof(payload);
    const promoted = this.#applyVouch(target, this.id, now);
    if (promoted) {
      // Our vouch completed the quorum: tell the fleet with the signed vouches as proof.
      const proofs = (this.#vouchProofs.get(target) ?? []).slice(0, 50);
      await this.broadcast("PROMOTION", {
        target_pubkey: target,
        request_id: requestId,
        vouches: proofs,
      });
    }
    return promoted;
  }

  /** Signed VOUCH payloads by target, the proof a PROMOTION carries. */
  #vouchProofs = new Map<string, Payload[]>();

  #keepProof(p: Payload): void {
    const target = String(p.target_pubkey);
    const { _relay: _, ...proof } = p;
    const list = this.#vouchProofs.get(target) ?? [];
    if (!list.some((v) => v.voucher_pubkey === proof.voucher_pubkey)) list.push(proof);
    this.#vouchProofs.set(target, list);
  }

  /** Leave the hive: a signed MEMBER_LEFT to the fleet, then forget the membership here. */
  async leave(reason = "voluntary"): Promise<void> {
    if (!this.tier) throw new Error("not in a hive");
    await this.#signedBroadcast("MEMBER_LEFT", {
      peer_id: this.id,
      timestamp: this.ln.now(),
      reason,
    });
    this.membership.remove(this.id);
  }

  #applyVouch(target: string, voucher: string, now: number): boolean {
    if (this.membership.vouch(target, voucher, now) && this.membership.promote(target, now)) {
      this.#onEvent({ event: "promoted", node: this.id, peer: target });
      return true;
    }
    return false;
  }

  /** Propose a ban; returns the proposal id. */
  async proposeBan(target: string, reason: string): Promise<string> {
    const now = this.ln.now();
    if (!this.membership.voters().includes(this.id)) {
      throw new Error("only members and admins can propose bans");
    }
    const id = toHex(crypto.getRandomValues(new Uint8Array(8)));
    this.membership.propose(id, target, this.id, reason, now);
    await this.#signedBroadcast("BAN_PROPOSAL", {
      target_peer_id: target,
      proposer_peer_id: this.id,
      proposal_id: id,
      reason,
      timestamp: now,
    });
    this.#checkBan(this.membership.vote(id, this.id, "approve"));
    return id;
  }

  /** Vote on a ban proposal. */
  async voteBan(proposalId: string, vote: "approve" | "reject"): Promise<boolean> {
    await this.#signedBroadcast("BAN_VOTE", {
      proposal_id: proposalId,
      voter_peer_id: this.id,
      vote,
      timestamp: this.ln.now(),
    });
    return this.#checkBan(this.membership.vote(proposalId, this.id, vote));
  }

  #checkBan(target: string | null): boolean {
    if (!target) return false;
    this.map.remove(target);
    this.#onEvent({ event: "banned", node: this.id, peer: target });
    return true;
  }

  // ---------------------------------------------------------------- receiving

  /** Handle one custom message (the custommsg hook). Never throws on bad input. */
  async handle(m: CustomMessage): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = fromHex(m.payload);
    } catch {
      this.#refuse("bad_hex");
      return;
    }
    const d = this.counters.count(decodeMessage(bytes));
    if (d.kind !== "message") return;
    try {
      await this.#dispatch(m.peer_id, d.name, d.payload);
    } catch (e) {
      this.#refuse(`error:${(e as Error).message.slice(0, 60)}`);
    }
  }

  async #dispatch(from: string, name: MessageTypeName, p: Payload): Promise<void> {
    const now = this.ln.now();
    switch (name) {
      case "HELLO":
        return await this.#onHello(from, p, now);
      case "CHALLENGE":
        return await this.#onChallenge(from, p);
      case "ATTEST":
        return await this.#onAttest(from, p, now);
      case "WELCOME":
        return this.#onWelcome(from, p, now);
    }
    const sponsor = name === "FULL_SYNC" && this.#sponsors.has(from);
    if (!this.membership.has(from) && !sponsor) return this.#refuse("not_member");
    if (name === "STATE_HASH" || name === "FULL_SYNC") {
      // cl-hive's checks (handle_state_hash / handle_full_sync): the shape, the sender is the
      // direct peer, a FULL_SYNC's states hash to its fleet_hash, and the sender's signature.
      // The signature (a key recovery, the costly part) is checked last and only when the
      // message would act: a matching STATE_HASH, or a FULL_SYNC with nothing new and nothing
      // to answer, is dropped without one (it changes nothing whoever signed it).
      const shape = name === "STATE_HASH" ? stateHashShapeError(p) : fullSyncShapeError(p);
      if (shape !== null) return this.#refuse(`bad_${name.toLowerCase()}_${shape}`);
      if (p.sender_id !== from) return this.#refuse("sender_mismatch");
      if (name === "FULL_SYNC" && !statesMatchFleetHash(p)) {
        return this.#refuse("states_hash_mismatch");
      }
    }
    if (name === "STATE_HASH") {
      // A cl-hive node sends no members digest: compare what it compares, the fleet hash.
      const same = p.fleet_hash === this.map.fleetHash() &&
        (p.members_digest === undefined || p.members_digest === this.membershipHash());
      if (same) return;
      if (!(await this.#signedBy(stateHashSigningString(p), p.signature, from))) {
        return this.#refuse("bad_signature");
      }
      // Digest buckets mark a hive node: toward it we send partial syncs and our own tiers.
      if (Array.isArray(p.buckets)) this.#hivePeers.add(from);
      return await this.#sendFullSync(from, this.map.differingBuckets(p.buckets), true);
    }
    if (name === "FULL_SYNC") {
      const answers = p.reply === true && Array.isArray(p.buckets);
      if (!this.#fullSyncChanges(p) && !(answers && this.map.differingBuckets(p.buckets).length)) {
        return;
      }
      if (!(await this.#signedBy(fullSyncSigningString(p), p.signature, from))) {
        return this.#refuse("bad_signature");
      }
      if (Array.isArray(p.buckets)) this.#hivePeers.add(from);
      if (Array.isArray(p.members)) this.#mergeMembers(p.members, now);
      if (Array.isArray(p.banned)) this.#mergeBans(p.banned);
      if (Array.isArray(p.states)) this.map.applyFullSync(this.#memberStates(p.states));
      if (answers) {
        const diff = this.map.differingBuckets(p.buckets);
        if (diff.length > 0) await this.#sendFullSync(from, diff, false);
      }
      return;
    }
    if (!_RELAYED.has(name)) {
      this.counters.unhandled++;
      return;
    }
    if (!this.relay.firstSight(p, now)) return;
    if (!(await this.#apply(name, p, now))) return;
    const fwd = this.relay.forward(p, from, await this.connectedMembers(), {
      // Only state gossip is thinned; intents and votes flood, as their outcome depends on
      // every contender hearing every rival.
      fanout: name === "GOSSIP" ? this.#opts.relayFanout : undefined,
      rand: this.#rand,
    });
    if (fwd) {
      const hex = toHex(encodeMessage(MessageType[name], fwd.payload));
      for (const to of fwd.to) await this.ln.sendcustommsg(to, hex);
    }
  }

  /** Verify and apply a relayed message; false when it was refused (then not relayed). */
  async #apply(name: MessageTypeName, p: Payload, now: number): Promise<boolean> {
    const verify = async (text: string, sig: unknown, key: unknown): Promise<boolean> => {
      if (typeof sig !== "string" || typeof key !== "string") return false;
      // Always with the claimed key (cl-hive omits it and drops senders missing from its graph).
      return (await this.ln.checkmessage(text, sig, key)).verified;
    };
    const ok = (good: boolean, reason: string) => {
      if (!good) this.#refuse(reason);
      return good;
    };
    switch (name) {
      case "GOSSIP": {
        if (
          !ok(
            p.peer_id === p.sender_id && this.membership.has(p.sender_id as string),
            "gossip_sender",
          )
        ) return false;
        if (!ok(await verify(gossipSigningString(p), p.signature, p.sender_id), "bad_signature")) {
          return false;
        }
        const s = parseState(p);
        if (!ok(s !== null, "bad_state")) return false;
        this.map.merge(s!);
        return true;
      }
      case "INTENT": {
        const i = parseIntent(p);
        if (!ok(i !== null && this.membership.has(i.initiator), "bad_intent")) return false;
        if (!ok(await verify(intentSigningString(p), p.signature, i!.initiator), "bad_signature")) {
          return false;
        }
        for (const lost of this.intents.receive(i!).aborted) await this.#abort(lost);
        return true;
      }
      case "INTENT_ABORT": {
        if (
          !ok(await verify(intentAbortSigningString(p), p.signature, p.initiator), "bad_signature")
        ) return false;
        this.intents.receiveAbort(String(p.intent_type), String(p.target), String(p.initiator));
        return true;
      }
      case "VOUCH": {
        if (
          !ok(
            await verify(membershipSigningString(name, p), p.sig, p.voucher_pubkey),
            "bad_signature",
          )
        ) return false;
        this.#keepProof(p);
        this.#applyVouch(String(p.target_pubkey), String(p.voucher_pubkey), now);
        return true;
      }
      case "PROMOTION": {
        // Check every vouch it carries; apply the valid ones; promote if they reach the quorum.
        const target = p.target_pubkey, vouches = p.vouches;
        if (
          !ok(
            typeof target === "string" && Array.isArray(vouches) && vouches.length <= 50,
            "bad_promotion",
          )
        ) {
          return false;
        }
        for (const v of vouches as Payload[]) {
          if (typeof v !== "object" || v === null || v.target_pubkey !== target) continue;
          if (!(await verify(membershipSigningString("VOUCH", v), v.sig, v.voucher_pubkey))) {
            continue;
          }
          this.#keepProof(v);
          this.#applyVouch(target as string, String(v.voucher_pubkey), now);
        }
        return true;
      }
      case "PROMOTION_REQUEST":
        // Informational; cl-hive sends it unsigned, so only a signature that is there must hold.
        return p.signature === undefined || ok(
          await verify(membershipSigningString(name, p), p.signature, p.target_pubkey),
          "bad_signature",
        );
      case "BAN_PROPOSAL": {
        if (
          !ok(
            await verify(membershipSigningString(name, p), p.signature, p.proposer_peer_id),
            "bad_signature",
          )
        ) return false;
        this.membership.propose(
          String(p.proposal_id),
          String(p.target_peer_id),
          String(p.proposer_peer_id),
          String(p.reason),
          now,
        );
        this.#checkBan(
          this.membership.vote(String(p.proposal_id), String(p.proposer_peer_id), "approve"),
        );
        return true;
      }
      case "BAN_VOTE": {
        if (
          !ok(
            await verify(membershipSigningString(name, p), p.signature, p.voter_peer_id),
            "bad_signature",
          )
        ) return false;
        const v = p.vote === "approve" ? "approve" : "reject";
        this.#checkBan(this.membership.vote(String(p.proposal_id), String(p.voter_peer_id), v));
        return true;
      }
      case "MEMBER_LEFT": {
        if (
          !ok(
            await verify(membershipSigningString(name, p), p.signature, p.peer_id),
            "bad_signature",
          )
        ) return false;
        this.membership.remove(String(p.peer_id));
        this.map.remove(String(p.peer_id));
        return true;
      }
      default:
        this.counters.unhandled++;
        return true;
    }
  }

  async #onHello(from: string, p: Payload, now: number): Promise<void> {
    if (!this.hiveId || !this.tier) return this.#refuse("hello_not_in_hive");
    if (typeof p.ticket !== "string") return this.#refuse("hello_no_ticket");
    const check = await verifyTicket(this.ln, p.ticket, {
      isAdmin: (k) => this.membership.members.get(k)?.tier === "admin",
      wasUsed: this.#opts.ticketUsed,
    });
    if (!check.ok) {
      this.#refuse(`ticket_${check.reason}`);
      this.#onEvent({ event: "refused", node: this.id, peer: from, reason: check.reason });
      return;
    }
    if (check.ticket.hive_id !== this.hiveId) return this.#refuse("ticket_other_hive");
    if (this.membership.banned.has(from)) return this.#refuse("banned_peer");
    const issued = this.nonces.issue(from, now, {
      requirements: check.ticket.requirements,
      ticketSignature: check.ticket.signature,
    });
    if ("refused" in issued) return this.#refuse(`challenge_${issued.refused}`);
    await this.send(from, "CHALLENGE", { nonce: issued.nonce, hive_id: this.hiveId });
  }

  async #onChallenge(from: string, p: Payload): Promise<void> {
    if (!this.#pendingJoin.has(from)) return this.#refuse("unexpected_challenge");
    if (typeof p.nonce !== "string" || typeof p.hive_id !== "string") {
      return this.#refuse("bad_challenge");
    }
    const a = await createManifest(this.ln, this.id, p.nonce, this.#features);
    await this.send(from, "ATTEST", {
      pubkey: this.id,
      version: a.manifest.version,
      features: a.manifest.features,
      nonce_signature: a.nonce_signature,
      manifest_signature: a.manifest_signature,
      manifest: a.manifest as unknown as Payload,
    });
  }

  async #onAttest(from: string, p: Payload, now: number): Promise<void> {
    const pending = this.nonces.redeem(from, (p.manifest as Payload | undefined)?.nonce, now);
    if ("refused" in pending) {
      this.#refuse(`nonce_${pending.refused}`);
      this.#onEvent({
        event: "refused",
        node: this.id,
        peer: from,
        reason: `nonce_${pending.refused}`,
      });
      return;
    }
    const v = await verifyManifest(this.ln, from, p as never, pending.nonce);
    if (!v.ok) return this.#refuse(`attest:${v.error}`);
    // An invite admits one node; the same ticket presented again is a replay.
    if (this.#opts.ticketUsed?.(pending.ticket_signature)) return this.#refuse("ticket_replayed");
    this.#opts.useTicket?.(pending.ticket_signature, now);
    this.membership.add(from, "neophyte", now);
    const features = (p.manifest as Payload | undefined)?.features;
    if (Array.isArray(features) && features.includes(SYNC_BUCKETS_FEATURE)) {
      this.#hivePeers.add(from);
    }
    this.#onEvent({ event: "admitted", node: this.id, peer: from });
    await this.send(from, "WELCOME", {
      hive_id: this.hiveId,
      tier: "neophyte",
      member_count: this.membership.members.size,
      state_hash: this.map.fleetHash(),
    });
    await this.#sendFullSync(from, [...Array(256).keys()], false);
  }

  #onWelcome(from: string, p: Payload, now: number): void {
    const ticket = this.#pendingJoin.get(from);
    if (ticket === undefined) return this.#refuse("unexpected_welcome");
    this.#pendingJoin.delete(from);
    if (typeof p.hive_id !== "string" || typeof p.tier !== "string") {
      return this.#refuse("bad_welcome");
    }
    this.hiveId = p.hive_id;
    this.membership.add(this.id, p.tier as Tier, now);
    // The ticket's signer is an admin for certain. Knowing one member lets anti-entropy start
    // even if the sponsor's first FULL_SYNC was lost on the way.
    try {
      const admin = decodeTicket(ticket).admin_pubkey;
      if (admin !== this.id && !this.membership.members.has(admin)) {
        this.membership.add(admin, "admin", now);
      }
    } catch {
      // We presented this ticket ourselves; it decodes.
    }
    this.#onEvent({ event: "joined", node: this.id, tier: p.tier as Tier, via: from });
  }
}

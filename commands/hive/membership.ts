/**
 * Members, tiers and the votes that change them. Tiers: admin, member, neophyte (a joiner starts
 * as neophyte). A neophyte asks with PROMOTION_REQUEST; members answer with VOUCH; promotion needs
 * vouches from at least 51 % of the members and at least 3 (or all of them when fewer exist).
 * A ban needs a BAN_PROPOSAL and approving BAN_VOTEs from 51 % of the members.
 *
 * @module
 */
import { canonicalJson } from "./canonical.ts";

/** Tiers. */
export const TIERS = ["admin", "member", "neophyte"] as const;
/** One of {@link TIERS}. */
export type Tier = (typeof TIERS)[number];
/** Share of members whose vouch or vote carries a decision. */
export const QUORUM_SHARE = 0.51;
/** Fewest vouches for a promotion. */
export const MIN_VOUCHES = 3;
/** A vouch counts for 7 days. */
export const VOUCH_TTL_SECONDS = 7 * 24 * 3600;

/** One member row (cl-hive's `hive_members` columns we keep). */
export interface Member {
  peer_id: string;
  tier: Tier;
  joined_at: number;
  promoted_at: number | null;
  contribution_ratio: number;
  uptime_pct: number;
}

/**
 * Signing string of a membership message, as cl-hive builds it: `hive:vouch:{target}:{request_id}:
 * {timestamp}`, `hive:ban_proposal:{id}:{target}:{timestamp}:{reason}`,
 * `hive:ban_vote:{id}:{vote}:{timestamp}`, `hive:leave:{peer}:{timestamp}:{reason}`. cl-hive does
 * not sign PROMOTION_REQUEST; we sign its sorted compact JSON (an extra field cl-hive ignores).
 */
export function membershipSigningString(type: string, p: Record<string, unknown>): string {
  const f = (k: string) => _pyStr(p[k]);
  switch (type) {
    case "VOUCH":
      return `hive:vouch:${f("target_pubkey")}:${f("request_id")}:${f("timestamp")}`;
    case "BAN_PROPOSAL":
      return `hive:ban_proposal:${f("proposal_id")}:${f("target_peer_id")}:${f("timestamp")}:${
        f("reason")
      }`;
    case "BAN_VOTE":
      return `hive:ban_vote:${f("proposal_id")}:${f("vote")}:${f("timestamp")}`;
    case "MEMBER_LEFT":
      return `hive:leave:${f("peer_id")}:${f("timestamp")}:${f("reason")}`;
  }
  const fields: Record<string, unknown> = { type };
  for (const [k, v] of Object.entries(p)) {
    if (k !== "signature" && k !== "sig" && k !== "_relay") fields[k] = v;
  }
  return canonicalJson(fields);
}

/** Python's `str()` of a JSON value inside an f-string (ints and strings are what appear). */
function _pyStr(v: unknown): string {
  if (v === undefined || v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  return String(v);
}

/** Votes needed out of `voters` eligible members. */
export function quorum(voters: number, minimum = 1): number {
  return Math.max(Math.min(minimum, voters), Math.ceil(voters * QUORUM_SHARE));
}

/** The member table with vouches and ban votes. */
export class Membership {
  readonly members = new Map<string, Member>();
  /** target -> voucher -> timestamp. */
  readonly vouches = new Map<string, Map<string, number>>();
  /** proposal_id -> proposal with votes. */
  readonly bans = new Map<string, {
    target: string;
    proposer: string;
    reason: string;
    timestamp: number;
    votes: Map<string, "approve" | "reject">;
    executed: boolean;
  }>();
  /** Banned ids. */
  readonly banned = new Set<string>();
  /** Called on any change (for persistence). */
  onChange?: (what: "member" | "vouch" | "ban", id: string) => void;

  /** Members of a tier, or all. */
  list(tier?: Tier): Member[] {
    return [...this.members.values()].filter((m) => !tier || m.tier === tier);
  }

  /** Pubkeys that vote: admins and members. */
  voters(): string[] {
    return this.list().filter((m) => m.tier !== "neophyte").map((m) => m.peer_id);
  }

  /** Whether `id` is in the hive (any tier) and not banned. */
  has(id: string): boolean {
    return this.members.has(id) && !this.banned.has(id);
  }

  /** Add or replace a member. */
  add(peerId: string, tier: Tier, now: number): Member {
    const m: Member = {
      peer_id: peerId,
      tier,
      joined_at: this.members.get(peerId)?.joined_at ?? now,
      promoted_at: tier === "neophyte" ? null : now,
      contribution_ratio: 0,
      uptime_pct: 100,
    };
    this.members.set(peerId, m);
    this.onChange?.("member", peerId);
    return m;
  }

  /** Remove a member (left or banned). */
  remove(peerId: string): void {
    this.members.delete(peerId);
    this.vouches.delete(peerId);
    this.onChange?.("member", peerId);
  }

  /** Record a vouch; returns true when the target now has enough to be promoted. */
  vouch(target: string, voucher: string, now: number): boolean {
    if (!this.voters().includes(voucher) || this.members.get(target)?.tier !== "neophyte") {
      return false;
    }
    let v = this.vouches.get(target);
    if (!v) this.vouches.set(target, v = new Map());
    v.set(voucher, now);
    this.onChange?.("vouch", target);
    return this.promotable(target, now);
  }

  /** Whether a neophyte has vouches from 51 % of the voters and at least 3. */
  promotable(target: string, now: number): boolean {
    const voters = new Set(this.voters());
    const v = this.vouches.get(target);
    if (!v) return false;
    let live = 0;
    for (const [who, t] of v) if (voters.has(who) && now - t <= VOUCH_TTL_SECONDS) live++;
    return live >= quorum(voters.size, MIN_VOUCHES);
  }

  /** Promote a neophyte to member. */
  promote(target: string, now: number): boolean {
    const m = this.members.get(target);
    if (!m || m.tier !== "neophyte") return false;
    m.tier = "member";
    m.promoted_at = now;
    this.vouches.delete(target);
    this.onChange?.("member", target);
    return true;
  }

  /** Open a ban proposal. */
  propose(id: string, target: string, proposer: string, reason: string, now: number): void {
    if (this.bans.has(id)) return;
    this.bans.set(id, {
      target,
      proposer,
      reason,
      timestamp: now,
      votes: new Map([[proposer, "approve"]]),
      executed: false,
    });
    this.onChange?.("ban", id);
  }

  /** Record a vote; returns the target when the ban now carries (once). */
  vote(id: string, voter: string, vote: "approve" | "reject"): string | null {
    const p = this.bans.get(id);
    if (!p || p.executed || !this.voters().includes(voter)) return null;
    p.votes.set(voter, vote);
    this.onChange?.("ban", id);
    const voters = this.voters().filter((v) => v !== p.target);
    const approvals =
      [...p.votes].filter(([who, v]) => v === "approve" && voters.includes(who)).length;
    if (approvals >= quorum(voters.length)) {
      p.executed = true;
      this.banned.add(p.target);
      this.remove(p.target);
      return p.target;
    }
    return null;
  }

  /**
   * cl-hive-style membership hash: sha256-free summary used in STATE_HASH (sorted peer:tier),
   * so two nodes with the same table agree.
   */
  summary(): string {
    return canonicalJson(
      [...this.members.values()].map((m) => [m.peer_id, m.tier]).sort((
        a,
        b,
      ) => (a[0] < b[0] ? -1 : 1)),
    );
  }
}

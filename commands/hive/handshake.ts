/**
 * Admission: tickets, challenge nonces and manifests, byte-compatible with cl-hive's
 * `handshake.py`. HELLO{ticket} -> CHALLENGE{nonce, hive_id} -> ATTEST{pubkey, manifest,
 * signatures} -> WELCOME{hive_id, tier, member_count, state_hash}.
 *
 * A ticket is base64 of Python's default `json.dumps` of {admin_pubkey, hive_id, requirements,
 * issued_at, expires_at, signature}; the signature is `signmessage` over the sorted compact JSON
 * of the other five fields. Unlike cl-hive we also refuse a replayed invite (each is single-use)
 * and always give `checkmessage` the claimed key.
 *
 * @module
 */
import type { LightningNode } from "../../adapters/lightning/types.ts";
import { canonicalJson, parsePyJson, pyDumps } from "./canonical.ts";

/** Genesis tickets last a year. */
export const GENESIS_TICKET_SECONDS = 365 * 24 * 3600;
/** Invites last 24 h by default. */
export const DEFAULT_INVITE_SECONDS = 24 * 3600;
/** A challenge nonce lives 300 s. */
export const CHALLENGE_TTL_SECONDS = 300;
/** At most this many challenges wait for an answer. */
export const MAX_PENDING_CHALLENGES = 1000;
/** One challenge per peer per 10 s. */
export const CHALLENGE_RATE_LIMIT_SECONDS = 10;
/** Largest ticket accepted (base64 characters). */
export const MAX_TICKET_SIZE = 10 * 1024;
/** Version string in manifests (cl-hive's format). */
export const PLUGIN_VERSION = "hive v0.1.0";

/** The fields of a ticket. */
export interface Ticket {
  admin_pubkey: string;
  hive_id: string;
  requirements: number;
  issued_at: number;
  expires_at: number;
  signature: string;
}

/** The string a ticket's signature covers. */
export function ticketSigningString(t: Omit<Ticket, "signature">): string {
  return canonicalJson({
    admin_pubkey: t.admin_pubkey,
    hive_id: t.hive_id,
    requirements: t.requirements,
    issued_at: t.issued_at,
    expires_at: t.expires_at,
  });
}

/** base64 of the ticket as cl-hive's `Ticket.to_base64` writes it. */
export function encodeTicket(t: Ticket): string {
  const json = pyDumps({
    admin_pubkey: t.admin_pubkey,
    hive_id: t.hive_id,
    requirements: t.requirements,
    issued_at: t.issued_at,
    expires_at: t.expires_at,
    signature: t.signature,
  }, { separators: [", ", ": "] });
  return btoa(json); // ensure_ascii made it ASCII
}

/** Decode a ticket; throws TypeError naming what is wrong. */
export function decodeTicket(b64: string): Ticket {
  if (b64.length > MAX_TICKET_SIZE) {
    throw new TypeError(`ticket too large: ${b64.length} bytes exceeds ${MAX_TICKET_SIZE}`);
  }
  let data: unknown;
  try {
    data = parsePyJson(atob(b64));
  } catch {
    throw new TypeError("ticket is not base64 JSON");
  }
  const d = data as Record<string, unknown>;
  if (typeof d !== "object" || d === null || Array.isArray(d)) {
    throw new TypeError("ticket is not a JSON object");
  }
  for (const k of ["admin_pubkey", "hive_id", "signature"]) {
    if (typeof d[k] !== "string") throw new TypeError(`ticket.${k}: expected string`);
  }
  for (const k of ["requirements", "issued_at", "expires_at"]) {
    if (typeof d[k] !== "number" || !Number.isInteger(d[k])) {
      throw new TypeError(`ticket.${k}: expected integer`);
    }
  }
  return d as unknown as Ticket;
}

/** Sign a new ticket with `node`'s key. */
export async function createTicket(
  node: LightningNode,
  options: { hiveId: string; adminPubkey: string; validSeconds: number; requirements?: number },
): Promise<{ ticket: Ticket; base64: string }> {
  const now = node.now();
  const fields = {
    admin_pubkey: options.adminPubkey,
    hive_id: options.hiveId,
    requirements: options.requirements ?? 0,
    issued_at: now,
    expires_at: now + options.validSeconds,
  };
  const { zbase } = await node.signmessage(ticketSigningString(fields));
  const ticket = { ...fields, signature: zbase };
  return { ticket, base64: encodeTicket(ticket) };
}

/** Result of {@link verifyTicket}. */
export type TicketCheck =
  | { ok: true; ticket: Ticket }
  | {
    ok: false;
    reason: "malformed" | "expired" | "forged" | "unknown_admin" | "replayed";
    error: string;
  };

/**
 * Check a presented ticket: format, expiry, signature by `admin_pubkey` (checked with that key),
 * issuer is an admin here, and (for invites) not used before.
 */
export async function verifyTicket(
  node: LightningNode,
  b64: string,
  options: { isAdmin: (pubkey: string) => boolean; wasUsed?: (signature: string) => boolean },
): Promise<TicketCheck> {
  let ticket: Ticket;
  try {
    ticket = decodeTicket(b64);
  } catch (e) {
    return { ok: false, reason: "malformed", error: (e as Error).message };
  }
  if (node.now() > ticket.expires_at) {
    return { ok: false, reason: "expired", error: "ticket has expired" };
  }
  const check = await node.checkmessage(
    ticketSigningString(ticket),
    ticket.signature,
    ticket.admin_pubkey,
  );
  if (!check.verified) return { ok: false, reason: "forged", error: "invalid ticket signature" };
  if (!options.isAdmin(ticket.admin_pubkey)) {
    return { ok: false, reason: "unknown_admin", error: "unknown or non-admin issuer" };
  }
  if (options.wasUsed?.(ticket.signature)) {
    return { ok: false, reason: "replayed", error: "ticket was already used" };
  }
  return { ok: true, ticket };
}

/** A capability manifest. */
export interface Manifest {
  pubkey: string;
  version: string;
  features: string[];
  timestamp: number;
  nonce: string;
}

/** ATTEST's signed parts. */
export interface Attestation {
  manifest: Manifest;
  nonce_signature: string;
  manifest_signature: string;
}

/** Sign a manifest answering `nonce`. */
export async function createManifest(
  node: LightningNode,
  pubkey: string,
  nonce: string,
  features: string[] = [],
): Promise<Attestation> {
  const manifest: Manifest = {
    pubkey,
    version: PLUGIN_VERSION,
    features,
    timestamp: node.now(),
    nonce,
  };
  const nonceSig = await node.signmessage(nonce);
  const manifestSig = await node.signmessage(canonicalJson(manifest));
  return { manifest, nonce_signature: nonceSig.zbase, manifest_signature: manifestSig.zbase };
}

/** Check an attestation against the nonce we issued to `peerId`. */
export async function verifyManifest(
  node: LightningNode,
  peerId: string,
  attestation: { manifest: unknown; nonce_signature: unknown; manifest_signature: unknown },
  expectedNonce: string,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const m = attestation.manifest as Record<string, unknown> | null;
  if (typeof m !== "object" || m === null || Array.isArray(m)) {
    return { ok: false, error: "manifest is not an object" };
  }
  if (m.pubkey !== peerId) return { ok: false, error: "manifest pubkey is not the sender" };
  if (m.nonce !== expectedNonce) return { ok: false, error: "nonce mismatch" };
  const ns = attestation.nonce_signature, ms = attestation.manifest_signature;
  if (typeof ns !== "string" || typeof ms !== "string") {
    return { ok: false, error: "signatures missing" };
  }
  if (!(await node.checkmessage(expectedNonce, ns, peerId)).verified) {
    return { ok: false, error: "invalid nonce signature" };
  }
  if (!(await node.checkmessage(canonicalJson(m), ms, peerId)).verified) {
    return { ok: false, error: "invalid manifest signature" };
  }
  return { ok: true };
}

interface _Pending {
  nonce: string;
  issued_at: number;
  requirements: number;
  ticket_signature: string;
}

/** Why a nonce could not be issued or redeemed. */
export type NonceRefusal = "rate_limited" | "unknown" | "expired" | "mismatch";

/**
 * Pending challenges: TTL 300 s, at most 1000 (oldest evicted), one per peer per 10 s, and each
 * nonce redeemable once (a replayed ATTEST finds nothing).
 */
export class NonceBook {
  #pending = new Map<string, _Pending>();
  readonly #random: () => Uint8Array;

  /** `random` returns 32 fresh bytes (crypto by default; seeded in simulations). */
  constructor(random: () => Uint8Array = () => crypto.getRandomValues(new Uint8Array(32))) {
    this.#random = random;
  }

  /** Pending challenges now. */
  get size(): number {
    return this.#pending.size;
  }

  /** Issue a nonce to `peerId`, or refuse if one was issued less than 10 s ago. */
  issue(
    peerId: string,
    now: number,
    meta: { requirements: number; ticketSignature: string },
  ): { nonce: string } | { refused: NonceRefusal } {
    const existing = this.#pending.get(peerId);
    if (existing && now - existing.issued_at < CHALLENGE_RATE_LIMIT_SECONDS) {
      return { refused: "rate_limited" };
    }
    const nonce = Array.from(this.#random(), (b) => b.toString(16).padStart(2, "0")).join("");
    this.#pending.delete(peerId);
    this.#pending.set(peerId, {
      nonce,
      issued_at: now,
      requirements: meta.requirements,
      ticket_signature: meta.ticketSignature,
    });
    this.#expire(now);
    while (this.#pending.size > MAX_PENDING_CHALLENGES) {
      // Map iteration order is insertion order: the first key is the oldest challenge.
      this.#pending.delete(this.#pending.keys().next().value!);
    }
    return { nonce };
  }

  /** The pending challenge of `peerId` if still live (not consumed). */
  peek(peerId: string, now: number): _Pending | undefined {
    const p = this.#pending.get(peerId);
    if (!p || now - p.issued_at > CHALLENGE_TTL_SECONDS) return undefined;
    return p;
  }

  /** Consume the challenge of `peerId`: succeeds once, only before it expires. */
  redeem(peerId: string, nonce: unknown, now: number): _Pending | { refused: NonceRefusal } {
    const p = this.#pending.get(peerId);
    if (!p) return { refused: "unknown" };
    this.#pending.delete(peerId);
    if (now - p.issued_at > CHALLENGE_TTL_SECONDS) return { refused: "expired" };
    if (p.nonce !== nonce) return { refused: "mismatch" };
    return p;
  }

  #expire(now: number): void {
    for (const [k, p] of this.#pending) {
      if (now - p.issued_at > CHALLENGE_TTL_SECONDS) this.#pending.delete(k);
    }
  }
}

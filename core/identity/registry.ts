/**
 * Who is on the mesh: the agent records each node announces (signed, on `/hive/agents`), kept
 * until they expire. The registry also pins each id to the first Ed25519 key seen for it, so a
 * second party cannot take over an id by announcing another key.
 *
 * @example
 * ```ts
 * import { AgentRegistry } from "./registry.ts";
 * const registry = new AgentRegistry({ ttlMs: 90_000 });
 * registry.upsert({ ...record, peer_id: "12D3..." });
 * registry.list().filter((r) => r.kind === "hap"); // the people online
 * ```
 * @module
 */
import { z } from "zod";
import {
  AGENT_KINDS,
  agentIdSchema,
  type AgentPublic,
  capabilitySchema,
  roleNameSchema,
} from "./identity.ts";

/** Topic on which agent records are announced. */
export const AGENTS_TOPIC = "/hive/agents";

/** An announced agent record (the payload of an envelope on {@link AGENTS_TOPIC}). */
export const agentRecordSchema = z.strictObject({
  id: agentIdSchema,
  kind: z.enum(AGENT_KINDS),
  role: roleNameSchema,
  capabilities: z.array(capabilitySchema).max(64),
  public_key: z.string().min(1).max(64),
  recipient: z.string().regex(/^age1[0-9a-z]{58}$/, { error: "expected an age1... recipient" }),
  /** libp2p peer id of the node that carries this agent, when known. */
  peer_id: z.string().max(128).nullable(),
});
/** An announced agent record. */
export type AgentRecord = z.output<typeof agentRecordSchema>;

/** A record as the registry keeps it. */
export interface KnownAgent extends AgentRecord {
  /** When the latest announcement was received (ms since the epoch). */
  last_seen: number;
  /** When it expires unless announced again (ms since the epoch). */
  expires_at: number;
}

/** Options for {@link AgentRegistry}. */
export interface AgentRegistryOptions {
  /** How long a record lives without a new announcement. Default 90 s. */
  ttlMs?: number;
  /** Keys pinned in advance (id -> base64 Ed25519 key), e.g. from config. */
  pinned?: Record<string, string>;
  /** Clock, for tests. */
  now?: () => number;
}

/** Outcome of {@link AgentRegistry.upsert}. */
export type UpsertResult = "added" | "updated" | "key_mismatch";

/** Agent records with expiry and key pinning. */
export class AgentRegistry {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #agents = new Map<string, KnownAgent>();
  readonly #keys = new Map<string, string>();

  constructor(options: AgentRegistryOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 90_000;
    this.#now = options.now ?? Date.now;
    for (const [id, key] of Object.entries(options.pinned ?? {})) this.#keys.set(id, key);
  }

  /**
   * Store a record (already verified: its envelope was signed by `record.public_key`). A record
   * whose key differs from the one pinned for its id is refused.
   */
  upsert(record: AgentRecord): UpsertResult {
    const pinned = this.#keys.get(record.id);
    if (pinned !== undefined && pinned !== record.public_key) return "key_mismatch";
    this.#keys.set(record.id, record.public_key);
    const now = this.#now();
    const had = this.#agents.has(record.id);
    this.#agents.set(record.id, { ...record, last_seen: now, expires_at: now + this.#ttlMs });
    return had ? "updated" : "added";
  }

  /** The Ed25519 key (base64) pinned for `id`, if any. */
  keyOf(id: string): string | undefined {
    return this.#keys.get(id);
  }

  /** Pin `id` to `publicKey` unless another key is pinned; false on a mismatch. */
  pin(id: string, publicKey: string): boolean {
    const pinned = this.#keys.get(id);
    if (pinned !== undefined) return pinned === publicKey;
    this.#keys.set(id, publicKey);
    return true;
  }

  /** Live records (expired ones are dropped), people and agents sorted by kind then id. */
  list(): KnownAgent[] {
    const now = this.#now();
    for (const [id, agent] of this.#agents) if (agent.expires_at <= now) this.#agents.delete(id);
    return [...this.#agents.values()].sort((a, b) =>
      a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind.localeCompare(b.kind)
    );
  }

  /** Live members of any of `roles`. */
  membersOf(roles: readonly string[]): KnownAgent[] {
    const wanted = new Set(roles);
    return this.list().filter((a) => wanted.has(a.role));
  }

  /** One live record, if present. */
  get(id: string): KnownAgent | undefined {
    return this.list().find((a) => a.id === id);
  }
}

/** The record an identity announces. */
export function recordOf(identity: AgentPublic, peerId: string | null): AgentRecord {
  return {
    id: identity.id,
    kind: identity.kind,
    role: identity.role,
    capabilities: [...identity.capabilities],
    public_key: identity.public_key,
    recipient: identity.recipient,
    peer_id: peerId,
  };
}

/**
 * Signed envelopes: every application message travels as one, so a receiver knows who sent it,
 * in which role, and that nobody changed it on the way.
 *
 * The signature covers a canonical encoding: a fixed prefix and a JSON array of the fields in
 * a fixed order. The payload is a string (text, or JSON the sender encoded once), so no
 * canonical JSON of arbitrary objects is needed and the signed bytes are unambiguous.
 *
 * Peer-signed envelopes (`sig: "peer"`) carry no second signature: the sender's libp2p node
 * holds the identity key itself (`core/identity/peer_key.ts`), gossipsub's strict signing signs
 * the exact wire bytes (the envelope inside the signed message) with it, every node on the path
 * verifies that signature, and the receiver checks that the message's author is the peer id of
 * the key the envelope names (see `verifier.ts`). One signature pair per message instead of two.
 *
 * @example
 * ```ts
 * import { encodeEnvelope, signEnvelope } from "./envelope.ts";
 * const env = signEnvelope(identity, { topic: "/hive/chat/general", payload: "hello" });
 * await p2p.publish(env.topic, encodeEnvelope(env));
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { ed25519Sign, ed25519Verify } from "../identity/ed25519.ts";
import { z } from "zod";

/** Envelope format version. */
export const ENVELOPE_VERSION = 1;
/** Prefix of the signed bytes (domain separation from other Ed25519 uses of the key). */
export const SIGNING_PREFIX = "hive-envelope/1\n";
/**
 * `sig` of a peer-signed envelope: its signature is the libp2p message signature of the peer
 * whose key is `key`, checked by the receiving node (gossipsub strict signing).
 */
export const PEER_SIGNATURE = "peer";

/** A signed envelope on the wire (JSON). */
export const envelopeSchema = z.strictObject({
  v: z.literal(ENVELOPE_VERSION),
  /** Sender's agent id. */
  from: z.string().min(1).max(64),
  /** Sender's role. */
  role: z.string().min(1).max(32),
  /** Sender's kind (`agent` or `hap`). */
  kind: z.enum(["agent", "hap"]),
  /** Topic it was published on; a copy replayed onto another topic is dropped. */
  topic: z.string().min(1).max(256),
  /** Sender's clock, ms since the epoch. */
  ts: z.number().int().nonnegative(),
  /** 16 random bytes, base64: what replay detection remembers. */
  nonce: z.string().min(16).max(32),
  /** Payload type: `text` or a JSON kind such as `chat`, `template`, `agent`, `document`. */
  type: z.string().min(1).max(64),
  /** The payload. */
  payload: z.string().max(1_048_576),
  /** Sender's Ed25519 public key, base64. */
  key: z.string().min(1).max(64),
  /** Ed25519 signature over {@link canonicalBytes}, base64; or {@link PEER_SIGNATURE}. */
  sig: z.string().min(1).max(128),
});
/** A signed envelope. */
export type Envelope = z.output<typeof envelopeSchema>;

const _KEY_LIST = Object.keys(envelopeSchema.shape);
const _KEYS = new Set(_KEY_LIST);

/**
 * Check `data` (a JSON value) against {@link envelopeSchema}: the result zod gives, with the
 * common case (a well-formed envelope) decided by plain checks first. Receivers check every
 * message; zod's general machinery cost more than the rest of the checks together. The plain
 * checks only accept what the schema accepts (lengths in UTF-16 units bound zod's code points
 * from above; a nonce with surrogates goes to zod), and everything they do not accept is given to
 * zod, whose verdict and message stand. A test holds the two to the same verdicts.
 */
export function parseEnvelope(
  data: unknown,
): { success: true; data: Envelope } | { success: false; error: z.ZodError } {
  if (_isEnvelope(data)) return { success: true, data };
  return envelopeSchema.safeParse(data) as ReturnType<typeof parseEnvelope>;
}

function _isEnvelope(data: unknown): data is Envelope {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return false;
  // Own keys, each one of the schema's, as many as the schema has: exactly the schema's keys.
  // (Compared in order first: our encoder writes them in the schema's order.)
  const keys = Object.keys(data);
  if (keys.length !== _KEY_LIST.length) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== _KEY_LIST[i] && !_KEYS.has(keys[i])) return false;
  }
  const e = data as Record<string, unknown>;
  return e.v === ENVELOPE_VERSION &&
    _text(e.from, 64) && _text(e.role, 32) && (e.kind === "agent" || e.kind === "hap") &&
    _text(e.topic, 256) && typeof e.ts === "number" && Number.isSafeInteger(e.ts) && e.ts >= 0 &&
    typeof e.nonce === "string" && e.nonce.length >= 16 && e.nonce.length <= 32 &&
    !_hasSurrogate(e.nonce) && _text(e.type, 64) && typeof e.payload === "string" &&
    e.payload.length <= 1_048_576 && _text(e.key, 64) && _text(e.sig, 128);
}

/** A string of 1 to `max` UTF-16 units (so 1 to `max` code points as well). */
function _text(value: unknown, max: number): boolean {
  return typeof value === "string" && value.length >= 1 && value.length <= max;
}

function _hasSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if ((text.charCodeAt(i) & 0xf800) === 0xd800) return true;
  }
  return false;
}
/** An envelope before signing. */
export type UnsignedEnvelope = Omit<Envelope, "sig">;

/** What signs an envelope: an identity's id, role, kind and keys. */
export interface Signer {
  id: string;
  role: string;
  kind: "agent" | "hap";
  /** Ed25519 public key, base64. */
  public_key: string;
  /** Ed25519 secret key. */
  secretKey: Uint8Array;
  /** Ed25519 public key (the bytes of `public_key`). */
  publicKey: Uint8Array;
}

/** What to send in {@link signEnvelope}. */
export interface EnvelopeContent {
  topic: string;
  payload: string;
  /** Payload type. Default `text`. */
  type?: string;
  /** Sender clock (ms), for tests. Default `Date.now()`. */
  ts?: number;
  /** Nonce (base64 of 16 bytes), for tests. Default random. */
  nonce?: string;
  /**
   * `peer`: leave the signing to the publishing libp2p node, whose key must be the signer's
   * (`sig` becomes {@link PEER_SIGNATURE}). Default `own`: an Ed25519 signature in `sig`.
   */
  signature?: "own" | "peer";
}

const _encoder = new TextEncoder();

function _canonicalText(env: UnsignedEnvelope): string {
  return SIGNING_PREFIX +
    JSON.stringify([
      env.v,
      env.from,
      env.role,
      env.kind,
      env.topic,
      env.ts,
      env.nonce,
      env.type,
      env.payload,
      env.key,
    ]);
}

/** The bytes a signature covers. */
export function canonicalBytes(env: UnsignedEnvelope): Uint8Array {
  return _encoder.encode(_canonicalText(env));
}

// sign and verify consume their input at once, so they read the bytes from one reused buffer
// (grown on demand) instead of a fresh array per message.
let _scratch = new Uint8Array(4096);

function _signedBytes(env: UnsignedEnvelope): Uint8Array {
  const text = _canonicalText(env);
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (text.length * 3 > _scratch.length) _scratch = new Uint8Array(text.length * 3);
  return _scratch.subarray(0, _encoder.encodeInto(text, _scratch).written);
}

// Random bytes drawn in blocks: one getRandomValues call per 256 nonces instead of per message.
const _pool = Buffer.alloc(4096);
let _poolOffset = _pool.length;

/** A fresh random nonce (16 bytes, base64). */
export function newNonce(): string {
  if (_poolOffset + 16 > _pool.length) {
    crypto.getRandomValues(_pool);
    _poolOffset = 0;
  }
  const nonce = _pool.toString("base64", _poolOffset, _poolOffset + 16);
  _poolOffset += 16;
  return nonce;
}

/** Sign `content` as `signer` (or mark it peer-signed, see {@link EnvelopeContent.signature}). */
export function signEnvelope(signer: Signer, content: EnvelopeContent): Envelope {
  const env: Envelope = {
    v: ENVELOPE_VERSION,
    from: signer.id,
    role: signer.role,
    kind: signer.kind,
    topic: content.topic,
    ts: content.ts ?? Date.now(),
    nonce: content.nonce ?? newNonce(),
    type: content.type ?? "text",
    payload: content.payload,
    key: signer.public_key,
    sig: PEER_SIGNATURE,
  };
  if (content.signature !== "peer") {
    const sig = ed25519Sign(_signedBytes(env), signer.secretKey, signer.publicKey);
    env.sig = Buffer.from(sig.buffer, sig.byteOffset, sig.length).toString("base64");
  }
  return env;
}

/**
 * Check only the signature of `env` against its own key (no replay, clock or RBAC checks).
 * False for a peer-signed envelope: only its author's node can vouch for it.
 */
export function signatureValid(env: Envelope): boolean {
  if (env.sig === PEER_SIGNATURE) return false;
  return ed25519Verify(Buffer.from(env.sig, "base64"), _signedBytes(env), env.key);
}

/** The wire form (JSON text). */
export function encodeEnvelope(env: Envelope): string {
  return JSON.stringify(env);
}

/**
 * The cl-hive wire format: ASCII `HIVE` then compact JSON `{"type":N,"version":1,"payload":{}}`,
 * at most 65535 bytes with the magic. Core Lightning reads the first two bytes as the BOLT#1
 * message type, so every hive message travels as type 0x4849 (18505); the numbers in
 * {@link MessageType} exist only inside the JSON.
 *
 * {@link decodeMessage} is "peek & check": a payload without the magic is passed on untouched;
 * anything else that is not a well-formed hive message is dropped with a reason, never thrown
 * (cl-hive raises on an envelope that is an array, a string or a number).
 *
 * @module
 */
import { parsePyJson, pyDumpsCompact } from "./canonical.ts";

/** `HIVE` in ASCII. */
export const HIVE_MAGIC: Uint8Array = new Uint8Array([0x48, 0x49, 0x56, 0x45]);
/** The BOLT#1 type Core Lightning sees: the first two magic bytes, `HI`. */
export const HIVE_BOLT_TYPE = 0x4849;
/** Envelope `version`. */
export const PROTOCOL_VERSION = 1;
/** Largest message, magic included. */
export const MAX_MESSAGE_BYTES = 65535;

/** cl-hive's `HiveMessageType` (odd numbers from 32769). */
export const MessageType = {
  HELLO: 32769,
  CHALLENGE: 32771,
  ATTEST: 32773,
  WELCOME: 32775,
  GOSSIP: 32777,
  STATE_HASH: 32779,
  FULL_SYNC: 32781,
  INTENT: 32783,
  INTENT_ACK: 32785,
  INTENT_ABORT: 32787,
  VOUCH: 32789,
  BAN: 32791,
  PROMOTION: 32793,
  PROMOTION_REQUEST: 32795,
  MEMBER_LEFT: 32797,
  BAN_PROPOSAL: 32799,
  BAN_VOTE: 32801,
  PEER_AVAILABLE: 32803,
  EXPANSION_NOMINATE: 32805,
  EXPANSION_ELECT: 32807,
  FEE_INTELLIGENCE: 32809,
  LIQUIDITY_NEED: 32811,
  HEALTH_REPORT: 32813,
  ROUTE_PROBE: 32815,
  PEER_REPUTATION: 32817,
} as const;

/** A message type name. */
export type MessageTypeName = keyof typeof MessageType;
/** A message type number. */
export type MessageTypeNumber = (typeof MessageType)[MessageTypeName];

const _NAMES = new Map<number, MessageTypeName>(
  Object.entries(MessageType).map(([k, v]) => [v, k as MessageTypeName]),
);

/** Name of a type number, or undefined when cl-hive's table has no such type. */
export function messageTypeName(type: number): MessageTypeName | undefined {
  return _NAMES.get(type);
}

/** Why a payload that starts like a hive message was dropped. */
export const DROP_REASONS = [
  "truncated_magic",
  "oversize",
  "bad_utf8",
  "bad_json",
  "non_object_envelope",
  "bad_version",
  "bad_type",
  "unknown_type",
  "non_object_payload",
] as const;

/** One of {@link DROP_REASONS}. */
export type DropReason = (typeof DROP_REASONS)[number];

/** A JSON object payload. */
export type Payload = Record<string, unknown>;

/** Outcome of {@link decodeMessage}. */
export type Decoded =
  | { kind: "pass" }
  | { kind: "drop"; reason: DropReason }
  | { kind: "message"; type: MessageTypeNumber; name: MessageTypeName; payload: Payload };

const _encoder = new TextEncoder();
const _utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Frame a message: magic + compact JSON in insertion order with `ensure_ascii`, as cl-hive's
 * `serialize` does. Throws RangeError past {@link MAX_MESSAGE_BYTES}.
 */
export function encodeMessage(type: MessageTypeNumber, payload: Payload): Uint8Array {
  const json = _encoder.encode(pyDumpsCompact({ type, version: PROTOCOL_VERSION, payload }));
  const out = new Uint8Array(HIVE_MAGIC.length + json.length);
  out.set(HIVE_MAGIC, 0);
  out.set(json, HIVE_MAGIC.length);
  if (out.length > MAX_MESSAGE_BYTES) {
    throw new RangeError(
      `hive message of ${out.length} bytes exceeds ${MAX_MESSAGE_BYTES} (type ${type})`,
    );
  }
  return out;
}

function _isPlainObject(v: unknown): v is Payload {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Peek at the magic, then check everything else; see the module doc. */
export function decodeMessage(data: Uint8Array): Decoded {
  const n = Math.min(data.length, HIVE_MAGIC.length);
  for (let i = 0; i < n; i++) if (data[i] !== HIVE_MAGIC[i]) return { kind: "pass" };
  if (data.length === 0) return { kind: "pass" };
  if (data.length < HIVE_MAGIC.length) return { kind: "drop", reason: "truncated_magic" };
  if (data.length > MAX_MESSAGE_BYTES) return { kind: "drop", reason: "oversize" };
  let text: string;
  try {
    text = _utf8.decode(data.subarray(HIVE_MAGIC.length));
  } catch {
    return { kind: "drop", reason: "bad_utf8" };
  }
  let envelope: unknown;
  try {
    envelope = parsePyJson(text);
  } catch {
    return { kind: "drop", reason: "bad_json" };
  }
  if (!_isPlainObject(envelope)) return { kind: "drop", reason: "non_object_envelope" };
  if (envelope.version !== PROTOCOL_VERSION) return { kind: "drop", reason: "bad_version" };
  const type = envelope.type;
  if (typeof type !== "number" || !Number.isInteger(type)) {
    return { kind: "drop", reason: "bad_type" };
  }
  const name = messageTypeName(type);
  if (!name) return { kind: "drop", reason: "unknown_type" };
  const payload = envelope.payload === undefined ? {} : envelope.payload;
  if (!_isPlainObject(payload)) return { kind: "drop", reason: "non_object_payload" };
  return { kind: "message", type: type as MessageTypeNumber, name, payload };
}

/** Per-reason drop counters, plus counts of what passed and what was accepted. */
export class ProtocolCounters {
  /** Payloads without the magic, handed on untouched. */
  passed = 0;
  /** Well-formed hive messages, by type name. */
  readonly received: Record<string, number> = {};
  /** Dropped payloads by reason. */
  readonly dropped: Record<DropReason, number> = Object.fromEntries(
    DROP_REASONS.map((r) => [r, 0]),
  ) as Record<DropReason, number>;
  /** Well-formed messages of a type this node does not act on. */
  unhandled = 0;

  /** Count one decode outcome and return it. */
  count(decoded: Decoded): Decoded {
    if (decoded.kind === "pass") this.passed++;
    else if (decoded.kind === "drop") this.dropped[decoded.reason]++;
    else this.received[decoded.name] = (this.received[decoded.name] ?? 0) + 1;
    return decoded;
  }

  /** Total dropped. */
  get droppedTotal(): number {
    return Object.values(this.dropped).reduce((a, b) => a + b, 0);
  }
}

export { fromHex, toHex } from "../../adapters/lightning/signmessage.ts";

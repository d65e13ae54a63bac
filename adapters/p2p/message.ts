/**
 * Turns raw pub/sub payloads into the {@link P2PMessage} shape that subscribers see, once for
 * both implementations: the daemon pushes it over IPC, the in-process port hands it over as is.
 *
 * @example
 * ```ts
 * import { payloadFields } from "./message.ts";
 * payloadFields(new TextEncoder().encode("hi")); // { message: "hi" }
 * payloadFields(new Uint8Array([0xff]));          // { data_b64: "/w==" }
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import type { P2PEvent, P2PMessage } from "./types.ts";

const _utf8 = new TextDecoder("utf-8", { fatal: true });

/** A payload as text when it is valid UTF-8, else as base64. */
export function payloadFields(data: Uint8Array): { message: string } | { data_b64: string } {
  try {
    return { message: _utf8.decode(data) };
  } catch {
    return { data_b64: Buffer.from(data).toString("base64") };
  }
}

/**
 * The subscriber's view of a node's `message` event. One object per message (this runs for
 * every message a daemon forwards): the payload is decoded in place rather than through
 * {@link payloadFields}, whose result would be spread and dropped.
 */
export function toP2PMessage(event: Extract<P2PEvent, { type: "message" }>): P2PMessage {
  const seqno = event.seqno.toString();
  const receivedAt = event.receivedAt.toISOString();
  let message: string;
  try {
    message = _utf8.decode(event.data);
  } catch {
    const data_b64 = Buffer.from(event.data).toString("base64");
    return { topic: event.topic, from: event.from, seqno, data_b64, received_at: receivedAt };
  }
  return { topic: event.topic, from: event.from, seqno, message, received_at: receivedAt };
}

/** The bytes a publish sends: text as UTF-8, bytes as they are. */
export function payloadBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
}

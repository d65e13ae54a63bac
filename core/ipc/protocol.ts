/**
 * The IPC wire protocol: JSON text frames `{v, id?, type, ...}` over WebSocket.
 *
 * - Request: `{v:1, id, type, ...params}`; `id` is a string or integer chosen by the client.
 * - Reply: `{v:1, id, type:"result", data}`.
 * - Error: `{v:1, id?, type:"error", code, message}` (`id` absent when the request had none).
 * - Event (server push): `{v:1, type:"event", event, data}`.
 *
 * @module
 */
import { z } from "zod";

/** Protocol version carried in every frame. */
export const PROTOCOL_VERSION = 1;
/** Default largest accepted frame, in bytes. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
/** WebSocket close code for an oversized frame ("message too big"). */
export const CLOSE_TOO_BIG = 1009;
/** WebSocket close code for a policy violation. */
export const CLOSE_POLICY = 1008;

/** Error codes that can appear in error frames. */
export const ERROR_CODES = [
  "bad_json",
  "bad_frame",
  "bad_request",
  "unknown_type",
  "unauthorized",
  "not_found",
  "unavailable",
  "timeout",
  "internal",
] as const;
/** An error code. */
export type ErrorCode = typeof ERROR_CODES[number] | (string & Record<never, never>);

/** Envelope every inbound frame must satisfy before its type is looked at. */
export const requestEnvelope = z.looseObject({
  v: z.literal(PROTOCOL_VERSION, { error: `expected ${PROTOCOL_VERSION}` }),
  id: z.union([z.string().min(1).max(128), z.int().nonnegative()], {
    error: "expected a string or non-negative integer",
  }).optional(),
  type: z.string().min(1).max(64),
});

/** A validated request envelope. */
export type RequestEnvelope = z.output<typeof requestEnvelope>;
/** A request id. */
export type RequestId = string | number;

/** A successful reply. */
export interface ResultFrame {
  v: 1;
  id: RequestId;
  type: "result";
  data: unknown;
}
/** An error reply. */
export interface ErrorFrame {
  v: 1;
  id?: RequestId;
  type: "error";
  code: ErrorCode;
  message: string;
}
/** A server-pushed event. */
export interface EventFrame {
  v: 1;
  type: "event";
  event: string;
  data: unknown;
}
/** Any frame the server sends. */
export type ServerFrame = ResultFrame | ErrorFrame | EventFrame;

/** Error raised by IPC calls; carries the protocol error code. */
export class IpcError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "IpcError";
    this.code = code;
  }
}

/** Build a result frame. */
export function resultFrame(id: RequestId, data: unknown): ResultFrame {
  return { v: PROTOCOL_VERSION, id, type: "result", data };
}

/** Build an error frame. */
export function errorFrame(
  code: ErrorCode,
  message: string,
  id?: RequestId,
): ErrorFrame {
  return id === undefined
    ? { v: PROTOCOL_VERSION, type: "error", code, message }
    : { v: PROTOCOL_VERSION, id, type: "error", code, message };
}

/** Build an event frame. */
export function eventFrame(event: string, data: unknown): EventFrame {
  return { v: PROTOCOL_VERSION, type: "event", event, data };
}

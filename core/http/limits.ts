/**
 * The limits every local HTTP/WebSocket server of hive enforces, in one place, with defaults that
 * keep a server's memory bounded whatever its clients send: a request body or a WebSocket message
 * larger than the limit is refused from its header (Content-Length, or the frame's length field)
 * before any of it is buffered, a slow client is cut off by the header and body timeouts, and the
 * connection cap bounds how many of each can be open at once.
 *
 * Worst-case memory held for client input is therefore about
 * `maxConnections × max(maxBodyBytes, maxMessageBytes)` (plus kernel socket buffers), whatever
 * the number or size of oversized senders.
 *
 * @example Limits for a server that takes larger messages but fewer clients
 * ```ts
 * import { resolveLimits } from "./limits.ts";
 * const limits = resolveLimits({ maxMessageBytes: 4 * 1024 * 1024, maxConnections: 32 });
 * ```
 *
 * @module
 */
import { z } from "zod";

/** What {@link serveHttp} enforces. Every field has a default ({@link DEFAULT_HTTP_LIMITS}). */
export interface HttpLimits {
  /** Largest request body in bytes (413 above it). Default 1 MiB. */
  maxBodyBytes: number;
  /** Largest WebSocket message in bytes, checked at the frame header (close 1009). Default 1 MiB. */
  maxMessageBytes: number;
  /** Time allowed to receive a request's headers, and idle time between keep-alive requests. Default 10 s. */
  headersTimeoutMs: number;
  /** Time allowed to receive a whole request body once its headers are in (408). Default 10 s. */
  bodyTimeoutMs: number;
  /** Open connections (HTTP and WebSocket) at once; one more gets 503 and is closed. Default 256. */
  maxConnections: number;
  /** Largest request head (request line + headers) in bytes (431). Default 16 KiB. */
  maxHeaderBytes: number;
}

/** The defaults of {@link HttpLimits}. */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxMessageBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  maxConnections: 256,
  maxHeaderBytes: 16 * 1024,
});

const _positive = z.int().min(1);

/**
 * The same limits as a config section (snake_case, every field optional), for commands that
 * let users tune them: `http_limits: { max_body_bytes: 2097152 }`.
 */
export const httpLimitsSchema = z.strictObject({
  max_body_bytes: _positive.max(1024 ** 3).optional(),
  max_message_bytes: _positive.max(1024 ** 3).optional(),
  headers_timeout_ms: _positive.max(3_600_000).optional(),
  body_timeout_ms: _positive.max(3_600_000).optional(),
  max_connections: _positive.max(1_000_000).optional(),
  max_header_bytes: z.int().min(1024).max(1024 * 1024).optional(),
});

/** Config form of {@link HttpLimits} (see {@link httpLimitsSchema}). */
export type HttpLimitsConfig = z.output<typeof httpLimitsSchema>;

/** Fill the missing fields of `partial` with {@link DEFAULT_HTTP_LIMITS}. */
export function resolveLimits(partial: Partial<HttpLimits> = {}): HttpLimits {
  const out = { ...DEFAULT_HTTP_LIMITS };
  for (const [key, value] of Object.entries(partial) as [keyof HttpLimits, number | undefined][]) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Turn a config section ({@link httpLimitsSchema}) into {@link HttpLimits}. */
export function limitsFromConfig(config: HttpLimitsConfig = {}): HttpLimits {
  return resolveLimits({
    maxBodyBytes: config.max_body_bytes,
    maxMessageBytes: config.max_message_bytes,
    headersTimeoutMs: config.headers_timeout_ms,
    bodyTimeoutMs: config.body_timeout_ms,
    maxConnections: config.max_connections,
    maxHeaderBytes: config.max_header_bytes,
  });
}

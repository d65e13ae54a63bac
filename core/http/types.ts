/**
 * The types of `serveHttp` (server.ts): its options, what a fetch handler receives, and the
 * handle of a running server. Kept apart so that modules which only pass a server around do
 * not load `node:http` and `ws`.
 *
 * @module
 */
import type { Logger } from "../logger.ts";
import type { HttpLimits } from "./limits.ts";

/** What the fetch handler gets besides the request; the same shape as `Deno.serve`'s. */
export interface ServeInfo {
  /** The client's address (`{transport: "tcp", hostname, port}` or `{transport: "unix", path}`). */
  remoteAddr: Deno.NetAddr | Deno.UnixAddr;
}

/** A fetch handler, as for `Deno.serve` (a Hono app's `app.fetch` fits). */
export type FetchHandler = (request: Request, info: ServeInfo) => Response | Promise<Response>;

/** Options for `serveHttp`. */
export interface ServeHttpOptions {
  /** Answers every request and WebSocket upgrade. */
  fetch: FetchHandler;
  /** Address to bind. Default 127.0.0.1. */
  hostname?: string;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Listen on this unix socket instead of TCP (a stale socket file is removed first). */
  path?: string;
  /** Limits; missing fields take `DEFAULT_HTTP_LIMITS`. */
  limits?: Partial<HttpLimits>;
  /**
   * Runs before `fetch` on every request and upgrade; a Response it returns is sent instead
   * (e.g. `guard.check` of a cross-site guard, for servers without Hono middleware).
   */
  before?: (request: Request, info: ServeInfo) => Response | null;
  /** Where refused requests and handler failures are logged (debug/warn/error). */
  logger?: Logger;
}

/** Counters of a running server. */
export interface ServeStats {
  /** Connections open now. */
  connections: number;
  /** WebSockets open now. */
  websockets: number;
  /** Requests refused by a limit, by reason. */
  refused: Record<"body_too_large" | "body_timeout" | "headers_timeout" | "busy", number>;
}

/** A running server from `serveHttp`. */
export interface HttpServerHandle {
  /** The bound address. */
  readonly addr: Deno.NetAddr | Deno.UnixAddr;
  /** Bound TCP port (0 on a unix socket). */
  readonly port: number;
  /** `http://host:port` (IPv6 in brackets) or `http+unix://path`. */
  readonly origin: string;
  /** The limits in force. */
  readonly limits: Readonly<HttpLimits>;
  /** Counters. */
  stats(): ServeStats;
  /** Stop listening, close WebSockets with 1001, drop every connection. */
  shutdown(): Promise<void>;
}

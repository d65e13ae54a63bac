/**
 * Start the orchestrator API on an address, with the bind rules of `hive host`: loopback by
 * default, a token required to bind anything else, the cross-site guard on every request and
 * failed tokens throttled per source.
 *
 * @example
 * ```ts
 * import { parseApiAddress, startSimApi } from "./server.ts";
 * import { RunState } from "./state.ts";
 * declare const state: RunState;
 * const api = await startSimApi({ ...parseApiAddress("0"), state, control: () => null });
 * console.log(api.url);
 * await api.close();
 * ```
 * @module
 */
import { UsageError } from "../../../core/errors.ts";
import type { EngineRunControl } from "../../../adapters/engine/types.ts";
import { crossSiteGuard } from "../../../core/http/guard.ts";
import { type HttpServerHandle, serveHttp } from "../../../core/http/server.ts";
import { AuthThrottle } from "../../../core/http/auth_throttle.ts";
import type { Logger } from "../../../core/logger.ts";
import { createSimApiApp } from "./app.ts";
import type { RunState } from "./state.ts";

/** Where to listen. */
export interface ApiAddress {
  hostname: string;
  port: number;
}

const _TOKEN = /^[\x21-\x7e]{16,512}$/;

/** True for loopback addresses (binding those needs no token). */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Parse `--api [ADDR:]PORT` (`8080`, `127.0.0.1:8080`, `[::1]:8080`, `0` for a free port).
 * @throws UsageError naming the flag and the value
 */
export function parseApiAddress(value: string, flag = "--api"): ApiAddress {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9A-Za-z.\-]+):)?(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(
      `${flag}: expected [ADDR:]PORT with PORT 0..65535 (e.g. 8080 or 0.0.0.0:8080), got ${
        JSON.stringify(value)
      }`,
    );
  }
  const hostname = m[1] ? m[1].replace(/^\[|\]$/g, "") : "127.0.0.1";
  return { hostname, port };
}

/**
 * Check a token and the bind rule.
 * @throws UsageError for a malformed token (value not shown) or a non-loopback bind without one
 */
export function checkApiBind(address: ApiAddress, token: string | undefined, flag = "--api"): void {
  if (token !== undefined && !_TOKEN.test(token)) {
    throw new UsageError(
      "--api-token: expected 16..512 printable characters without spaces (value not shown)",
    );
  }
  if (!isLoopback(address.hostname) && token === undefined) {
    throw new UsageError(
      `${flag}: binding ${address.hostname} (not loopback) requires --api-token`,
    );
  }
}

/** Options for {@link startSimApi}. */
export interface StartSimApiOptions extends ApiAddress {
  state: RunState;
  control: () => EngineRunControl | null;
  token?: string;
  logger?: Logger;
}

/** A running API. */
export interface SimApi {
  /** `http://host:port` (IPv6 in brackets). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listen and serve; rejects with `Deno.errors.AddrInUse` when the port is taken. */
export async function startSimApi(options: StartSimApiOptions): Promise<SimApi> {
  checkApiBind(options, options.token);
  // The guard reads the bound port per request (so `--api 0` works), once there is one.
  const bound: { server?: HttpServerHandle } = {};
  const guard = crossSiteGuard({
    hostname: options.hostname,
    port: () => bound.server?.port ?? options.port,
  });
  const throttle = new AuthThrottle({ logger: options.logger, what: "sim api" });
  const app = createSimApiApp({
    state: options.state,
    control: options.control,
    guard,
    token: options.token,
    throttle,
    logger: options.logger,
  });
  const server = await serveHttp({
    hostname: options.hostname,
    port: options.port,
    fetch: app.fetch,
    logger: options.logger,
  });
  bound.server = server;
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  const port = server.port;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    async close() {
      throttle.close();
      options.state.close();
      await server.shutdown();
    },
  };
}

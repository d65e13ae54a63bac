/**
 * What every local HTTP/WebSocket server of hive shares: {@link serveHttp} (limits enforced
 * before buffering, WebSocket close codes 1009/1002/1007, header and body timeouts, a connection
 * cap), {@link crossSiteGuard} (Host, Origin and Content-Type checks against other websites and
 * DNS rebinding), {@link AuthThrottle} (failed-auth rate limit per source with summary logs) and
 * {@link tokenAuth} (the bearer-token check of token-protected APIs).
 *
 * Import the module you need (`guard.ts` alone loads neither `node:http` nor `ws`); this one
 * re-exports them all.
 *
 * @example A guarded Hono app with a WebSocket
 * ```ts
 * import { Hono } from "hono";
 * import { crossSiteGuard, crossSiteMiddleware, serveHttp, upgradeWebSocket } from "./mod.ts";
 *
 * const app = new Hono();
 * const server = await serveHttp({ hostname: "127.0.0.1", port: 8787, fetch: app.fetch });
 * app.use(crossSiteMiddleware(crossSiteGuard({ hostname: "127.0.0.1", port: server.port })));
 * app.get("/ws", (c) => upgradeWebSocket(c.req.raw, { idleTimeout: 60 }).response);
 * ```
 *
 * @module
 */
export { AuthThrottle, type AuthThrottleOptions, sourceOf } from "./auth_throttle.ts";
export {
  type CrossSiteGuard,
  crossSiteGuard,
  type CrossSiteGuardOptions,
  crossSiteMiddleware,
} from "./guard.ts";
export {
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  httpLimitsSchema,
  limitsFromConfig,
  resolveLimits,
} from "./limits.ts";
export {
  type FetchHandler,
  type HttpServerHandle,
  serveHttp,
  type ServeHttpOptions,
  type ServeInfo,
  ServerWebSocket,
  upgradeWebSocket,
  type UpgradeWebSocketOptions,
} from "./server.ts";
export { tokenAuth, type TokenAuthOptions } from "./token_auth.ts";
export { CLOSE_INVALID_DATA, CLOSE_PROTOCOL_ERROR, CLOSE_TOO_BIG } from "./websocket.ts";

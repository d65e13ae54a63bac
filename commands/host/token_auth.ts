/**
 * The host's API token check: the shared bearer-token middleware of `core/http`
 * ({@link coreTokenAuth}) with the host's realm and wording.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AuthThrottle } from "../../core/http/auth_throttle.ts";
import { tokenAuth as coreTokenAuth } from "../../core/http/token_auth.ts";

/** Middleware that lets a request through only with `token` in the header or the query. */
export function tokenAuth(token: string, throttle?: AuthThrottle): MiddlewareHandler {
  return coreTokenAuth(token, {
    throttle,
    realm: "hive host",
    needs: "this host needs its API token",
  });
}

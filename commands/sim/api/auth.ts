/**
 * The API token check of the orchestrator API, as `hive host` does it: `Authorization: Bearer
 * <token>` for scripts, `?token=<token>` for the dashboard (its EventSource cannot send
 * headers). Wrong tokens are throttled per source by the shared {@link AuthThrottle}.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { type AuthThrottle, sourceOf } from "../../../core/http/auth_throttle.ts";

const _BEARER = /^Bearer +(\S+) *$/i;

function _refuse(c: Context, message: string): Response {
  return c.json({ error: { code: "unauthorized", message } }, 401, {
    "www-authenticate": 'Bearer realm="hive sim"',
  });
}

/** Middleware that lets a request through only with `token` in the header or the query. */
export function apiTokenAuth(token: string, throttle?: AuthThrottle): MiddlewareHandler {
  return async (c, next) => {
    const source = sourceOf(c.env);
    const limited = throttle?.check(source);
    if (limited) return limited;
    const header = c.req.header("authorization");
    let offered: string | undefined;
    if (header !== undefined) {
      offered = _BEARER.exec(header)?.[1];
      if (offered === undefined) {
        throttle?.failed(source, "malformed");
        return _refuse(c, "the Authorization header must be `Bearer <token>`");
      }
    } else {
      offered = c.req.query("token");
    }
    if (offered === undefined) {
      return _refuse(
        c,
        "this run's API needs its token: send `Authorization: Bearer <token>` or add `?token=<token>`",
      );
    }
    if (!(await timingSafeEqual(offered, token))) {
      throttle?.failed(source, "wrong token");
      return _refuse(c, "wrong API token");
    }
    await next();
    return undefined;
  };
}

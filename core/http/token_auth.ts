/**
 * The bearer-token check every token-protected hive HTTP API shares (`hive host`, `hive sim
 * --api`, ...): `Authorization: Bearer <token>` for scripts, or `?token=<token>` for browsers,
 * whose WebSockets and EventSources cannot send headers. Any printable ASCII token works in both
 * forms (percent-encoded in a URL); the comparison takes constant time, and failures go through
 * an {@link AuthThrottle} when one is given, so guessing cannot go faster than it allows.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { AuthThrottle } from "./auth_throttle.ts";
 * import { tokenAuth } from "./token_auth.ts";
 *
 * const app = new Hono();
 * const throttle = new AuthThrottle({ what: "my api" });
 * app.use("/api/*", tokenAuth("0123456789abcdef", { throttle, realm: "hive x" }));
 * ```
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { type AuthThrottle, sourceOf } from "./auth_throttle.ts";

const _BEARER = /^Bearer +(\S+) *$/i;

/** Options for {@link tokenAuth}. */
export interface TokenAuthOptions {
  /** Failed-auth rate limit per source; without it failures are not limited. */
  throttle?: AuthThrottle;
  /** Realm of the `WWW-Authenticate` header, e.g. `hive host`. Default `hive`. */
  realm?: string;
  /**
   * Start of the message to a request that offers no token, before `: send ...`, e.g.
   * `this host needs its API token`. Default `this API needs its token`.
   */
  needs?: string;
}

function _refuse(c: Context, realm: string, message: string): Response {
  return c.json({ error: { code: "unauthorized", message } }, 401, {
    "www-authenticate": `Bearer realm="${realm}"`,
  });
}

/**
 * Middleware that lets a request through only with `token` in the `Authorization` header or the
 * `token` query parameter; anything else gets 401 `{error: {code: "unauthorized", message}}`
 * (or the throttle's 429 while the source is throttled, before its token is compared).
 *
 * @param token The token to require.
 * @param options Throttle and wording.
 * @returns Hono middleware.
 */
export function tokenAuth(token: string, options: TokenAuthOptions = {}): MiddlewareHandler {
  const { throttle, realm = "hive", needs = "this API needs its token" } = options;
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
        return _refuse(c, realm, "the Authorization header must be `Bearer <token>`");
      }
    } else {
      offered = c.req.query("token");
    }
    if (offered === undefined) {
      return _refuse(
        c,
        realm,
        `${needs}: send \`Authorization: Bearer <token>\` or add \`?token=<token>\``,
      );
    }
    if (!(await timingSafeEqual(offered, token))) {
      throttle?.failed(source, "wrong token");
      return _refuse(c, realm, "wrong API token");
    }
    await next();
    return undefined;
  };
}

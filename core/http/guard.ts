/**
 * The cross-site guard of every local HTTP server of hive: it keeps the websites a user visits
 * from driving a server on the user's own machine. A page on any site can make the browser send
 * requests to `http://127.0.0.1:PORT/`: WebSocket upgrades (not covered by CORS), "simple" POSTs
 * (`text/plain`, no preflight), and, after re-pointing its own DNS name at 127.0.0.1 (DNS
 * rebinding), even same-origin reads. The guard refuses all three, the way Jupyter (`Host`
 * check against local names, `Origin` check), Vite (`server.allowedHosts`, WebSocket `Origin`
 * check) and Docker Desktop (its local API refuses browser origins) do:
 *
 * 1. **Host** (without one, the URL's host) must name this server: an IP literal, `localhost` or
 *    a `*.localhost` name, the bound address, or a configured extra name (`name:port` entries
 *    also fix the port). A name an attacker controls (DNS rebinding) gets 403
 *    `host_not_allowed`. Any port passes, as in Jupyter and Vite: rebinding is about names.
 * 2. **Origin**, on every WebSocket upgrade and every state-changing request (anything but GET,
 *    HEAD, OPTIONS), must be our own: the request's own origin (same Host), or a local name on
 *    the bound port (so `http://127.0.0.1:PORT` and `http://localhost:PORT` pages both work with
 *    zero configuration), or on the configured allow-list. A page on another local port, any
 *    other site, and `null` get 403 `origin_not_allowed`.
 *    A request without Origin comes from a non-browser client (curl, scripts, the CLI) and passes:
 *    browsers always send Origin on these requests.
 * 3. **Content-Type** of a mutation with a body must be JSON (`application/json` or `+json`),
 *    so a cross-site form or `text/plain` POST can never act: 415 `unsupported_media_type`.
 *
 * Refusals are JSON `{error: {code, message}}` whose message says what was refused and how to
 * allow it; the offending value is clipped to a short prefix.
 *
 * @example Hono
 * ```ts
 * import { Hono } from "hono";
 * import { crossSiteGuard, crossSiteMiddleware } from "./guard.ts";
 * const app = new Hono();
 * const guard = crossSiteGuard({ hostname: "127.0.0.1", port: () => server.port });
 * app.use(crossSiteMiddleware(guard));
 * ```
 *
 * @example Any fetch-style server
 * ```ts
 * const guard = crossSiteGuard({ hostname: "127.0.0.1", port: 8787, allowedHosts: ["hive.lan"] });
 * const server = await serveHttp({ port: 8787, before: guard.check, fetch: handler });
 * ```
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** Options for {@link crossSiteGuard}. */
export interface CrossSiteGuardOptions {
  /** The address the server is bound to (e.g. `127.0.0.1`, `0.0.0.0`, `192.168.1.5`). */
  hostname: string;
  /** The bound port, or a function returning it (for servers bound to port 0). */
  port: number | (() => number);
  /**
   * Extra names the server answers to, added to the built-in ones: `hive.lan` (any port),
   * `hive.lan:443` (that port only), `.example.org` (the name and its subdomains), or `*` (no
   * Host check at all; only behind a proxy that checks Host itself).
   */
  allowedHosts?: readonly string[];
  /**
   * Extra origins allowed to make WebSocket upgrades and mutations, exactly as browsers send
   * them (`https://dash.example.org`), or `*` for any (turns rule 2 off).
   */
  allowedOrigins?: readonly string[];
  /** Where to point users in refusal messages, e.g. `host.allowed_hosts`. */
  configHint?: { hosts?: string; origins?: string };
}

/** A guard built by {@link crossSiteGuard}. */
export interface CrossSiteGuard {
  /** `null` lets the request through; otherwise send the returned refusal. */
  check(request: Request): Response | null;
}

const _SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const _JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const _CLIP = 64;

/** Split a Host header value into lowercase hostname (no brackets) and port (null if absent). */
export function parseHostHeader(value: string): { hostname: string; port: number | null } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]\s/@]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!match) return null;
  let hostname = match[1].toLowerCase();
  if (hostname.startsWith("[")) hostname = hostname.slice(1, -1);
  if (hostname.endsWith(".")) hostname = hostname.slice(0, -1);
  return { hostname, port: match[2] === undefined ? null : Number(match[2]) };
}

/** True for an IPv4 or IPv6 literal (no brackets). */
export function isIpLiteral(hostname: string): boolean {
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname)) {
    return hostname.split(".").every((part) => Number(part) <= 255);
  }
  return hostname.includes(":") && /^[0-9a-f:.]+$/i.test(hostname);
}

function _clip(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > _CLIP ? `${printable.slice(0, _CLIP - 3)}...` : printable;
}

function _refuse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/**
 * Build the guard. Rules and reasons are in the module doc.
 *
 * @example
 * ```ts
 * const guard = crossSiteGuard({ hostname: "127.0.0.1", port: 8787 });
 * guard.check(new Request("http://127.0.0.1:8787/", { headers: { host: "evil.example" } }));
 * // -> Response 403 {"error":{"code":"host_not_allowed", ...}}
 * ```
 */
export function crossSiteGuard(options: CrossSiteGuardOptions): CrossSiteGuard {
  const portOf = typeof options.port === "function" ? options.port : () => options.port as number;
  const anyHost = options.allowedHosts?.includes("*") ?? false;
  const anyOrigin = options.allowedOrigins?.includes("*") ?? false;
  const extraOrigins = new Set((options.allowedOrigins ?? []).map((o) => o.toLowerCase()));
  const exact = new Map<string, number | null>();
  const suffixes: string[] = [];
  for (const entry of options.allowedHosts ?? []) {
    if (entry === "*") continue;
    if (entry.startsWith(".")) {
      suffixes.push(entry.toLowerCase());
      continue;
    }
    const parsed = parseHostHeader(entry);
    if (parsed) exact.set(parsed.hostname, parsed.port);
  }
  const bound = parseHostHeader(
    options.hostname.includes(":") && !options.hostname.startsWith("[")
      ? `[${options.hostname}]`
      : options.hostname,
  )?.hostname;
  const hostsHint = options.configHint?.hosts ? ` (add it to ${options.configHint.hosts})` : "";
  const originsHint = options.configHint?.origins
    ? ` (add it to ${options.configHint.origins})`
    : "";

  /**
   * True when `host` names this server. The port counts only for entries configured with one:
   * DNS rebinding is about names, and a port mapping (`-p 8080:8787`) must keep working.
   */
  const ours = (host: string, defaultPort: number): boolean => {
    if (anyHost) return true;
    const parsed = parseHostHeader(host);
    if (!parsed) return false;
    const { hostname } = parsed;
    const port = parsed.port ?? defaultPort;
    if (exact.has(hostname)) {
      const wanted = exact.get(hostname);
      if (wanted === null || wanted === port) return true;
    }
    if (suffixes.some((s) => hostname.endsWith(s) || `.${hostname}` === s)) return true;
    return isIpLiteral(hostname) || hostname === "localhost" || hostname.endsWith(".localhost") ||
      hostname === bound;
  };

  /**
   * True when a page of `origin` was served by this server: same origin as the request (its Host
   * passed {@link ours}), or a local name on the bound port (a page at `localhost:PORT` calling
   * `127.0.0.1:PORT`). A page on another local port is another site.
   */
  const ownOrigin = (originHost: string, defaultPort: number, requestHost: string): boolean => {
    const parsed = parseHostHeader(originHost);
    if (!parsed) return false;
    const request = parseHostHeader(requestHost);
    const port = parsed.port ?? defaultPort;
    if (request && request.hostname === parsed.hostname && (request.port ?? 80) === port) {
      return true;
    }
    return ours(originHost, defaultPort) && port === portOf();
  };

  const check = (request: Request): Response | null => {
    // No Host header: not a browser (browsers always send one); an HTTP/1.0 client, or a request
    // made in process (`app.request("/")`). Its URL's host stands in.
    const host = request.headers.get("host") ?? new URL(request.url).host;
    if (!ours(host, 80)) {
      return _refuse(
        403,
        "host_not_allowed",
        `Host "${_clip(host)}" is not allowed: this server answers to localhost and IP ` +
          `addresses (DNS rebinding protection)${hostsHint}`,
      );
    }
    const upgrade = request.headers.get("upgrade")?.toLowerCase() === "websocket";
    if (!upgrade && _SAFE_METHODS.has(request.method)) return null;
    const origin = request.headers.get("origin");
    if (origin !== null && !anyOrigin && !extraOrigins.has(origin.toLowerCase())) {
      let originHost: string | null = null;
      let defaultPort = 80;
      try {
        const url = new URL(origin);
        if (url.protocol === "http:" || url.protocol === "https:") {
          originHost = url.host;
          defaultPort = url.protocol === "https:" ? 443 : 80;
        }
      } catch { /* "null" or garbage: refused below */ }
      if (originHost === null || !ownOrigin(originHost, defaultPort, host)) {
        return _refuse(
          403,
          "origin_not_allowed",
          `Origin "${_clip(origin)}" may not ${upgrade ? "open a WebSocket" : request.method} ` +
            `here: only pages served by this server can${originsHint}`,
        );
      }
    }
    if (upgrade) return null;
    const type = request.headers.get("content-type");
    const length = request.headers.get("content-length");
    const hasBody = length !== null ? length !== "0" : request.headers.has("transfer-encoding");
    if ((type !== null || hasBody) && !_JSON_TYPE.test(type ?? "")) {
      return _refuse(
        415,
        "unsupported_media_type",
        `${request.method} needs Content-Type: application/json, got ${
          type === null ? "none" : `"${_clip(type)}"`
        }`,
      );
    }
    return null;
  };
  return { check };
}

/**
 * The guard as Hono middleware: put it first (`app.use(crossSiteMiddleware(guard))`) so it runs
 * before token checks and routes.
 */
export function crossSiteMiddleware(guard: CrossSiteGuard): MiddlewareHandler {
  return async (c, next) => {
    const refusal = guard.check(c.req.raw);
    if (refusal) return refusal;
    await next();
    return undefined;
  };
}

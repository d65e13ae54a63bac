/**
 * The proxy's HTTP application (Hono): authentication, scopes, rate limit, body limit, policy,
 * audit, and the agent routes over one {@link Orchestrator}. Built as a plain function of its
 * parts so tests and the benchmark serve the very app `hive proxy` serves.
 *
 * Order of checks on `/v1/*`: a key in the query string is refused (it would end up in access
 * logs), then the key is authenticated (401), rate-limited per key (429 with `Retry-After`),
 * checked for scope (403), bodies are cut at 1 MiB while being read (413: the limit counts bytes
 * as they arrive, so a large body is never buffered), validated by strict schemas (400 naming the
 * field), and checked against policy (403 naming the rule and value). Every mutation and every
 * refusal writes one audit line. A poller's `GET /v1/agents` is answered ahead of the app by
 * `listing.ts`, with the same checks; what it does not answer comes here.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import {
  type Agent,
  agentIdSchema,
  agentSpecSchema,
  LABEL_AGENT,
  LABEL_CREATED,
  LABEL_MANAGED,
  LABEL_OWNER,
  type Orchestrator,
  OrchestratorError,
} from "../../adapters/orchestrator/types.ts";
import { formatIssues, parseWith } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { DOCS_PAGE } from "./docs_page.ts";
import { type KeyRing, presentedKey, type Principal } from "./keys.ts";
import { JSON_HEADERS, Listing } from "./listing.ts";
import { ProxyMetrics } from "./metrics.ts";
import { RateWindows } from "./rate_limit.ts";
import { checkSpec, type Policy } from "./policy.ts";
import {
  actionSchema,
  listQuerySchema,
  logsQuerySchema,
} from "../../adapters/orchestrator/proxy_api.ts";
import {
  actionRoute,
  createAgentRoute,
  deleteAgentRoute,
  getAgentRoute,
  listAgentsRoute,
  logsRoute,
} from "./routes.ts";

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the audit line of a request says besides status and key. */
interface _AuditFields {
  action?: string;
  agent?: string;
  rule?: string;
  reason?: string;
}

/** Per-request values the middleware hands to the routes. */
export type ProxyEnv = { Variables: { principal: Principal | undefined; audit: _AuditFields } };

/** Options for {@link createProxyApp}. */
export interface ProxyAppOptions {
  /** The engine. */
  orchestrator: Orchestrator;
  /** Accepted keys. */
  keys: KeyRing;
  /** What may be created. */
  policy: Policy;
  /** Where audit lines go. */
  audit: Logger;
  /** Development mode: no key needed; every caller is `dev` with write scope. */
  dev?: boolean;
  /** Aborted on shutdown, to end followed log streams. */
  shutdown?: AbortSignal;
}

const _QUERY_KEYS = new Set([
  "key",
  "apikey",
  "api_key",
  "api-key",
  "token",
  "access_token",
  "auth",
  "authorization",
]);

/** A refusal thrown inside a route; `onError` writes it like every other refusal. */
class _Refusal extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly extra: { rule?: string; value?: unknown } = {},
  ) {
    super(message);
  }
}

function _invalid(message: string): _Refusal {
  return new _Refusal(400, "invalid", message);
}

async function _json(c: Context<ProxyEnv>): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new _Refusal(
      400,
      "invalid",
      `expected Content-Type application/json, got ${type || "none"}`,
    );
  }
  try {
    return await c.req.json();
  } catch (error) {
    if (error instanceof HTTPException) throw error;
    throw new _Refusal(400, "invalid_json", "the body is not valid JSON");
  }
}

/** Methods of the routes (not middleware) whose pattern matches `path`, sorted. */
function _allowedMethods(routes: readonly { method: string; path: string }[], path: string) {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const pattern = route.path.split("/").map((part) =>
      part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    ).join("/");
    if (new RegExp(`^${pattern}$`).test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

function _error(
  c: Context<ProxyEnv>,
  status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 429 | 500 | 502,
  code: string,
  message: string,
  extra: { rule?: string; value?: unknown } = {},
) {
  c.set("audit", { ...c.get("audit"), reason: code, rule: extra.rule });
  return c.json({ error: { code, message, ...extra } }, status);
}

/** Build the proxy's Hono app. */
export function createProxyApp(options: ProxyAppOptions): {
  app: OpenAPIHono<ProxyEnv>;
  /** Serve a request: the app, with a poller's listing answered ahead of it ({@link Listing}). */
  fetch: (request: Request) => Promise<Response>;
  close: () => void;
} {
  const { orchestrator, keys, policy, audit } = options;
  const metrics = new ProxyMetrics();
  const windows = new RateWindows(policy.rate_limit.requests, policy.rate_limit.window_s * 1000);
  const listing = new Listing({ orchestrator, keys, windows, metrics, next: (r) => app.fetch(r) });
  const app = new OpenAPIHono<ProxyEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return _error(c, 400, "invalid", formatIssues(result.error.issues).join("; "));
      }
      return undefined;
    },
  });

  app.onError((error, c) => {
    if (error instanceof _Refusal) {
      return _error(c, error.status, error.code, error.message, error.extra);
    }
    if (error instanceof OrchestratorError) {
      return _error(c, error.status, error.kind, error.message);
    }
    if (error instanceof HTTPException) {
      const code = error.status === 400 ? "invalid_json" : "http";
      return _error(c, error.status as 400, code, error.message);
    }
    audit.error("proxy error", { error });
    return _error(c, 500, "internal", "internal error");
  });
  app.notFound((c) => {
    // A known path asked with another method is 405 with the methods it takes, not 404.
    const allow = _allowedMethods(app.routes, c.req.path);
    if (allow.length === 0) return _error(c, 404, "not_found", "no such route");
    c.header("Allow", allow.join(", "));
    return _error(c, 405, "method_not_allowed", `${c.req.method} ${c.req.path}: use ${allow}`);
  });

  // Audit and metrics see the final response of every request.
  app.use("*", async (c, next) => {
    c.set("audit", {});
    await next();
    const status = c.res.status;
    metrics.request(status);
    const method = c.req.method;
    if ((method === "GET" || method === "HEAD") && status < 400) return;
    const a = c.get("audit");
    if (a.reason) metrics.refusal(a.reason);
    audit.info("audit", {
      key_name: c.get("principal")?.name ?? null,
      action: a.action ?? `${method} ${c.req.path}`,
      agent: a.agent ?? null,
      result: status < 400 ? "ok" : status >= 500 ? "error" : "refused",
      status,
      rule: a.rule ?? null,
      reason: a.reason ?? null,
    });
  });

  app.get("/healthz", (c) => c.json({ status: "ok", orchestrator: orchestrator.kind }));
  app.doc31("/v1/openapi.json", {
    openapi: "3.1.0",
    info: { title: "hive proxy", version: "1", description: "The secure agent API." },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
  });
  app.get("/v1/docs", (c) => c.html(DOCS_PAGE));

  /**
   * Key in the query (400), authentication (401), rate limit (429), scope (403), in that order;
   * returns a refusal or null. One plain function: it runs on every API request.
   */
  const refusal = (c: Context<ProxyEnv>): Response | null => {
    const url = c.req.url;
    if (url.includes("?")) {
      for (const name of new URL(url).searchParams.keys()) {
        if (_QUERY_KEYS.has(name.toLowerCase())) {
          return _error(c, 400, "key_in_query", `keys are refused in the query string (${name})`);
        }
      }
    }
    let principal: Principal | null;
    const presented = presentedKey(c.req.raw.headers);
    if (options.dev && presented === null) principal = { name: "dev", scope: "write" };
    else principal = presented ? keys.verify(presented) : null;
    if (!principal) {
      c.header(
        "WWW-Authenticate",
        presented === null
          ? 'Bearer realm="hive proxy"'
          : 'Bearer realm="hive proxy", error="invalid_token"',
      );
      return _error(c, 401, presented === null ? "no_key" : "bad_key", "a valid API key is needed");
    }
    c.set("principal", principal);
    // A request the listing's fast path already counted is not counted twice.
    const waitS = listing.counted(c.req.raw) ?? windows.take(principal.name);
    if (waitS > 0) {
      c.header("Retry-After", String(waitS));
      return _error(c, 429, "rate_limited", "too many requests; see Retry-After");
    }
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD" && principal.scope !== "write") {
      return _error(c, 403, "scope", "this key is read-only");
    }
    return null;
  };
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => _error(c, 413, "too_large", `request bodies are limited to 1 MiB`),
  });
  // One registration for every protected path: Hono's "/v1/agents/*" also matches "/v1/agents",
  // and a second registration would count each request twice against the rate limit.
  app.use("*", async (c, next) => {
    const path = c.req.path;
    if (path !== "/v1/agents" && !path.startsWith("/v1/agents/") && path !== "/metrics") {
      return await next();
    }
    const refused = refusal(c);
    if (refused) return refused;
    const method = c.req.method;
    // The body limit only where a body is read: on a GET it would wrap the request in a new one.
    if (method === "GET" || method === "HEAD") return await next();
    return await limitBody(c, next);
  });

  app.get("/metrics", async (c) => {
    const agents = await orchestrator.list();
    return c.text(metrics.render(agents), 200, { "content-type": "text/plain; version=0.0.4" });
  });

  // The routes are registered for the OpenAPI document and validated with the very same schemas
  // by hand: typed responses would not fit refusals thrown from policy and the engine.
  for (const route of [createAgentRoute, listAgentsRoute, getAgentRoute, deleteAgentRoute]) {
    app.openAPIRegistry.registerPath(route);
  }
  app.openAPIRegistry.registerPath(actionRoute);
  app.openAPIRegistry.registerPath(logsRoute);
  const idOf = (c: Context<ProxyEnv>) =>
    parseWith(agentIdSchema, c.req.param("id"), { what: "id", makeError: _invalid });

  // Creates are serialized so the agent limits cannot be raced past.
  let creating: Promise<unknown> = Promise.resolve();
  app.post("/v1/agents", async (c) => {
    const spec = parseWith(agentSpecSchema, await _json(c), { makeError: _invalid });
    const principal = c.get("principal")!;
    c.set("audit", { action: "create", agent: spec.name });
    const reserved = Object.keys(spec.labels ?? {}).find((k) => k.startsWith("hive."));
    if (reserved) throw _invalid(`labels.${reserved}: hive.* labels are reserved`);
    const checked = await checkSpec(spec, policy);
    if (!checked.ok) {
      const v = checked.violation;
      throw new _Refusal(403, "policy", v.message, { rule: v.rule, value: v.value });
    }
    const run = creating.then(async () => {
      const all = await orchestrator.list();
      if (all.length >= policy.max_agents) return { rule: "max_agents", value: all.length };
      const mine = all.filter((a) => a.owner === principal.name).length;
      if (mine >= policy.max_agents_per_key) return { rule: "max_agents_per_key", value: mine };
      return await orchestrator.create(checked.spec, {
        ...spec.labels,
        [LABEL_MANAGED]: "true",
        [LABEL_AGENT]: spec.name,
        [LABEL_OWNER]: principal.name,
        [LABEL_CREATED]: String(Date.now()),
      });
    });
    creating = run.catch(() => {});
    const result = await run;
    if ("rule" in result) {
      throw new _Refusal(403, "policy", `${result.rule} reached (${result.value})`, result);
    }
    c.set("audit", { action: "create", agent: result.id });
    return c.json(result, 201);
  });

  const filtered = async (c: Context<ProxyEnv>): Promise<Agent[]> => {
    const query = parseWith(
      listQuerySchema,
      { ...c.req.query(), label: c.req.queries("label") },
      { makeError: _invalid },
    );
    const labels: Record<string, string> = {};
    for (const pair of [query.label ?? []].flat()) {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw _invalid(`label: expected key=value, got ${pair}`);
      labels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    if (query.owner) labels[LABEL_OWNER] = query.owner;
    const agents = await orchestrator.list({ labels });
    return query.state ? agents.filter((a) => a.state === query.state) : agents;
  };
  app.get("/v1/agents", async (c) => {
    // No query string is the common case (a poller): nothing to validate or filter.
    const agents = c.req.url.includes("?") ? await filtered(c) : await orchestrator.list();
    return c.body(listing.text(agents), 200, JSON_HEADERS);
  });

  app.get("/v1/agents/:id", async (c) => c.json(await orchestrator.get(idOf(c)), 200));

  app.delete("/v1/agents/:id", async (c) => {
    const id = idOf(c);
    c.set("audit", { action: "delete", agent: id });
    await orchestrator.remove(id);
    return c.body(null, 204);
  });

  app.post("/v1/agents/:id/action", async (c) => {
    const id = idOf(c);
    c.set("audit", { action: "action", agent: id });
    const body = parseWith(actionSchema, await _json(c), {
      makeError: _invalid,
    });
    c.set("audit", { action: body.action, agent: id });
    return c.json(await orchestrator[body.action](id), 200);
  });

  app.get("/v1/agents/:id/logs", async (c) => {
    const id = idOf(c);
    const query = parseWith(logsQuerySchema, c.req.query(), { makeError: _invalid });
    const follow = query.follow === "1" || query.follow === "true";
    const signals = [c.req.raw.signal];
    if (options.shutdown) signals.push(options.shutdown);
    const stream = await orchestrator.logs(id, {
      tail: query.tail === undefined ? undefined : Number(query.tail),
      follow,
      signal: AbortSignal.any(signals),
    });
    return c.body(stream, 200, { "content-type": "text/plain; charset=utf-8" });
  });

  return { app, fetch: listing.fetch, close: () => windows.clear() };
}

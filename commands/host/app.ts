/**
 * The host's HTTP surface (a Hono app): the chat page, the remote agents page, the chat
 * WebSocket, health and metrics, the management API under `/api` and agents' own routes under
 * `/agents/<name>/` (the remote agent manager's among them). With an API token, the API, the
 * chat WebSocket and agents' routes need it; the pages, `/healthz` and `/metrics` stay open.
 *
 * @module
 */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { formatIssues, HiveError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { agentNameSchema } from "./agent.ts";
import type { AgentManager } from "./agents.ts";
import type { ChatAgent } from "./chat_agent.ts";
import { type Metric, PROMETHEUS_CONTENT_TYPE, renderMetrics, RequestCounter } from "./metrics.ts";
import { tokenAuth } from "./token_auth.ts";
import { type CrossSiteGuard, crossSiteMiddleware } from "../../core/http/guard.ts";
import type { AuthThrottle } from "../../core/http/auth_throttle.ts";
import { CHAT_PAGE_HTML } from "./web/page.ts";
import { AGENTS_PAGE_HTML } from "./web/agents_page.ts";
import { AGENTS_PAGE_PATH } from "./agent_manager.ts";

/** What the app needs from the running host. */
export interface HostAppOptions {
  agents: AgentManager;
  /** The built-in chat agent, for `/ws/chat`. */
  chat: ChatAgent | null;
  /** Body of `/api/status`. */
  status: () => Promise<Record<string, unknown>>;
  /** Daemon state for `/healthz`. */
  daemonState: () => string;
  /** Metric families for `/metrics` (request counts are added here). */
  metrics: () => Metric[];
  /** Token required on `/api/*`, `/ws/chat` and `/agents/*`; null: no token. */
  apiToken: string | null;
  guard: CrossSiteGuard;
  authThrottle?: AuthThrottle;
  logger: Logger;
}

const _STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  not_found: 404,
  conflict: 409,
  bad_request: 400,
  agent_failed: 500,
};

/** Build the Hono app. */
export function createHostApp(options: HostAppOptions): Hono {
  const app = new Hono();
  const requests = new RequestCounter();

  app.use(async (c, next) => {
    await next();
    requests.add(c.req.method, c.res.status);
  });
  app.use(crossSiteMiddleware(options.guard));
  if (options.apiToken) {
    const guard = tokenAuth(options.apiToken, options.authThrottle);
    for (const path of ["/api/*", "/ws/chat", "/agents/*"]) app.use(path, guard);
  }

  app.onError((error, c) => {
    if (error instanceof HiveError) {
      const status = _STATUS_BY_CODE[error.code] ?? 500;
      return c.json({ error: { code: error.code, message: error.message } }, status);
    }
    // Hono's own HTTP errors carry their response.
    if (error && typeof (error as { getResponse?: unknown }).getResponse === "function") {
      return (error as unknown as { getResponse: () => Response }).getResponse();
    }
    options.logger.error("http handler failed", { path: c.req.path, error });
    return c.json({ error: { code: "internal", message: (error as Error).message } }, 500);
  });

  app.get("/", (c) => c.html(CHAT_PAGE_HTML));
  // The page holds no data; what it lists comes from the agent-manager's routes (token-guarded).
  app.get(AGENTS_PAGE_PATH, (c) => c.html(AGENTS_PAGE_HTML));
  app.get(
    "/healthz",
    (c) =>
      c.json({
        ok: true,
        daemon: options.daemonState(),
        token_required: options.apiToken !== null,
      }),
  );
  app.get("/metrics", (c) =>
    c.body(renderMetrics([...options.metrics(), requests.metric()]), 200, {
      "content-type": PROMETHEUS_CONTENT_TYPE,
    }));
  app.get("/ws/chat", (c) => {
    if (!options.chat || options.agents.get("chat")?.state !== "running") {
      return c.json({ error: { code: "unavailable", message: "chat agent is not running" } }, 503);
    }
    return options.chat.upgrade(c.req.raw);
  });

  const api = new Hono();
  api.get("/status", async (c) => c.json(await options.status()));
  api.get("/agents", (c) => c.json({ agents: options.agents.list() }));
  api.get("/agents/:name", (c) => {
    const name = _agentName(c.req.param("name"));
    const agent = options.agents.get(name);
    if (!agent) throw new HiveError(`no agent named "${name}"`, { code: "not_found" });
    return c.json(agent);
  });
  api.post("/agents/:name/:action", async (c) => {
    const name = _agentName(c.req.param("name"));
    const action = c.req.param("action");
    if (action === "start") return c.json(await options.agents.start(name));
    if (action === "stop") return c.json(await options.agents.stop(name));
    throw new HiveError(`unknown action "${action}": expected start or stop`, {
      code: "not_found",
    });
  });
  app.route("/api", api);

  app.all("/agents/:name/*", (c) => {
    const routes = options.agents.routes(c.req.param("name"));
    if (!routes) {
      return c.json({
        error: { code: "not_found", message: `agent "${c.req.param("name")}" is not running` },
      }, 404);
    }
    return routes.fetch(c.req.raw);
  });

  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404)
  );
  return app;
}

function _agentName(raw: string): string {
  const parsed = agentNameSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new HiveError(formatIssues(parsed.error.issues, "agent name").join("; "), {
      code: "bad_request",
    });
  }
  return parsed.data;
}

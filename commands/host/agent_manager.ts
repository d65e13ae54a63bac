/**
 * The remote agent manager: a built-in host agent that lists, starts, stops and restarts agents
 * through a running `hive proxy`, and never touches a container engine itself (it only holds
 * the proxy's URL and an API key). Its page (`web/agents_page.ts`, served at
 * {@link AGENTS_PAGE_PATH}) calls the routes it mounts under `/agents/agent-manager/`, so the
 * host's cross-site guard and API token cover them like every other route there.
 *
 * The key is read when the agent starts (from an environment variable or a file, as
 * `host.agent_manager` names it), kept in memory only, and never logged, returned or sent to
 * the browser. Failures of the proxy reach the page as `proxy_<code>` errors with the proxy's
 * own message, so "wrong key" (proxy 401) is never mistaken for "wrong host token" (host 401).
 *
 * @module
 */
import type { Context } from "hono";
import { agentIdSchema } from "../../adapters/orchestrator/types.ts";
import {
  AGENT_ACTIONS,
  type AgentAction,
  ProxyApiError,
  ProxyOrchestrator,
} from "../../adapters/orchestrator/mod.ts";
import type { Agent, AgentContext } from "./agent.ts";

/** The agent's name, and the segment of its routes (`/agents/agent-manager/...`). */
export const AGENT_MANAGER_NAME = "agent-manager";

/** Where the host serves the manager's page. */
export const AGENTS_PAGE_PATH = "/remote-agents";

/** Options for {@link createAgentManagerAgent}. */
export interface AgentManagerAgentOptions {
  /** Base URL of the proxy. */
  url: string;
  /** Name of the environment variable holding the key, or null. */
  keyEnv: string | null;
  /** File holding the key, or null. Exactly one of `keyEnv` and `keyFile` is set. */
  keyFile: string | null;
  /** Deadline of each call to the proxy. Default 10 s. */
  timeoutMs?: number;
}

/** Read the proxy key as configured; errors name the setting, never the key. */
export async function readProxyKey(
  options: Pick<AgentManagerAgentOptions, "keyEnv" | "keyFile">,
): Promise<string> {
  let key: string | undefined;
  let where: string;
  if (options.keyEnv) {
    where = `host.agent_manager.key_env: environment variable ${options.keyEnv}`;
    key = Deno.env.get(options.keyEnv);
    if (key === undefined) throw new Error(`${where} is not set`);
  } else if (options.keyFile) {
    where = `host.agent_manager.key_file: ${options.keyFile}`;
    try {
      key = await Deno.readTextFile(options.keyFile);
    } catch (error) {
      throw new Error(`${where}: cannot read it (${(error as Error).name})`);
    }
  } else {
    throw new Error("host.agent_manager: set key_env or key_file");
  }
  key = key.trim();
  if (!/^[\x21-\x7e]{1,4096}$/.test(key)) {
    throw new Error(`${where}: expected one line of printable characters (value not shown)`);
  }
  return key;
}

/** Status of the host's answer for a failed proxy call. */
function _status(error: ProxyApiError): 400 | 404 | 409 | 502 | 504 {
  if (error.kind === "not_found") return 404;
  if (error.kind === "conflict") return 409;
  // A bad request the proxy refused is the page's mistake; its auth and outages are not.
  if (error.kind === "invalid" && error.httpStatus === 400) return 400;
  return error.code === "timeout" ? 504 : 502;
}

/** Build the remote agent manager. */
export function createAgentManagerAgent(options: AgentManagerAgentOptions): Agent {
  let client: ProxyOrchestrator | null = null;
  return {
    name: AGENT_MANAGER_NAME,
    async start(ctx: AgentContext) {
      const key = await readProxyKey(options);
      const proxy = new ProxyOrchestrator({
        url: options.url,
        key,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      client = proxy;
      const http = ctx.http;
      http.onError((error, c) => _failure(error, c, ctx));
      http.get(
        "/agents",
        async (c) =>
          c.json({ proxy: proxy.url, agents: await proxy.list() }, 200, {
            "cache-control": "no-store",
          }),
      );
      http.get("/agents/:id", async (c) => c.json(await proxy.get(_id(c.req.param("id")))));
      http.post("/agents/:id/:action", async (c) => {
        const id = _id(c.req.param("id"));
        const action = c.req.param("action");
        if (!(AGENT_ACTIONS as readonly string[]).includes(action)) {
          return c.json({
            error: {
              code: "not_found",
              message: `unknown action ${JSON.stringify(action.slice(0, 32))}: expected ${
                AGENT_ACTIONS.join(", ")
              }`,
            },
          }, 404);
        }
        const agent = await proxy.action(id, action as AgentAction);
        ctx.logger.info("remote agent action", { action, id, state: agent.state });
        return c.json(agent);
      });
      ctx.logger.info("remote agent manager ready", { proxy: proxy.url });
    },
    async stop() {
      await client?.close();
      client = null;
    },
  };
}

class _BadId extends Error {}

function _id(raw: string): string {
  const parsed = agentIdSchema.safeParse(raw);
  if (!parsed.success) {
    throw new _BadId(`id: expected A-Z, a-z, 0-9, _ and -, 1..128 characters`);
  }
  return parsed.data;
}

function _failure(error: Error, c: Context, ctx: AgentContext): Response {
  if (error instanceof _BadId) {
    return c.json({ error: { code: "bad_request", message: error.message } }, 400);
  }
  if (error instanceof ProxyApiError) {
    const status = _status(error);
    if (status >= 500) {
      ctx.logger.warn("proxy call failed", { code: error.code, error: error.message });
    }
    const headers: Record<string, string> = {};
    if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
    return c.json(
      { error: { code: `proxy_${error.code}`, message: error.message, status: error.httpStatus } },
      status,
      headers,
    );
  }
  ctx.logger.error("agent manager route failed", { path: c.req.path, error });
  return c.json({ error: { code: "internal", message: error.message } }, 500);
}

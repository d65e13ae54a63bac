/**
 * The remote agent manager: a built-in host agent that lists, creates, starts, stops, restarts
 * and removes agents and reads their logs through a running `hive proxy`, and never touches a
 * container engine itself (it only holds the proxy's URL and an API key). Its page (`web/agents_page.ts`, served at
 * {@link AGENTS_PAGE_PATH}) calls the routes it mounts under `/agents/agent-manager/`, so the
 * host's cross-site guard and API token cover them like every other route there.
 *
 * The key is read when the agent starts (from an environment variable or a file, as
 * `host.agent_manager` names it), kept in memory only, and never logged, returned or sent to
 * the browser. Failures of the proxy reach the page as `proxy_<code>` errors with the proxy's
 * own message, so "wrong key" (proxy 401) is never mistaken for "wrong host token" (host 401).
 * A spawn request is checked with the proxy's own `agentSpecSchema` before it leaves the host
 * (400 naming the field), and a policy refusal keeps the proxy's 403 with its rule.
 *
 * @module
 */
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { agentIdSchema, agentSpecSchema } from "../../adapters/orchestrator/types.ts";
import { formatIssues } from "../../core/errors.ts";
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

/** Largest spawn request the host passes on (a spec is small; the proxy allows 1 MiB). */
export const SPAWN_BODY_LIMIT = 64 * 1024;

/** Most log lines one request returns when it names no `tail`. */
export const LOGS_DEFAULT_TAIL = 200;

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
function _status(error: ProxyApiError): 400 | 403 | 404 | 409 | 502 | 504 {
  if (error.kind === "not_found") return 404;
  if (error.kind === "conflict") return 409;
  // The user's request broke the proxy's policy; a 403 for the key's scope is the host's setup.
  if (error.code === "policy") return 403;
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
      http.post(
        "/agents",
        bodyLimit({
          maxSize: SPAWN_BODY_LIMIT,
          onError: (c) => _bad(c, `a spawn request is limited to ${SPAWN_BODY_LIMIT} bytes`),
        }),
        async (c) => {
          let raw: unknown;
          try {
            raw = await c.req.json();
          } catch {
            return _bad(c, "the body is not JSON");
          }
          const parsed = agentSpecSchema.safeParse(raw, { reportInput: true });
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            return _bad(c, formatIssues(parsed.error.issues).join("; "), issue?.path[0]);
          }
          // The client would drop them silently; say so instead, as the proxy itself does.
          const reserved = Object.keys(parsed.data.labels ?? {}).find((k) => k.startsWith("hive."));
          if (reserved) return _bad(c, `labels.${reserved}: hive.* labels are reserved`, "labels");
          const agent = await proxy.spawn(parsed.data);
          ctx.logger.info("remote agent created", { id: agent.id, name: agent.name });
          return c.json(agent, 201);
        },
      );
      http.get("/agents/:id/logs", async (c) => {
        const id = _id(c.req.param("id"));
        const tailText = c.req.query("tail") ?? String(LOGS_DEFAULT_TAIL);
        if (!/^[0-9]{1,6}$/.test(tailText)) {
          return _bad(
            c,
            `tail: expected a whole number, got ${JSON.stringify(tailText.slice(0, 32))}`,
          );
        }
        const follow = c.req.query("follow") === "1";
        // A followed stream ends when the browser goes away (or the agent stops).
        const stream = await proxy.logs(id, {
          tail: Number(tailText),
          follow,
          signal: c.req.raw.signal,
        });
        return c.body(stream, 200, {
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        });
      });
      http.delete("/agents/:id", async (c) => {
        const id = _id(c.req.param("id"));
        await proxy.remove(id);
        ctx.logger.info("remote agent removed", { id });
        return c.body(null, 204);
      });
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

function _bad(c: Context, message: string, field?: PropertyKey): Response {
  const error: Record<string, string> = { code: "bad_request", message };
  if (typeof field === "string") error.field = field;
  return c.json({ error }, 400);
}

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
    const body: Record<string, unknown> = {
      code: `proxy_${error.code}`,
      message: error.message,
      status: error.httpStatus,
    };
    if (error.rule) body.rule = error.rule;
    return c.json({ error: body }, status, headers);
  }
  ctx.logger.error("agent manager route failed", { path: c.req.path, error });
  return c.json({ error: { code: "internal", message: error.message } }, 500);
}

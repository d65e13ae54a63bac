/**
 * The HTTP API of `hive proxy` as a contract both sides import: the paths, the request schemas
 * the server validates with, and the response schemas its clients validate with. It lives in the
 * orchestrator port (not in `commands/proxy`) because the proxy's own CLI client and the host's
 * remote agent manager speak it too, and no command may import another command's files.
 *
 * @example
 * ```ts
 * import { listResponseSchema, PROXY_PATHS } from "./proxy_api.ts";
 * const response = await fetch("http://127.0.0.1:8788" + PROXY_PATHS.agents, {
 *   headers: { authorization: "Bearer hive_..." },
 * });
 * const { agents } = listResponseSchema.parse(await response.json());
 * ```
 * @module
 */
import { z } from "zod";
import { AGENT_STATES, agentSchema } from "./types.ts";

/** The paths of the `/v1` API; ids are URL-encoded here so no caller forgets to. */
export const PROXY_PATHS = {
  /** `GET` lists, `POST` creates. */
  agents: "/v1/agents",
  /** `GET` one agent, `DELETE` it. */
  agent: (id: string): string => `/v1/agents/${encodeURIComponent(id)}`,
  /** `POST` {@link actionSchema}. */
  action: (id: string): string => `/v1/agents/${encodeURIComponent(id)}/action`,
  /** `GET` the agent's output. */
  logs: (id: string): string => `/v1/agents/${encodeURIComponent(id)}/logs`,
} as const;

/** The body of every refusal: a stable code, a message, and for policy the rule and value. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    rule: z.string().optional(),
    value: z.unknown().optional(),
  }),
});

/** A refusal body. */
export type ProxyErrorBody = z.output<typeof errorSchema>;

/** Query of `GET /v1/agents`. */
export const listQuerySchema = z.strictObject({
  label: z.union([z.string(), z.array(z.string())]).optional().describe("key=value, repeatable"),
  owner: z.string().max(63).optional(),
  state: z.enum(AGENT_STATES).optional(),
});

/** Filters of `GET /v1/agents` as a client passes them. */
export interface ListQuery {
  /** `key=value` pairs that must all match. */
  label?: string[];
  /** Only agents created with this key name. */
  owner?: string;
  /** Only agents in this state. */
  state?: string;
}

/** Body of `GET /v1/agents`. */
export const listResponseSchema = z.object({ agents: z.array(agentSchema) });

/** What `POST /v1/agents/{id}/action` can ask for. */
export const AGENT_ACTIONS = ["start", "stop", "restart"] as const;
/** One of {@link AGENT_ACTIONS}. */
export type AgentAction = typeof AGENT_ACTIONS[number];

/** Body of `POST /v1/agents/{id}/action`. */
export const actionSchema = z.strictObject({ action: z.enum(AGENT_ACTIONS) });

/** Query of `GET /v1/agents/{id}/logs`. */
export const logsQuerySchema = z.strictObject({
  tail: z.string().regex(/^[0-9]{1,6}$/, { error: "expected a whole number" }).optional(),
  follow: z.enum(["0", "1", "true", "false"]).optional(),
});

/** The URL search string of a list query (`?label=a%3Db&state=running`, or empty). */
export function listQueryString(query: ListQuery = {}): string {
  const params = new URLSearchParams();
  for (const l of query.label ?? []) params.append("label", l);
  if (query.owner) params.set("owner", query.owner);
  if (query.state) params.set("state", query.state);
  return params.size ? `?${params}` : "";
}

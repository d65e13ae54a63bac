/**
 * The proxy's HTTP API as OpenAPI routes. The same zod schemas validate requests and generate
 * `GET /v1/openapi.json`, so the document cannot drift from what the server accepts.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  AGENT_STATES,
  agentIdSchema,
  agentSchema,
  agentSpecSchema,
} from "../../adapters/orchestrator/types.ts";

/** The error body every refusal carries. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    rule: z.string().optional(),
    value: z.unknown().optional(),
  }),
});

const _errors = {
  400: { description: "invalid request", content: { "application/json": { schema: errorSchema } } },
  401: { description: "no or wrong key", content: { "application/json": { schema: errorSchema } } },
  403: {
    description: "wrong scope or refused by policy",
    content: { "application/json": { schema: errorSchema } },
  },
  404: { description: "no such agent", content: { "application/json": { schema: errorSchema } } },
  429: {
    description: "rate limit; see Retry-After",
    content: { "application/json": { schema: errorSchema } },
  },
};

const _security: Record<string, string[]>[] = [{ bearer: [] }, { apiKey: [] }];
const _idParams = z.object({ id: agentIdSchema });
const _agentJson = { "application/json": { schema: agentSchema } };

/** Query of `GET /v1/agents`. */
export const listQuerySchema = z.strictObject({
  label: z.union([z.string(), z.array(z.string())]).optional().openapi({
    description: "key=value, repeatable",
  }),
  owner: z.string().max(63).optional(),
  state: z.enum(AGENT_STATES).optional(),
});

/** Body of `POST /v1/agents/{id}/action`. */
export const actionSchema = z.strictObject({ action: z.enum(["start", "stop", "restart"]) });

/** Query of `GET /v1/agents/{id}/logs`. */
export const logsQuerySchema = z.strictObject({
  tail: z.string().regex(/^[0-9]{1,6}$/, { error: "expected a whole number" }).optional(),
  follow: z.enum(["0", "1", "true", "false"]).optional(),
});

/** `POST /v1/agents` */
export const createAgentRoute = createRoute({
  method: "post",
  path: "/v1/agents",
  summary: "Create and start an agent",
  security: _security,
  request: {
    body: { required: true, content: { "application/json": { schema: agentSpecSchema } } },
  },
  responses: {
    201: { description: "created", content: _agentJson },
    409: { description: "name taken", content: { "application/json": { schema: errorSchema } } },
    413: {
      description: "body over 1 MiB",
      content: { "application/json": { schema: errorSchema } },
    },
    ..._errors,
  },
});

/** `GET /v1/agents` */
export const listAgentsRoute = createRoute({
  method: "get",
  path: "/v1/agents",
  summary: "List agents",
  security: _security,
  request: {
    query: listQuerySchema,
  },
  responses: {
    200: {
      description: "agents",
      content: { "application/json": { schema: z.object({ agents: z.array(agentSchema) }) } },
    },
    ..._errors,
  },
});

/** `GET /v1/agents/{id}` */
export const getAgentRoute = createRoute({
  method: "get",
  path: "/v1/agents/{id}",
  summary: "One agent",
  security: _security,
  request: { params: _idParams },
  responses: { 200: { description: "the agent", content: _agentJson }, ..._errors },
});

/** `DELETE /v1/agents/{id}` */
export const deleteAgentRoute = createRoute({
  method: "delete",
  path: "/v1/agents/{id}",
  summary: "Stop and delete an agent",
  security: _security,
  request: { params: _idParams },
  responses: { 204: { description: "deleted" }, ..._errors },
});

/** `POST /v1/agents/{id}/action` */
export const actionRoute = createRoute({
  method: "post",
  path: "/v1/agents/{id}/action",
  summary: "Start, stop or restart an agent",
  security: _security,
  request: {
    params: _idParams,
    body: {
      required: true,
      content: {
        "application/json": { schema: actionSchema },
      },
    },
  },
  responses: { 200: { description: "the agent", content: _agentJson }, ..._errors },
});

/** `GET /v1/agents/{id}/logs` */
export const logsRoute = createRoute({
  method: "get",
  path: "/v1/agents/{id}/logs",
  summary: "The agent's output; follow=1 streams new lines",
  security: _security,
  request: {
    params: _idParams,
    query: logsQuerySchema,
  },
  responses: {
    200: { description: "text", content: { "text/plain": { schema: z.string() } } },
    ..._errors,
  },
});

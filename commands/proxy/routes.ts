/**
 * The proxy's HTTP API as OpenAPI routes. The same zod schemas validate requests and generate
 * `GET /v1/openapi.json`, so the document cannot drift from what the server accepts; they come
 * from the orchestrator port's `proxy_api.ts`, so clients cannot drift from it either.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { agentIdSchema, agentSchema, agentSpecSchema } from "../../adapters/orchestrator/types.ts";
import {
  actionSchema,
  errorSchema,
  listQuerySchema,
  listResponseSchema,
  logsQuerySchema,
} from "../../adapters/orchestrator/proxy_api.ts";

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
      content: { "application/json": { schema: listResponseSchema } },
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

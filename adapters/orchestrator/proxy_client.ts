/**
 * The orchestrator port over a running `hive proxy`: every call is one request to its `/v1` API
 * (see `proxy_api.ts`), so a caller that holds only a URL and a key manages agents without ever
 * touching an engine. `hive proxy agents ...` and the host's remote agent manager use it.
 *
 * The key travels in the `Authorization` header, never in the URL, and appears in no error.
 * Every request has a deadline; refusals become {@link ProxyApiError}s that keep the proxy's
 * status, code, rule and `Retry-After`, with a message that says what to do about them.
 *
 * @example
 * ```ts
 * import { ProxyOrchestrator } from "./proxy_client.ts";
 * const proxy = new ProxyOrchestrator({ url: "http://127.0.0.1:8788", key: "hive_..." });
 * for (const agent of await proxy.list()) console.log(agent.name, agent.state);
 * await proxy.close();
 * ```
 * @module
 */
import { type AgentAction, listQueryString, listResponseSchema, PROXY_PATHS } from "./proxy_api.ts";
import type { ListQuery } from "./proxy_api.ts";
import {
  type Agent,
  agentSchema,
  type AgentSpec,
  type ListFilter,
  type LogsOptions,
  type Orchestrator,
  OrchestratorError,
  type OrchestratorErrorKind,
} from "./types.ts";

/** Options for {@link ProxyOrchestrator}. */
export interface ProxyOrchestratorOptions {
  /** Base URL of the proxy, e.g. `http://127.0.0.1:8788` (no user or password in it). */
  url: string;
  /** API key; without one the proxy answers 401. */
  key?: string;
  /** Deadline of every request that is not a followed log stream. Default 30 s. */
  timeoutMs?: number;
}

/** A failed call to the proxy: refused (it answered), unreachable, or too slow. */
export class ProxyApiError extends OrchestratorError {
  /** The proxy's status code; 0 when it did not answer. */
  readonly httpStatus: number;
  /** The proxy's error code (`unauthorized`, `rate_limited`, ...), or `unreachable`/`timeout`. */
  readonly code: string;
  /** The policy rule that refused, when one did. */
  readonly rule: string | undefined;
  /** Seconds the proxy asked to wait (429). */
  readonly retryAfter: number | undefined;

  constructor(
    kind: OrchestratorErrorKind,
    message: string,
    details: {
      httpStatus: number;
      code: string;
      rule?: string;
      retryAfter?: number;
      cause?: unknown;
    },
  ) {
    super(kind, message, { cause: details.cause });
    this.name = "ProxyApiError";
    this.httpStatus = details.httpStatus;
    this.code = details.code;
    this.rule = details.rule;
    this.retryAfter = details.retryAfter;
  }
}

/** Check a proxy base URL: http(s), no credentials, no query. Returns it without a trailing `/`. */
export function proxyBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OrchestratorError(
      "invalid",
      `proxy url: expected an http(s):// URL, got ${_q(text)}`,
    );
  }
  if (!/^https?:$/.test(url.protocol)) {
    throw new OrchestratorError(
      "invalid",
      `proxy url: expected an http(s):// URL, got ${_q(text)}`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    // A key or password in the URL would end up in logs; the key has its own setting.
    throw new OrchestratorError(
      "invalid",
      "proxy url: no user, password, query or fragment allowed (the key goes in its own setting)",
    );
  }
  return url.href.replace(/\/+$/, "");
}

function _q(text: string): string {
  return JSON.stringify(text.length > 100 ? text.slice(0, 100) + "..." : text);
}

const _KIND_BY_STATUS: Record<number, OrchestratorErrorKind> = {
  400: "invalid",
  401: "forbidden",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "invalid",
};

/** The orchestrator port over `hive proxy`'s HTTP API. */
export class ProxyOrchestrator implements Orchestrator {
  /** Always `proxy`. */
  readonly kind = "proxy";
  /** The proxy's base URL (never holds the key). */
  readonly url: string;
  readonly #key: string | undefined;
  readonly #timeoutMs: number;
  // Aborted by close(), so no request outlives the client.
  readonly #closing = new AbortController();

  constructor(options: ProxyOrchestratorOptions) {
    this.url = proxyBaseUrl(options.url);
    this.#key = options.key;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Create and start an agent. `hive.*` labels are the proxy's to set and are left out. */
  create(spec: AgentSpec, labels: Record<string, string> = {}): Promise<Agent> {
    const own = Object.fromEntries(
      Object.entries({ ...spec.labels, ...labels }).filter(([k]) => !k.startsWith("hive.")),
    );
    const body = Object.keys(own).length ? { ...spec, labels: own } : { ...spec };
    if (!Object.keys(own).length) delete body.labels;
    return this.#agent("POST", PROXY_PATHS.agents, body);
  }

  /** `POST /v1/agents` with the spec as given. */
  spawn(spec: AgentSpec): Promise<Agent> {
    return this.create(spec);
  }

  /** Agents whose labels match `filter`. */
  list(filter: ListFilter = {}): Promise<Agent[]> {
    return this.query({
      label: Object.entries(filter.labels ?? {}).map(([k, v]) => `${k}=${v}`),
    });
  }

  /** `GET /v1/agents` with the proxy's own filters (labels, owner, state). */
  async query(query: ListQuery = {}): Promise<Agent[]> {
    const body = await this.#json("GET", PROXY_PATHS.agents + listQueryString(query));
    return _parse(listResponseSchema, body, "agent list").agents;
  }

  /** One agent. */
  get(id: string): Promise<Agent> {
    return this.#agent("GET", PROXY_PATHS.agent(id));
  }

  /** Stop and delete an agent. */
  async remove(id: string): Promise<void> {
    await this.#json("DELETE", PROXY_PATHS.agent(id));
  }

  /** Start a stopped agent. */
  start(id: string): Promise<Agent> {
    return this.action(id, "start");
  }

  /** Stop a running agent. */
  stop(id: string): Promise<Agent> {
    return this.action(id, "stop");
  }

  /** Stop, then start. */
  restart(id: string): Promise<Agent> {
    return this.action(id, "restart");
  }

  /** `POST /v1/agents/{id}/action`. */
  action(id: string, action: AgentAction): Promise<Agent> {
    return this.#agent("POST", PROXY_PATHS.action(id), { action });
  }

  /** The agent's output; a followed stream ends with `options.signal` or {@link close}. */
  async logs(id: string, options: LogsOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const query = new URLSearchParams();
    if (options.tail !== undefined) query.set("tail", String(options.tail));
    if (options.follow) query.set("follow", "1");
    const path = PROXY_PATHS.logs(id) + (query.size ? `?${query}` : "");
    // A followed stream has no overall deadline; the wait for its headers does.
    const response = await this.#fetch("GET", path, undefined, {
      follow: options.follow ?? false,
      signal: options.signal,
    });
    if (!response.ok || !response.body) throw await this.#failure(response);
    return response.body;
  }

  /** Abort requests in flight. */
  close(): Promise<void> {
    this.#closing.abort();
    return Promise.resolve();
  }

  async #agent(method: string, path: string, body?: unknown): Promise<Agent> {
    return _parse(agentSchema, await this.#json(method, path, body), "agent");
  }

  async #json(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.#fetch(method, path, body, { follow: false });
    if (!response.ok) throw await this.#failure(response);
    if (response.status === 204) {
      await response.body?.cancel();
      return undefined;
    }
    try {
      return await response.json();
    } catch (error) {
      throw this.#transport(error, `${method} ${path}: the answer is not JSON`);
    }
  }

  async #fetch(
    method: string,
    path: string,
    body: unknown,
    options: { follow: boolean; signal?: AbortSignal },
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#key) headers.authorization = `Bearer ${this.#key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signals = [this.#closing.signal];
    if (options.signal) signals.push(options.signal);
    // Until the headers arrive every call has the deadline; a followed stream then drops it.
    const headersDeadline = new AbortController();
    const onTimeout = () => headersDeadline.abort(timeout.reason);
    timeout.addEventListener("abort", onTimeout);
    signals.push(options.follow ? headersDeadline.signal : timeout);
    try {
      return await fetch(this.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      if (timeout.aborted) {
        throw new ProxyApiError(
          "engine",
          `proxy ${this.url} did not answer ${method} ${
            _pathOnly(path)
          } within ${this.#timeoutMs} ms`,
          { httpStatus: 0, code: "timeout", cause: error },
        );
      }
      throw this.#transport(error, `${method} ${_pathOnly(path)}`);
    } finally {
      timeout.removeEventListener("abort", onTimeout);
    }
  }

  #transport(error: unknown, what: string): ProxyApiError {
    if (this.#closing.signal.aborted) {
      return new ProxyApiError("engine", `proxy client closed during ${what}`, {
        httpStatus: 0,
        code: "closed",
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new ProxyApiError(
      "engine",
      `proxy ${this.url} unreachable (${what}): ${reason.split("\n")[0]}`,
      { httpStatus: 0, code: "unreachable", cause: error },
    );
  }

  async #failure(response: Response): Promise<ProxyApiError> {
    const status = response.status;
    let code = `http_${status}`;
    let said = "";
    let rule: string | undefined;
    try {
      const text = await response.text();
      const body = JSON.parse(text) as {
        error?: { code?: unknown; message?: unknown; rule?: unknown };
      };
      if (typeof body.error?.code === "string") code = body.error.code;
      if (typeof body.error?.message === "string") said = body.error.message;
      if (typeof body.error?.rule === "string") rule = body.error.rule;
    } catch { /* not JSON: the status says it */ }
    const retryHeader = response.headers.get("retry-after");
    const retryAfter = retryHeader && /^\d{1,6}$/.test(retryHeader)
      ? Number(retryHeader)
      : undefined;
    let message = `proxy ${this.url} answered ${status}${said ? ` ${said.slice(0, 500)}` : ""}`;
    if (rule) message += ` (rule ${rule})`;
    if (status === 401) message += "; check the API key";
    else if (status === 429) {
      message += retryAfter !== undefined ? `; retry after ${retryAfter} s` : "; slow down";
    }
    const kind = _KIND_BY_STATUS[status] ?? "engine";
    return new ProxyApiError(kind, message, { httpStatus: status, code, rule, retryAfter });
  }
}

function _pathOnly(path: string): string {
  return path.split("?")[0];
}

function _parse<T>(
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown };
  },
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ProxyApiError(
    "engine",
    `proxy sent a malformed ${what}: ${String(parsed.error).slice(0, 300)}`,
    {
      httpStatus: 200,
      code: "bad_response",
    },
  );
}

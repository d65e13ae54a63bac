/**
 * A client of a running `hive proxy`, for the `hive proxy agents ...` subcommands: the key goes in
 * the `Authorization` header (never the URL), refusals become errors carrying the proxy's own
 * message (rule and value included).
 *
 * @module
 */
import type { Agent, AgentSpec } from "../../adapters/orchestrator/types.ts";
import { HiveError, UsageError } from "../../core/errors.ts";

/** Options for {@link ProxyClient}. */
export interface ProxyClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8788`. */
  api: string;
  /** API key (from `HIVE_API_KEY`). */
  key?: string;
  /** Per-request timeout for non-streaming calls. Default 30 s. */
  timeoutMs?: number;
}

/** Talks to a proxy's `/v1` API. */
export class ProxyClient {
  readonly #api: string;
  readonly #key: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: ProxyClientOptions) {
    let url: URL;
    try {
      url = new URL(options.api);
    } catch {
      throw new UsageError(`--api: expected an http(s):// URL, got ${JSON.stringify(options.api)}`);
    }
    if (!/^https?:$/.test(url.protocol)) {
      throw new UsageError(`--api: expected an http(s):// URL, got ${JSON.stringify(options.api)}`);
    }
    this.#api = options.api.replace(/\/+$/, "");
    this.#key = options.key;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** `GET /v1/agents` with optional filters. */
  async list(filter: { label?: string[]; owner?: string; state?: string } = {}): Promise<Agent[]> {
    const query = new URLSearchParams();
    for (const l of filter.label ?? []) query.append("label", l);
    if (filter.owner) query.set("owner", filter.owner);
    if (filter.state) query.set("state", filter.state);
    const q = query.size ? `?${query}` : "";
    return (await this.#json<{ agents: Agent[] }>("GET", `/v1/agents${q}`)).agents;
  }

  /** `POST /v1/agents`. */
  spawn(spec: AgentSpec): Promise<Agent> {
    return this.#json("POST", "/v1/agents", spec);
  }

  /** `DELETE /v1/agents/{id}`. */
  async remove(id: string): Promise<void> {
    await this.#json("DELETE", `/v1/agents/${encodeURIComponent(id)}`);
  }

  /** `POST /v1/agents/{id}/action`. */
  action(id: string, action: "start" | "stop" | "restart"): Promise<Agent> {
    return this.#json("POST", `/v1/agents/${encodeURIComponent(id)}/action`, { action });
  }

  /** `GET /v1/agents/{id}/logs` as a byte stream. */
  async logs(
    id: string,
    options: { tail?: number; follow?: boolean; signal?: AbortSignal } = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const query = new URLSearchParams();
    if (options.tail !== undefined) query.set("tail", String(options.tail));
    if (options.follow) query.set("follow", "1");
    const q = query.size ? `?${query}` : "";
    const response = await this.#fetch(
      "GET",
      `/v1/agents/${encodeURIComponent(id)}/logs${q}`,
      undefined,
      options.follow ? options.signal : AbortSignal.timeout(this.#timeoutMs),
    );
    if (!response.ok || !response.body) throw await _failure(response);
    return response.body;
  }

  async #fetch(method: string, path: string, body?: unknown, signal?: AbortSignal) {
    const headers: Record<string, string> = {};
    if (this.#key) headers.authorization = `Bearer ${this.#key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await fetch(this.#api + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw new HiveError(`proxy ${this.#api} unreachable: ${error}`, { code: "unreachable" });
    }
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(method, path, body, AbortSignal.timeout(this.#timeoutMs));
    if (!response.ok) throw await _failure(response);
    if (response.status === 204) return undefined as T;
    return await response.json() as T;
  }
}

async function _failure(response: Response): Promise<HiveError> {
  let code = `http_${response.status}`;
  let message = `proxy answered ${response.status}`;
  try {
    const body = await response.json() as {
      error?: { code?: string; message?: string; rule?: string; value?: unknown };
    };
    if (body.error?.message) {
      code = body.error.code ?? code;
      message = `${response.status} ${body.error.message}`;
      if (body.error.rule) message += ` (rule ${body.error.rule})`;
    }
  } catch { /* not JSON */ }
  const retry = response.headers.get("retry-after");
  if (retry) message += `; retry after ${retry} s`;
  return new HiveError(message, { code });
}

/**
 * The `docker` orchestrator: the Docker Engine API over its unix socket (Docker, or Podman's
 * compatible service). One container per agent; all metadata in container labels; only
 * containers labelled `hive.managed=true` are seen or touched.
 *
 * A small typed client over `fetch` with `Deno.createHttpClient({ proxy: { transport: "unix" } })`
 * instead of `dockerode`: dockerode runs under Deno, but it pulls in `ssh2` and `cpu-features`,
 * whose native addons make `deno bundle` fail, and the single-file build is how hive ships. The
 * proxy needs eight endpoints, which this file covers with their documented shapes.
 *
 * The API version is negotiated with `GET /_ping` (the `Api-Version` header), capped at the
 * newest version this client was written against. A missing image is pulled once, then the
 * create is retried. Logs are demultiplexed from the engine's 8-byte frame headers.
 *
 * @module
 */
import {
  type Agent,
  agentFromLabels,
  type AgentSpec,
  type AgentState,
  LABEL_MANAGED,
  type ListFilter,
  type LogsOptions,
  memoryBytes,
  type Orchestrator,
  OrchestratorError,
  type OrchestratorErrorKind,
} from "./types.ts";

/** Newest Engine API version this client knows. */
export const DOCKER_MAX_API = "1.43";
/** Oldest Engine API version it accepts. */
export const DOCKER_MIN_API = "1.24";

/** Options for {@link DockerOrchestrator.connect}. */
export interface DockerOrchestratorOptions {
  /** Path of the engine's unix socket. */
  socket: string;
  /** Seconds an engine gives a container between SIGTERM and SIGKILL on stop. Default 5. */
  stopTimeoutS?: number;
}

interface _Container {
  Id: string;
  Image: string;
  State: string | { Status: string };
  Labels?: Record<string, string>;
  Config?: { Labels?: Record<string, string>; Image: string; Tty?: boolean };
}

function _versionNumber(v: string): number {
  const [major, minor] = v.split(".").map(Number);
  return major * 1000 + (minor || 0);
}

function _state(status: string): AgentState {
  switch (status) {
    case "running":
    case "restarting":
    case "paused":
      return "running";
    case "created":
      return "created";
    case "exited":
    case "dead":
    case "stopped":
      return "exited";
    default:
      return "unknown";
  }
}

function _kind(status: number): OrchestratorErrorKind {
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 400) return "invalid";
  if (status === 403) return "forbidden";
  return "engine";
}

/** Docker Engine API as agents. */
export class DockerOrchestrator implements Orchestrator {
  readonly kind = "docker";
  readonly #client: Deno.HttpClient;
  readonly #base: string;
  readonly #stopTimeoutS: number;

  private constructor(client: Deno.HttpClient, version: string, stopTimeoutS: number) {
    this.#client = client;
    this.#base = `http://docker/v${version}`;
    this.#stopTimeoutS = stopTimeoutS;
  }

  /** The negotiated API version, e.g. `1.41`. */
  get apiVersion(): string {
    return this.#base.slice("http://docker/v".length);
  }

  /** Connect and negotiate the API version. */
  static async connect(options: DockerOrchestratorOptions): Promise<DockerOrchestrator> {
    const client = Deno.createHttpClient({ proxy: { transport: "unix", path: options.socket } });
    let response: Response;
    try {
      response = await fetch("http://docker/_ping", { client, signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
    } catch (error) {
      client.close();
      throw new OrchestratorError("engine", `no Docker engine on ${options.socket}: ${error}`);
    }
    const offered = response.headers.get("api-version") ?? DOCKER_MIN_API;
    if (_versionNumber(offered) < _versionNumber(DOCKER_MIN_API)) {
      client.close();
      throw new OrchestratorError(
        "engine",
        `Docker API ${offered} is older than ${DOCKER_MIN_API}`,
      );
    }
    const version = _versionNumber(offered) < _versionNumber(DOCKER_MAX_API)
      ? offered
      : DOCKER_MAX_API;
    return new DockerOrchestrator(client, version, options.stopTimeoutS ?? 5);
  }

  async create(spec: AgentSpec, labels: Record<string, string>): Promise<Agent> {
    const body = {
      Image: spec.image,
      Cmd: spec.cmd,
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: labels,
      HostConfig: {
        Memory: spec.resources?.memory === undefined ? 0 : memoryBytes(spec.resources.memory),
        NanoCpus: spec.resources?.cpus === undefined ? 0 : Math.round(spec.resources.cpus * 1e9),
        RestartPolicy: {
          Name: spec.restart === "on-failure" ? "on-failure" : spec.restart ?? "no",
        },
        Privileged: spec.privileged ?? false,
        // A process in the agent cannot gain privileges (setuid binaries) beyond what it starts with.
        SecurityOpt: spec.privileged ? [] : ["no-new-privileges"],
        CapAdd: spec.capAdd ?? [],
        NetworkMode: spec.network ?? "none",
        Binds: (spec.mounts ?? []).map((m) => `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`),
        Devices: (spec.devices ?? []).map((d) => ({
          PathOnHost: d,
          PathInContainer: d,
          CgroupPermissions: "rwm",
        })),
      },
    };
    const path = `/containers/create?name=${encodeURIComponent(spec.name)}`;
    let created: { Id: string };
    try {
      created = await this.#json("POST", path, body);
    } catch (error) {
      if (!(error instanceof OrchestratorError && error.kind === "not_found")) throw error;
      if (!/image|no such/i.test(error.message)) throw error;
      await this.#pull(spec.image);
      created = await this.#json("POST", path, body);
    }
    try {
      await this.#call("POST", `/containers/${created.Id}/start`);
    } catch (error) {
      await this.#call("DELETE", `/containers/${created.Id}?force=1`).catch(() => {});
      throw error;
    }
    return await this.get(created.Id);
  }

  async list(filter: ListFilter = {}): Promise<Agent[]> {
    const wanted = [`${LABEL_MANAGED}=true`];
    for (const [k, v] of Object.entries(filter.labels ?? {})) wanted.push(`${k}=${v}`);
    const query = `all=1&filters=${encodeURIComponent(JSON.stringify({ label: wanted }))}`;
    const items = await this.#json<_Container[]>("GET", `/containers/json?${query}`);
    return items.filter((c) => c.Labels?.[LABEL_MANAGED] === "true").map((c) =>
      agentFromLabels({
        id: c.Id,
        image: c.Image,
        state: _state(typeof c.State === "string" ? c.State : c.State.Status),
        labels: c.Labels ?? {},
      })
    );
  }

  async get(id: string): Promise<Agent> {
    const c = await this.#inspect(id);
    return agentFromLabels({
      id: c.Id,
      image: c.Config?.Image ?? c.Image,
      state: _state(typeof c.State === "string" ? c.State : c.State.Status),
      labels: c.Config?.Labels ?? {},
    });
  }

  async remove(id: string): Promise<void> {
    const c = await this.#inspect(id);
    await this.#call("DELETE", `/containers/${c.Id}?force=1`);
  }

  async start(id: string): Promise<Agent> {
    const c = await this.#inspect(id);
    await this.#call("POST", `/containers/${c.Id}/start`);
    return await this.get(c.Id);
  }

  async stop(id: string): Promise<Agent> {
    const c = await this.#inspect(id);
    await this.#call("POST", `/containers/${c.Id}/stop?t=${this.#stopTimeoutS}`);
    return await this.get(c.Id);
  }

  async restart(id: string): Promise<Agent> {
    const c = await this.#inspect(id);
    await this.#call("POST", `/containers/${c.Id}/restart?t=${this.#stopTimeoutS}`);
    return await this.get(c.Id);
  }

  async logs(id: string, options: LogsOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const c = await this.#inspect(id);
    const query = new URLSearchParams({ stdout: "1", stderr: "1" });
    if (options.tail !== undefined) query.set("tail", String(options.tail));
    if (options.follow) query.set("follow", "1");
    const response = await this.#fetch(
      "GET",
      `/containers/${c.Id}/logs?${query}`,
      undefined,
      options.signal,
    );
    if (!response.ok || !response.body) throw await _failure(response);
    // Without a TTY the engine multiplexes stdout and stderr in frames; with one it sends raw.
    return c.Config?.Tty ? response.body : response.body.pipeThrough(demuxDockerStream());
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }

  /** A managed container, or `not_found` (also for a foreign container's id or name). */
  async #inspect(id: string): Promise<_Container> {
    const c = await this.#json<_Container>("GET", `/containers/${encodeURIComponent(id)}/json`);
    if (c.Config?.Labels?.[LABEL_MANAGED] !== "true") {
      throw new OrchestratorError("not_found", `no agent ${id}`);
    }
    return c;
  }

  async #pull(image: string): Promise<void> {
    const response = await this.#fetch(
      "POST",
      `/images/create?fromImage=${encodeURIComponent(image)}`,
    );
    if (!response.ok) throw await _failure(response);
    // The pull reports progress as JSON lines; a failure arrives as an `error` line with 200.
    const text = await response.text();
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        const event = JSON.parse(line) as { error?: string };
        if (event.error) throw new OrchestratorError("invalid", `pull ${image}: ${event.error}`);
      } catch (error) {
        if (error instanceof OrchestratorError) throw error;
      }
    }
  }

  #fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    return fetch(this.#base + path, {
      method,
      client: this.#client,
      signal,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error) => {
      if (signal?.aborted) throw error;
      throw new OrchestratorError("engine", `Docker engine unreachable: ${error}`);
    });
  }

  async #call(method: string, path: string, body?: unknown): Promise<void> {
    const response = await this.#fetch(method, path, body);
    if (!response.ok && response.status !== 304) throw await _failure(response);
    await response.body?.cancel();
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(method, path, body);
    if (!response.ok) throw await _failure(response);
    return await response.json() as T;
  }
}

async function _failure(response: Response): Promise<OrchestratorError> {
  let message = `Docker engine answered ${response.status}`;
  try {
    const body = await response.json() as { message?: string };
    if (body.message) message = body.message;
  } catch { /* not JSON */ }
  // Podman answers a taken container name with 500 where Docker answers 409.
  const kind = /already in use/i.test(message) ? "conflict" : _kind(response.status);
  return new OrchestratorError(kind, message);
}

/**
 * Split the engine's multiplexed log stream (8-byte headers: stream id, 3 zero bytes, 32-bit
 * big-endian length) into the payload bytes, stdout and stderr alike.
 */
export function demuxDockerStream(): TransformStream<Uint8Array, Uint8Array> {
  let pending = new Uint8Array(0);
  return new TransformStream({
    transform(chunk, controller) {
      const joined = new Uint8Array(pending.length + chunk.length);
      joined.set(pending);
      joined.set(chunk, pending.length);
      let at = 0;
      while (joined.length - at >= 8) {
        const size = new DataView(joined.buffer, joined.byteOffset + at + 4, 4).getUint32(0);
        if (joined.length - at - 8 < size) break;
        controller.enqueue(joined.slice(at + 8, at + 8 + size));
        at += 8 + size;
      }
      pending = joined.slice(at);
    },
  });
}

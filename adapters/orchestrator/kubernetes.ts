/**
 * The `kubernetes` orchestrator: one Pod per agent in one namespace, the `hive.*` labels as pod
 * labels, label selectors for listing. Credentials come from a kubeconfig (server, CA, bearer
 * token or token file, or client certificate) or, without one, from the in-cluster service
 * account; a token file is read again every minute, so a rotated projected token is picked up.
 *
 * Stop and start: a Pod cannot be paused, and the proxy keeps no state of its own, so `stop` is
 * refused as unsupported (delete the agent instead), `start` of an existing pod is a no-op, and
 * `restart` deletes the pod and creates it again from its own recorded spec.
 *
 * A small typed client over `fetch` instead of `@kubernetes/client-node`: that library runs under
 * Deno, but it brings about 17 MB of JavaScript into the single-file bundle (1.3 MB without it)
 * for five REST calls (pods create, get, list, delete, log) whose shapes are stable `core/v1`.
 *
 * @module
 */
import { containerSchema, type KubePod, podSpecSchema } from "./kubernetes_shapes.ts";
import { inClusterAccess, type KubeAccess, kubeconfigAccess } from "./kubernetes_config.ts";
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

interface _Pod {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: Record<string, unknown> & { containers: { image: string }[] };
  status?: { phase?: string };
}

function _state(pod: _Pod): AgentState {
  if (pod.metadata.deletionTimestamp) return "stopped";
  switch (pod.status?.phase) {
    case "Pending":
      return "created";
    case "Running":
      return "running";
    case "Succeeded":
    case "Failed":
      return "exited";
    default:
      return "unknown";
  }
}

function _kind(status: number): OrchestratorErrorKind {
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 400 || status === 422) return "invalid";
  if (status === 401 || status === 403) return "forbidden";
  return "engine";
}

/** Options for {@link KubernetesOrchestrator.connect}. */
export interface KubernetesOrchestratorOptions {
  /** A kubeconfig file; null uses the in-cluster service account. */
  kubeconfig: string | null;
  /** Namespace of the agents' pods (default: the context's or the service account's). */
  namespace: string | null;
  /** Read a token file again after this long. Default 60 s. */
  tokenTtlMs?: number;
  /** How long `restart` waits for the old pod to go. Default 60 s. */
  deleteWaitMs?: number;
}

/** Kubernetes pods as agents. */
export class KubernetesOrchestrator implements Orchestrator {
  readonly kind = "kubernetes";
  readonly #access: KubeAccess;
  readonly #client: Deno.HttpClient;
  readonly #ttl: number;
  readonly #deleteWaitMs: number;
  #token: { value: string; at: number } | undefined;

  /** Use {@link KubernetesOrchestrator.connect} or pass a {@link KubeAccess} directly. */
  constructor(access: KubeAccess, options: { tokenTtlMs?: number; deleteWaitMs?: number } = {}) {
    this.#access = access;
    this.#ttl = options.tokenTtlMs ?? 60_000;
    this.#deleteWaitMs = options.deleteWaitMs ?? 60_000;
    const tls: Deno.CreateHttpClientOptions = {};
    if (access.caCert) tls.caCerts = [access.caCert];
    if (access.clientCert && access.clientKey) {
      Object.assign(tls, { cert: access.clientCert, key: access.clientKey });
    }
    this.#client = Deno.createHttpClient(tls);
  }

  /** Build from a kubeconfig or the in-cluster service account. */
  static async connect(options: KubernetesOrchestratorOptions): Promise<KubernetesOrchestrator> {
    const access = options.kubeconfig
      ? await kubeconfigAccess(options.kubeconfig, options.namespace)
      : await inClusterAccess({ namespace: options.namespace });
    return new KubernetesOrchestrator(access, options);
  }

  /** The namespace agents live in. */
  get namespace(): string {
    return this.#access.namespace;
  }

  async create(spec: AgentSpec, labels: Record<string, string>): Promise<Agent> {
    const limits: Record<string, string> = {};
    if (spec.resources?.memory !== undefined) {
      limits.memory = String(memoryBytes(spec.resources.memory));
    }
    if (spec.resources?.cpus !== undefined) {
      limits.cpu = `${Math.round(spec.resources.cpus * 1000)}m`;
    }
    const mounts = spec.mounts ?? [];
    const pod: KubePod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: spec.name, labels },
      spec: {
        restartPolicy: ({ always: "Always", "on-failure": "OnFailure", no: "Never" } as const)[
          spec.restart ?? "no"
        ],
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        hostNetwork: spec.network === "host",
        containers: [{
          name: "agent",
          image: spec.image,
          args: spec.cmd,
          env: Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
          resources: { limits },
          securityContext: {
            privileged: spec.privileged ?? false,
            allowPrivilegeEscalation: spec.privileged ?? false,
            capabilities: { add: spec.capAdd ?? [] },
          },
          volumeMounts: mounts.map((m, i) => ({
            name: `bind-${i}`,
            mountPath: m.target,
            readOnly: m.readOnly ?? false,
          })),
        }],
        volumes: mounts.map((m, i) => ({ name: `bind-${i}`, hostPath: { path: m.source } })),
      },
    };
    if (spec.devices?.length) {
      throw new OrchestratorError("unsupported", "the kubernetes orchestrator has no devices");
    }
    return this.#agent(await this.#json<_Pod>("POST", this.#pods(), pod));
  }

  async list(filter: ListFilter = {}): Promise<Agent[]> {
    const selector = [`${LABEL_MANAGED}=true`];
    for (const [k, v] of Object.entries(filter.labels ?? {})) selector.push(`${k}=${v}`);
    const list = await this.#json<{ items: _Pod[] }>(
      "GET",
      `${this.#pods()}?labelSelector=${encodeURIComponent(selector.join(","))}`,
    );
    return list.items.filter((p) => p.metadata.labels?.[LABEL_MANAGED] === "true").map((p) =>
      this.#agent(p)
    );
  }

  async get(id: string): Promise<Agent> {
    return this.#agent(await this.#pod(id));
  }

  async remove(id: string): Promise<void> {
    await this.#pod(id);
    await this.#call("DELETE", this.#pods(id));
  }

  async start(id: string): Promise<Agent> {
    return this.#agent(await this.#pod(id));
  }

  async stop(id: string): Promise<Agent> {
    await this.#pod(id);
    throw new OrchestratorError(
      "unsupported",
      "a Kubernetes pod cannot be stopped and started again; restart or delete the agent",
    );
  }

  async restart(id: string): Promise<Agent> {
    const pod = await this.#pod(id);
    await this.#call("DELETE", this.#pods(id));
    const deadline = Date.now() + this.#deleteWaitMs;
    while (Date.now() < deadline) {
      const response = await this.#fetch("GET", this.#pods(id));
      await response.body?.cancel();
      if (response.status === 404) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const again: KubePod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod.metadata.name, labels: pod.metadata.labels },
      spec: _portableSpec(pod.spec),
    };
    return this.#agent(await this.#json<_Pod>("POST", this.#pods(), again));
  }

  async logs(id: string, options: LogsOptions = {}): Promise<ReadableStream<Uint8Array>> {
    await this.#pod(id);
    const query = new URLSearchParams();
    if (options.tail !== undefined) query.set("tailLines", String(options.tail));
    if (options.follow) query.set("follow", "true");
    const response = await this.#fetch(
      "GET",
      `${this.#pods(id)}/log?${query}`,
      undefined,
      options.signal,
    );
    if (!response.ok || !response.body) throw await _failure(response);
    return response.body;
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }

  #pods(name?: string): string {
    const base = `/api/v1/namespaces/${encodeURIComponent(this.#access.namespace)}/pods`;
    return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
  }

  async #pod(id: string): Promise<_Pod> {
    const pod = await this.#json<_Pod>("GET", this.#pods(id));
    if (pod.metadata.labels?.[LABEL_MANAGED] !== "true") {
      throw new OrchestratorError("not_found", `no agent ${id}`);
    }
    return pod;
  }

  #agent(pod: _Pod): Agent {
    return agentFromLabels({
      id: pod.metadata.name,
      image: pod.spec.containers[0]?.image ?? "",
      state: _state(pod),
      labels: pod.metadata.labels ?? {},
    });
  }

  async #bearer(): Promise<string | undefined> {
    if (this.#access.token) return this.#access.token;
    const file = this.#access.tokenFile;
    if (!file) return undefined;
    if (!this.#token || Date.now() - this.#token.at >= this.#ttl) {
      this.#token = { value: (await Deno.readTextFile(file)).trim(), at: Date.now() };
    }
    return this.#token.value;
  }

  async #fetch(method: string, path: string, body?: unknown, signal?: AbortSignal) {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = await this.#bearer();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return await fetch(this.#access.server + path, {
      method,
      headers,
      client: this.#client,
      signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error) => {
      if (signal?.aborted) throw error;
      throw new OrchestratorError("engine", `Kubernetes API unreachable: ${error}`);
    });
  }

  async #call(method: string, path: string): Promise<void> {
    const response = await this.#fetch(method, path);
    if (!response.ok) throw await _failure(response);
    await response.body?.cancel();
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(method, path, body);
    if (!response.ok) throw await _failure(response);
    return await response.json() as T;
  }
}

/** A pod spec with only the fields hive writes (the API server adds defaults on its own). */
function _portableSpec(spec: _Pod["spec"]): KubePod["spec"] {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(podSpecSchema.shape)) {
    if (key in spec) picked[key] = (spec as Record<string, unknown>)[key];
  }
  picked.containers = (spec.containers as Record<string, unknown>[]).map((c) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(containerSchema.shape)) if (key in c) out[key] = c[key];
    return out;
  });
  return picked as KubePod["spec"];
}

async function _failure(response: Response): Promise<OrchestratorError> {
  let message = `Kubernetes API answered ${response.status}`;
  try {
    const status = await response.json() as { kind?: string; message?: string; reason?: string };
    if (status.kind === "Status" && status.message) {
      message = `${status.message} (${status.reason ?? response.status})`;
    }
  } catch { /* not JSON */ }
  return new OrchestratorError(_kind(response.status), message);
}

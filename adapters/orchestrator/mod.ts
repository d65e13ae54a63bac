/**
 * The orchestrator port's factory: pick an implementation by name. Implementations load lazily,
 * so a proxy on the `process` orchestrator never loads the Docker or Kubernetes clients. The
 * `proxy` implementation is the client side: the same port over a running `hive proxy`'s API
 * (whose contract, `proxy_api.ts`, is exported here too).
 *
 * @example
 * ```ts
 * import { createOrchestrator } from "./mod.ts";
 * const engine = await createOrchestrator({ kind: "process", stateDir: "/tmp/proxy" });
 * console.log(await engine.list());
 * await engine.close();
 * ```
 * @module
 */
import { ProxyOrchestrator } from "./proxy_client.ts";
import { type Orchestrator, OrchestratorError } from "./types.ts";

export * from "./types.ts";
export * from "./proxy_api.ts";
export { ProxyApiError, proxyBaseUrl, ProxyOrchestrator } from "./proxy_client.ts";

/** The implementations, by name. */
export const ORCHESTRATORS = ["process", "docker", "kubernetes", "proxy"] as const;
/** One of {@link ORCHESTRATORS}. */
export type OrchestratorKind = typeof ORCHESTRATORS[number];

/** Settings for {@link createOrchestrator}; each implementation reads its own. */
export interface OrchestratorOptions {
  /** Which implementation. */
  kind: OrchestratorKind;
  /** `process`: folder for its database and logs. */
  stateDir?: string;
  /** `docker`: the engine's unix socket. Default `/var/run/docker.sock`. */
  dockerSocket?: string;
  /** `kubernetes`: a kubeconfig file; without it, the in-cluster service account. */
  kubeconfig?: string | null;
  /** `kubernetes`: the namespace of the agents' pods (default: the context's, else `default`). */
  namespace?: string | null;
  /** `proxy`: base URL of a running `hive proxy`. */
  proxyUrl?: string;
  /** `proxy`: its API key. */
  proxyKey?: string;
  /** `proxy`: deadline of each request. Default 30 s. */
  timeoutMs?: number;
}

/** Build the orchestrator named by `options.kind`. */
export async function createOrchestrator(options: OrchestratorOptions): Promise<Orchestrator> {
  switch (options.kind) {
    case "process": {
      const { ProcessOrchestrator } = await import("./process.ts");
      if (!options.stateDir) {
        throw new OrchestratorError("invalid", "process: stateDir is required");
      }
      return new ProcessOrchestrator({ stateDir: options.stateDir });
    }
    case "docker": {
      const { DockerOrchestrator } = await import("./docker.ts");
      return await DockerOrchestrator.connect({
        socket: options.dockerSocket ?? "/var/run/docker.sock",
      });
    }
    case "kubernetes": {
      const { KubernetesOrchestrator } = await import("./kubernetes.ts");
      return await KubernetesOrchestrator.connect({
        kubeconfig: options.kubeconfig ?? null,
        namespace: options.namespace ?? null,
      });
    }
    case "proxy": {
      if (!options.proxyUrl) throw new OrchestratorError("invalid", "proxy: proxyUrl is required");
      return new ProxyOrchestrator({
        url: options.proxyUrl,
        key: options.proxyKey,
        timeoutMs: options.timeoutMs,
      });
    }
  }
}

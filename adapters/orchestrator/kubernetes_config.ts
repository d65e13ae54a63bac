/**
 * Where the `kubernetes` orchestrator finds its API server and credentials: the current context
 * of a kubeconfig file (server, CA, bearer token or token file, client certificate), or the
 * in-cluster service account (`KUBERNETES_SERVICE_HOST`/`_PORT` and the mounted token, CA and
 * namespace files).
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { OrchestratorError } from "./types.ts";

/** Where a pod's service account files are mounted in a cluster. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** How to reach an API server. */
export interface KubeAccess {
  /** e.g. `https://10.0.0.1:443`. */
  server: string;
  namespace: string;
  /** A fixed bearer token. */
  token?: string;
  /** A file holding the bearer token, re-read every `tokenTtlMs`. */
  tokenFile?: string;
  /** PEM of the cluster CA. */
  caCert?: string;
  /** PEM client certificate and key. */
  clientCert?: string;
  clientKey?: string;
}

const _kubeconfigSchema = z.object({
  "current-context": z.string().optional(),
  clusters: z.array(z.object({
    name: z.string(),
    cluster: z.object({
      server: z.string(),
      "certificate-authority-data": z.string().optional(),
      "certificate-authority": z.string().optional(),
      "insecure-skip-tls-verify": z.boolean().optional(),
    }),
  })),
  users: z.array(z.object({
    name: z.string(),
    user: z.object({
      token: z.string().optional(),
      tokenFile: z.string().optional(),
      "client-certificate-data": z.string().optional(),
      "client-key-data": z.string().optional(),
    }).nullable(),
  })).default([]),
  contexts: z.array(z.object({
    name: z.string(),
    context: z.object({
      cluster: z.string(),
      user: z.string().optional(),
      namespace: z.string().optional(),
    }),
  })),
});

function _b64(text: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}

/** Read a kubeconfig file's current context into {@link KubeAccess}. */
export async function kubeconfigAccess(
  path: string,
  namespace?: string | null,
): Promise<KubeAccess> {
  const parsed = _kubeconfigSchema.safeParse(parseYaml(await Deno.readTextFile(path)));
  if (!parsed.success) {
    throw new OrchestratorError("invalid", `kubeconfig ${path}: ${parsed.error.issues[0].message}`);
  }
  const config = parsed.data;
  const name = config["current-context"] ?? config.contexts[0]?.name;
  const context = config.contexts.find((c) => c.name === name)?.context;
  if (!context) throw new OrchestratorError("invalid", `kubeconfig ${path}: no context ${name}`);
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) {
    throw new OrchestratorError("invalid", `kubeconfig ${path}: no cluster ${context.cluster}`);
  }
  if (cluster["insecure-skip-tls-verify"]) {
    throw new OrchestratorError(
      "invalid",
      `kubeconfig ${path}: insecure-skip-tls-verify is refused`,
    );
  }
  const user = config.users.find((u) => u.name === context.user)?.user ?? {};
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  const caFile = cluster["certificate-authority"];
  return {
    server: cluster.server.replace(/\/+$/, ""),
    namespace: namespace ?? context.namespace ?? "default",
    token: user.token,
    tokenFile: user.tokenFile,
    caCert: cluster["certificate-authority-data"]
      ? _b64(cluster["certificate-authority-data"])
      : caFile
      ? await Deno.readTextFile(caFile.startsWith("/") ? caFile : `${dir}/${caFile}`)
      : undefined,
    clientCert: user["client-certificate-data"] ? _b64(user["client-certificate-data"]) : undefined,
    clientKey: user["client-key-data"] ? _b64(user["client-key-data"]) : undefined,
  };
}

/** The in-cluster service account as {@link KubeAccess}. */
export async function inClusterAccess(
  options: { env?: Record<string, string | undefined>; dir?: string; namespace?: string | null } =
    {},
): Promise<KubeAccess> {
  const env = options.env ?? Deno.env.toObject();
  const dir = options.dir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host) {
    throw new OrchestratorError(
      "invalid",
      "not in a cluster (KUBERNETES_SERVICE_HOST unset); pass --kubeconfig",
    );
  }
  const namespace = options.namespace ??
    (await Deno.readTextFile(`${dir}/namespace`).catch(() => "default")).trim();
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    namespace,
    tokenFile: `${dir}/token`,
    caCert: await Deno.readTextFile(`${dir}/ca.crt`),
  };
}

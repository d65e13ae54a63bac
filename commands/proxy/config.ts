/**
 * Settings of `hive proxy`: the `proxy` section of `config.yaml`. Flags beat these, and
 * `HIVE_PROXY_*` variables beat the file (e.g. `HIVE_PROXY_PORT`). API keys never live here:
 * they come from the hashed keys file or from `HIVE_PROXY_KEYS`.
 *
 * @module
 */
import { z } from "zod";
import { intRange } from "../../core/config.ts";

/** The orchestrators a proxy can run on. */
export const PROXY_ORCHESTRATORS = ["process", "docker", "kubernetes"] as const;

/** An HTTP bind address: an IPv4/IPv6 literal or `localhost`. */
export const proxyBindSchema = z.union([z.ipv4(), z.ipv6(), z.literal("localhost")], {
  error: "expected an IP address such as 127.0.0.1, ::1 or 0.0.0.0",
});

/** The `proxy` section of `config.yaml`; every field has a default. */
export const proxyConfigSchema = z.strictObject({
  port: intRange(0, 65535).default(8788),
  bind: proxyBindSchema.default("127.0.0.1"),
  orchestrator: z.enum(PROXY_ORCHESTRATORS).default("process"),
  /** Default: `<data_dir>/proxy`. */
  state_dir: z.string().min(1).nullable().default(null),
  /** Default: `<state_dir>/keys.yaml`. */
  keys_file: z.string().min(1).nullable().default(null),
  policy: z.string().min(1).nullable().default(null),
  docker_socket: z.string().min(1).default("/var/run/docker.sock"),
  kubeconfig: z.string().min(1).nullable().default(null),
  namespace: z.string().min(1).nullable().default(null),
  /** Where the `hive proxy agents` client finds the proxy. */
  api: z.url({ protocol: /^https?$/, error: "expected an http(s):// URL" }).default(
    "http://127.0.0.1:8788",
  ),
}).prefault({});

/** A loaded `proxy` section. */
export type ProxyConfig = z.output<typeof proxyConfigSchema>;

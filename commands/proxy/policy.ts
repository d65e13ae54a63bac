/**
 * What `hive proxy` lets a client create. Policy is YAML, validated when the proxy starts (errors
 * name the field), and safe when absent: privileged agents, added capabilities, host networking,
 * devices and every bind mount are refused unless the policy names them. Host pid and ipc
 * namespaces cannot even be asked for: the request schema has no field for them.
 *
 * Bind sources are resolved (`..` and symlinks) before they are checked, and the resolved path is
 * what the engine gets, so a symlink swapped after the check cannot widen the mount.
 *
 * @example
 * ```yaml
 * images: ["localhost/busybox:*", "ghcr.io/acme/agent-*"]
 * networks: [none, bridge]
 * bind_paths: [/srv/agents]
 * max_memory: 512m
 * max_cpus: 1
 * max_agents: 50
 * max_agents_per_key: 10
 * rate_limit: { requests: 120, window_s: 60 }
 * ```
 * @module
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type AgentSpec, memoryBytes, memorySchema } from "../../adapters/orchestrator/types.ts";
import { intRange } from "../../core/config.ts";
import { ConfigError, parseWith } from "../../core/errors.ts";

/** The policy file. Every field has a safe default. */
export const policySchema = z.strictObject({
  images: z.array(z.string().min(1).max(512)).default(["*"]),
  privileged: z.boolean().default(false),
  cap_add: z.array(z.string().regex(/^[A-Z_]{1,64}$/)).default([]),
  networks: z.array(z.enum(["none", "bridge", "host"])).default(["none", "bridge"]),
  devices: z.boolean().default(false),
  bind_paths: z.array(
    z.string().regex(/^\//, { error: "expected an absolute path" }).refine(
      (p) => p.replace(/\/+$/, "") !== "",
      { error: "/ would allow every host path" },
    ),
  ).default([]),
  max_memory: memorySchema.nullable().default("1g"),
  max_cpus: z.number().positive().nullable().default(2),
  max_agents: intRange(0, 100_000).default(100),
  max_agents_per_key: intRange(0, 100_000).default(20),
  rate_limit: z.strictObject({
    requests: intRange(1, 1_000_000).default(600),
    window_s: intRange(1, 3600).default(60),
  }).prefault({}),
});

/** A loaded policy. */
export type Policy = z.output<typeof policySchema>;

/** A refusal: the rule that was broken and the value that broke it. */
export interface Violation {
  /** The policy field, e.g. `privileged`, `bind_paths`. */
  rule: string;
  /** What the request asked for. */
  value: unknown;
  /** For people. */
  message: string;
}

/** The default policy. */
export function defaultPolicy(): Policy {
  return policySchema.parse({});
}

/** Read and validate a policy file; without a path, the defaults. */
export async function loadPolicy(path: string | null): Promise<Policy> {
  if (!path) return defaultPolicy();
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`policy ${path}: ${error}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(`policy ${path}: not YAML: ${error}`);
  }
  return parseWith(policySchema, raw, { what: `policy ${path}` });
}

function _glob(pattern: string): RegExp {
  const body = pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

async function _realpath(path: string): Promise<string | null> {
  try {
    return await Deno.realPath(path);
  } catch {
    return null;
  }
}

function _within(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith("/") ? root : root + "/");
}

/**
 * Check a spec against the policy. Returns the spec to run (bind sources resolved, memory and
 * cpu caps applied as limits when the request set none) or the first violation.
 */
export async function checkSpec(
  spec: AgentSpec,
  policy: Policy,
): Promise<{ ok: true; spec: AgentSpec } | { ok: false; violation: Violation }> {
  const deny = (rule: string, value: unknown, message: string) => ({
    ok: false as const,
    violation: { rule, value, message },
  });
  if (spec.privileged && !policy.privileged) {
    return deny("privileged", true, "privileged agents are not allowed");
  }
  for (const cap of spec.capAdd ?? []) {
    if (!policy.cap_add.includes(cap)) {
      return deny("cap_add", cap, `capability ${cap} is not allowed`);
    }
  }
  const network = spec.network ?? "none";
  if (spec.network && !policy.networks.includes(network)) {
    return deny("networks", network, `network ${network} is not allowed`);
  }
  if (spec.devices?.length && !policy.devices) {
    return deny("devices", spec.devices[0], "devices are not allowed");
  }
  if (!policy.images.some((p) => _glob(p).test(spec.image))) {
    return deny("images", spec.image, `image ${spec.image} is not on the allow-list`);
  }
  const mounts = [];
  for (const mount of spec.mounts ?? []) {
    if (!mount.source.startsWith("/")) {
      return deny("bind_paths", mount.source, "bind sources must be absolute host paths");
    }
    const real = await _realpath(mount.source);
    if (real === null) {
      return deny("bind_paths", mount.source, `bind source ${mount.source} does not exist`);
    }
    let allowed = false;
    for (const root of policy.bind_paths) {
      const realRoot = (await _realpath(root)) ?? root;
      if (_within(real, realRoot)) allowed = true;
    }
    if (!allowed) {
      const via = real === mount.source ? "" : ` (resolves to ${real})`;
      return deny(
        "bind_paths",
        mount.source,
        `bind source ${mount.source}${via} is outside the allowed host paths`,
      );
    }
    mounts.push({ ...mount, source: real });
  }
  const resources = { ...spec.resources };
  if (policy.max_memory !== null) {
    const cap = memoryBytes(policy.max_memory);
    if (resources.memory !== undefined && memoryBytes(resources.memory) > cap) {
      return deny("max_memory", resources.memory, `memory above ${policy.max_memory}`);
    }
    resources.memory ??= cap;
  }
  if (policy.max_cpus !== null) {
    if (resources.cpus !== undefined && resources.cpus > policy.max_cpus) {
      return deny("max_cpus", resources.cpus, `cpus above ${policy.max_cpus}`);
    }
    resources.cpus ??= policy.max_cpus;
  }
  const out: AgentSpec = { ...spec, resources };
  if (spec.mounts) out.mounts = mounts;
  return { ok: true, spec: out };
}

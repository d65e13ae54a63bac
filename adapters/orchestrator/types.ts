/**
 * The orchestrator port: what `hive proxy` asks of a container engine (Docker, Kubernetes) or of
 * the embedded process runner, and the vocabulary it speaks: the agent spec a client sends (a
 * strict zod schema, so unknown fields are refused by name), the agent it gets back, the labels
 * that make the proxy stateless, and the errors every implementation maps engine failures to.
 *
 * Every implementation keeps all of an agent's metadata in the engine itself (container labels,
 * pod labels, the process runner's sqlite rows) and touches only what carries
 * `hive.managed=true`: a foreign object's id is "not found".
 *
 * @module
 */
import { z } from "zod";

/** Label set on everything the proxy creates; the proxy sees nothing without it. */
export const LABEL_MANAGED = "hive.managed";
/** Label holding the agent's name. */
export const LABEL_AGENT = "hive.agent";
/** Label holding the name of the API key that created the agent. */
export const LABEL_OWNER = "hive.owner";
/** Label holding the creation time (milliseconds since the epoch, as text). */
export const LABEL_CREATED = "hive.created";

/** An agent name: a DNS label (it is also the container or pod name). */
export const agentNameSchema = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: "expected a DNS label: a-z, 0-9 and -, 1..63 characters, not starting or ending in -",
});

/** An agent id as it appears in a URL: no path separators, no dot segments, bounded length. */
export const agentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, {
  error: "expected an id of A-Z, a-z, 0-9, _ and -, 1..128 characters",
});

const _labelKey = z.string().regex(/^[a-z0-9A-Z]([a-zA-Z0-9._/-]{0,61}[a-zA-Z0-9])?$/, {
  error: "expected a label key of letters, digits, . _ / and -, up to 63 characters",
});
const _labelValue = z.string().regex(/^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/, {
  error: "expected a label value of letters, digits, . _ and -, up to 63 characters",
});

/** `256m`, `1g`, `512Mi` or a number of bytes. */
export const memorySchema = z.union([
  z.int().positive(),
  z.string().regex(/^[0-9]{1,12}([kmg]i?)?$/i, { error: "expected bytes or e.g. 256m, 1g, 512Mi" }),
]);

/** A host path bound into the agent. */
export const mountSchema = z.strictObject({
  source: z.string().min(1).max(4096),
  target: z.string().regex(/^\/[^\0]{0,4095}$/, { error: "expected an absolute path" }),
  readOnly: z.boolean().optional(),
});

/**
 * What a client asks for in `POST /v1/agents`. The security fields (`privileged`, `capAdd`,
 * `network`, `mounts`, `devices`) exist so that policy can refuse them by name.
 */
export const agentSpecSchema = z.strictObject({
  name: agentNameSchema,
  image: z.string().min(1).max(512).regex(/^[^\s\0]+$/, { error: "expected an image reference" }),
  cmd: z.array(z.string().max(65536)).max(256).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), z.string().max(65536))
    .optional(),
  labels: z.record(_labelKey, _labelValue).optional(),
  resources: z.strictObject({
    memory: memorySchema.optional(),
    cpus: z.number().positive().max(1024).optional(),
  }).optional(),
  restart: z.enum(["no", "on-failure", "always"]).optional(),
  privileged: z.boolean().optional(),
  capAdd: z.array(z.string().regex(/^[A-Z_]{1,64}$/)).max(64).optional(),
  network: z.enum(["none", "bridge", "host"]).optional(),
  mounts: z.array(mountSchema).max(64).optional(),
  devices: z.array(z.string().min(1).max(4096)).max(64).optional(),
});

/** A validated agent spec. */
export type AgentSpec = z.output<typeof agentSpecSchema>;

/** Where an agent is in its life, the same words for every engine. */
export const AGENT_STATES = ["created", "running", "stopped", "exited", "unknown"] as const;
/** One of {@link AGENT_STATES}. */
export type AgentState = typeof AGENT_STATES[number];

/** An agent as the API returns it. */
export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  state: z.enum(AGENT_STATES),
  owner: z.string(),
  created: z.string(),
  labels: z.record(z.string(), z.string()),
});

/** An agent as the API returns it. */
export type Agent = z.output<typeof agentSchema>;

/** What `list` filters on. All given conditions must hold. */
export interface ListFilter {
  /** Labels that must be present with these values. */
  labels?: Record<string, string>;
}

/** Options for {@link Orchestrator.logs}. */
export interface LogsOptions {
  /** Only the last N lines. */
  tail?: number;
  /** Keep the stream open and send new lines as they come. */
  follow?: boolean;
  /** Ends a followed stream. */
  signal?: AbortSignal;
}

/** The port: one engine behind the proxy. */
export interface Orchestrator {
  /** `docker`, `kubernetes` or `process`. */
  readonly kind: string;
  /**
   * Create and start an agent. `labels` already holds the `hive.*` labels; implementations
   * store them with the agent and return it.
   */
  create(spec: AgentSpec, labels: Record<string, string>): Promise<Agent>;
  /** Managed agents matching `filter`. */
  list(filter?: ListFilter): Promise<Agent[]>;
  /** One managed agent; {@link OrchestratorError} `not_found` otherwise. */
  get(id: string): Promise<Agent>;
  /** Stop (if running) and delete an agent. */
  remove(id: string): Promise<void>;
  /** Start a stopped agent. */
  start(id: string): Promise<Agent>;
  /** Stop a running agent. */
  stop(id: string): Promise<Agent>;
  /** Stop, then start. */
  restart(id: string): Promise<Agent>;
  /** The agent's output (stdout and stderr) as text bytes. */
  logs(id: string, options?: LogsOptions): Promise<ReadableStream<Uint8Array>>;
  /** Release connections and timers. Agents keep running. */
  close(): Promise<void>;
}

/** Kinds of failure the API maps to status codes. */
export type OrchestratorErrorKind =
  | "not_found"
  | "conflict"
  | "invalid"
  | "unsupported"
  | "forbidden"
  | "engine";

const _STATUS: Record<OrchestratorErrorKind, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  unsupported: 400,
  forbidden: 403,
  engine: 502,
};

/** An engine failure in the port's words. */
export class OrchestratorError extends Error {
  /** What went wrong, for the API's status code. */
  readonly kind: OrchestratorErrorKind;

  constructor(kind: OrchestratorErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "OrchestratorError";
    this.kind = kind;
  }

  /** The HTTP status the API answers with. */
  get status(): 400 | 403 | 404 | 409 | 502 {
    return _STATUS[this.kind] as 400 | 403 | 404 | 409 | 502;
  }
}

/** Bytes of a memory value (`256m`, `1Gi`, 1048576). */
export function memoryBytes(value: number | string): number {
  if (typeof value === "number") return value;
  const match = /^([0-9]+)([kmg]?)(i?)$/i.exec(value);
  if (!match) throw new OrchestratorError("invalid", `resources.memory: bad value ${value}`);
  const power = { "": 0, k: 1, m: 2, g: 3 }[match[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Number(match[1]) * 1024 ** power;
}

/** True when `labels` holds every pair of `wanted`. */
export function labelsMatch(
  labels: Record<string, string>,
  wanted: Record<string, string> | undefined,
): boolean {
  if (!wanted) return true;
  for (const [k, v] of Object.entries(wanted)) if (labels[k] !== v) return false;
  return true;
}

/** The fields every implementation derives the same way from an agent's labels. */
export function agentFromLabels(
  fields: { id: string; image: string; state: AgentState; labels: Record<string, string> },
): Agent {
  const created = Number(fields.labels[LABEL_CREATED]);
  return {
    id: fields.id,
    name: fields.labels[LABEL_AGENT] ?? "",
    image: fields.image,
    state: fields.state,
    owner: fields.labels[LABEL_OWNER] ?? "",
    created: Number.isFinite(created) ? new Date(created).toISOString() : "",
    labels: fields.labels,
  };
}

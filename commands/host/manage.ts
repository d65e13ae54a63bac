/**
 * Management client: talks to a running host's `/api` (status, agents, start/stop an agent).
 *
 * @module
 */
import { z } from "zod";
import { formatIssues, HiveError } from "../../core/errors.ts";
import type { AgentInfo } from "./agents.ts";
import { readHostFile } from "./host_file.ts";

/** Where the host is and how to authenticate. */
export interface ManageOptions {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Bearer token, when the host requires one. */
  token?: string;
  /** Request timeout. Default 10 s. */
  timeoutMs?: number;
}

const _agent = z.object({
  name: z.string(),
  source: z.string(),
  state: z.enum(["stopped", "starting", "running", "stopping", "failed"]),
  error: z.string().nullable(),
  started_at: z.string().nullable(),
  starts: z.int(),
});
const _agents = z.object({ agents: z.array(_agent) });
const _status = z.looseObject({
  host: z.looseObject({ pid: z.int(), uptime_s: z.number(), url: z.string() }),
  daemon: z.looseObject({
    mode: z.string(),
    state: z.string(),
    peer_id: z.string().nullable(),
    addrs: z.array(z.string()),
    restarts: z.int(),
    peers: z.int().nullable(),
    topics: z.array(z.string()),
  }),
  agents: z.array(_agent),
});
const _errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** `/api/status` as the CLI reads it. */
export type HostStatus = z.output<typeof _status>;

async function _call<S extends z.ZodType>(
  options: ManageOptions,
  method: "GET" | "POST",
  path: string,
  schema: S,
): Promise<z.output<S>> {
  const url = new URL(`api${path}`, options.url.endsWith("/") ? options.url : options.url + "/");
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new HiveError(
      `cannot reach the host at ${options.url}: ${(error as Error).message}` +
        " (is `hive host` running? pass --url)",
      { code: "unreachable" },
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status === 401) {
    throw new HiveError(
      `${url.pathname}: the host wants a bearer token (pass --api-token or set HIVE_HOST_API_TOKEN)`,
      { code: "unauthorized" },
    );
  }
  if (!response.ok) {
    const error = _errorBody.safeParse(body);
    const message = error.success ? error.data.error.message : text.slice(0, 200);
    throw new HiveError(`${method} ${url.pathname}: HTTP ${response.status}: ${message}`, {
      code: error.success ? error.data.error.code : `http_${response.status}`,
    });
  }
  const parsed = schema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    throw new HiveError(
      `${url.pathname}: unexpected reply: ${formatIssues(parsed.error.issues).join("; ")}`,
    );
  }
  return parsed.data;
}

/** Options for {@link resolveHostUrl}. */
export interface ResolveHostUrlOptions {
  /** `--url`, when given: it wins. */
  url?: string;
  /** Data dir whose `host.json` names the running host. */
  dataDir: string;
  /** Used when no host.json names a live host. */
  defaultUrl: string;
  /** Told when host.json is stale or unreadable. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
  /** Liveness probe, for tests. */
  isAlive?: (pid: number) => Promise<boolean>;
}

/**
 * The URL of the host to manage: `--url`, else the live host in `<dataDir>/host.json`, else the
 * default port. A host.json whose pid has exited (a killed host) is reported and skipped.
 */
export async function resolveHostUrl(options: ResolveHostUrlOptions): Promise<string> {
  if (options.url !== undefined) return options.url;
  const found = await readHostFile(options.dataDir, options.isAlive);
  if (found.state === "live") return found.info.url;
  if (found.state === "stale") {
    options.warn?.("host.json is stale: its host has exited; trying the default URL", {
      path: found.path,
      pid: found.info.pid,
      url: options.defaultUrl,
    });
  } else if (found.state === "invalid") {
    options.warn?.("host.json is unreadable; trying the default URL", {
      path: found.path,
      problem: found.problem,
      url: options.defaultUrl,
    });
  }
  return options.defaultUrl;
}

/**
 * Run `work`; if it throws, rethrow the same error with every secret in its message replaced by
 * `<redacted>`, so a token given on the command line is never printed back.
 */
export function redactSecrets<T>(
  work: () => T,
  secrets: readonly (string | null | undefined)[],
): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Error) {
      for (const secret of secrets) {
        if (!secret) continue;
        error.message = error.message.replaceAll(secret, "<redacted>")
          .replaceAll(JSON.stringify(secret).slice(1, -1), "<redacted>");
      }
    }
    throw error;
  }
}

/** `GET /api/status`. */
export function fetchStatus(options: ManageOptions): Promise<HostStatus> {
  return _call(options, "GET", "/status", _status);
}

/** `GET /api/agents`. */
export async function fetchAgents(options: ManageOptions): Promise<AgentInfo[]> {
  return (await _call(options, "GET", "/agents", _agents)).agents;
}

/** `POST /api/agents/NAME/start|stop`. */
export function agentAction(
  options: ManageOptions,
  name: string,
  action: "start" | "stop",
): Promise<AgentInfo> {
  return _call(options, "POST", `/agents/${encodeURIComponent(name)}/${action}`, _agent);
}

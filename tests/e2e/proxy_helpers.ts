/**
 * Shared pieces of the `hive proxy` end-to-end tests: an in-process proxy on a free loopback port
 * with a captured audit log, direct access to the podman engine (to check labels and side
 * effects behind the proxy's back), and raw HTTP requests whose paths no client normalizes.
 *
 * @module
 */
import { stringify as stringifyYaml } from "yaml";
import { type RunningProxy, startProxy } from "../../commands/proxy/run.ts";
import { createLogger } from "../../core/logger.ts";

/** The podman socket `.ci/podman.sh` starts. */
export const PODMAN_SOCKET: string = Deno.env.get("HIVE_PODMAN_SOCKET") ??
  "/tmp/hive-podman/podman.sock";
/** The image `.ci/podman.sh` imports. */
export const BUSYBOX = "localhost/busybox:latest";

/** A write key and a read key every test proxy accepts. */
export const WRITE_KEY = "hive_test_write_key_0123456789abcdef";
/** See {@link WRITE_KEY}. */
export const READ_KEY = "hive_test_read_key_0123456789abcdefgh";
/** A second writer, for per-key limits. */
export const OTHER_KEY = "hive_test_other_key_0123456789abcdefg";

/** A proxy under test. */
export interface TestProxy extends RunningProxy {
  /** Audit lines written so far, parsed. */
  audit: Record<string, unknown>[];
  /** Temporary folder (state, keys, policy); removed by `close`. */
  dir: string;
  /** Stop the proxy and remove its folder. */
  close(): Promise<void>;
}

/** Start a proxy in this process on 127.0.0.1 with a port of its own. */
export async function startTestProxy(options: {
  orchestrator: "process" | "docker" | "kubernetes";
  policy?: Record<string, unknown>;
  kubeconfig?: string;
  drainMs?: number;
  /** Reuse this folder (a restarted proxy); default a new one. */
  dir?: string;
  /** Keys only from the keys file in `dir` (no `HIVE_PROXY_KEYS`). */
  fileKeysOnly?: boolean;
}): Promise<TestProxy> {
  const dir = options.dir ?? await Deno.makeTempDir({ prefix: "hive-proxy-" });
  let policyPath: string | null = null;
  if (options.policy) {
    policyPath = `${dir}/policy.yaml`;
    await Deno.writeTextFile(policyPath, stringifyYaml(options.policy));
  }
  const audit: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "info",
    format: "json",
    sinks: [{
      write(line) {
        const parsed = JSON.parse(line);
        if (parsed.component === "proxy.audit") audit.push(parsed);
      },
      flush() {},
      close() {},
    }],
  });
  const proxy = await startProxy({
    port: 0,
    bind: "127.0.0.1",
    orchestrator: options.orchestrator,
    stateDir: `${dir}/state`,
    keysFile: `${dir}/keys.yaml`,
    policy: policyPath,
    dev: false,
    dockerSocket: PODMAN_SOCKET,
    kubeconfig: options.kubeconfig ?? null,
    namespace: null,
    envKeys: options.fileKeysOnly
      ? undefined
      : `alice:write:${WRITE_KEY},reader:read:${READ_KEY},mallory:write:${OTHER_KEY}`,
    drainMs: options.drainMs,
  }, logger);
  return {
    ...proxy,
    audit,
    dir,
    async close() {
      await proxy.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Headers carrying `key` (and JSON content type). */
export function auth(key: string = WRITE_KEY): Record<string, string> {
  return { authorization: `Bearer ${key}`, "content-type": "application/json" };
}

/** A request to the proxy; returns status, headers and the parsed (or text) body. */
export async function call(
  proxy: { url: string },
  method: string,
  path: string,
  options: {
    key?: string | null;
    body?: unknown;
    raw?: BodyInit;
    headers?: Record<string, string>;
  } = {},
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = options.key === null ? {} : auth(options.key);
  Object.assign(headers, options.headers);
  const response = await fetch(proxy.url + path, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* text */ }
  return { status: response.status, headers: response.headers, body };
}

/** Send one request with the path exactly as given (no URL normalization); returns the status. */
export async function rawStatus(
  port: number,
  method: string,
  path: string,
  key: string = WRITE_KEY,
): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const request = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${key}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(request));
    const buf = new Uint8Array(4096);
    let text = "";
    const deadline = Date.now() + 10_000;
    while (!text.includes("\r\n") && Date.now() < deadline) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
    if (!match) throw new Error(`no HTTP status in ${JSON.stringify(text.slice(0, 80))}`);
    return Number(match[1]);
  } finally {
    conn.close();
  }
}

/** A request straight to the podman engine, bypassing the proxy. */
export async function engine(
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: PODMAN_SOCKET } });
  try {
    const response = await fetch(`http://d/v1.41${path}`, {
      method,
      client,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch { /* text */ }
    return { status: response.status, body: parsed };
  } finally {
    client.close();
  }
}

/** True when the podman engine answers on its socket. */
export async function engineUp(): Promise<boolean> {
  try {
    return (await engine("GET", "/_ping")).status === 200;
  } catch {
    return false;
  }
}

/** Every container on the engine (managed or not): id, name and labels, sorted by id. */
export async function engineContainers(): Promise<
  { id: string; name: string; labels: Record<string, string>; state: string }[]
> {
  const { body } = await engine("GET", "/containers/json?all=1");
  return (body as { Id: string; Names: string[]; Labels: Record<string, string>; State: string }[])
    .map((c) => ({ id: c.Id, name: c.Names[0], labels: c.Labels ?? {}, state: c.State }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * `hive proxy` as a running server: gather keys (hashed keys file plus `HIVE_PROXY_KEYS`), load
 * and validate the policy, open the orchestrator, serve the app, and on SIGTERM or SIGINT stop
 * accepting, let in-flight requests finish (followed log streams are ended), then close.
 *
 * Refuses to start without keys, except with `--dev`, which binds loopback only and warns.
 *
 * @module
 */
import { createOrchestrator } from "../../adapters/orchestrator/mod.ts";
import { ConfigError, UsageError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import type { Output } from "../../core/output.ts";
import { createProxyApp } from "./app.ts";
import { KeyRing, loadKeysFile, parseEnvKeys } from "./keys.ts";
import { loadPolicy } from "./policy.ts";

/** Everything one proxy run needs, after flags were merged over config. */
export interface ProxyRunOptions {
  port: number;
  bind: string;
  orchestrator: "process" | "docker" | "kubernetes";
  stateDir: string;
  keysFile: string;
  policy: string | null;
  dev: boolean;
  dockerSocket: string;
  kubeconfig: string | null;
  namespace: string | null;
  /** `HIVE_PROXY_KEYS`, if set. */
  envKeys?: string;
  /** How long SIGTERM waits for in-flight requests. Default 10 s. */
  drainMs?: number;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(bind: string): boolean {
  return bind === "localhost" || bind === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bind);
}

/** A running proxy. */
export interface RunningProxy {
  /** Base URL, e.g. `http://127.0.0.1:8788`. */
  url: string;
  port: number;
  /** Drain and stop. */
  stop(): Promise<void>;
  /** Resolves once the proxy has stopped. */
  finished: Promise<void>;
}

/** Start the proxy (does not install signal handlers; {@link runProxy} does). */
export async function startProxy(
  options: ProxyRunOptions,
  logger: Logger,
): Promise<RunningProxy> {
  const keys = new KeyRing();
  await loadKeysFile(options.keysFile, keys);
  if (options.envKeys) parseEnvKeys(options.envKeys, keys);
  if (keys.size === 0 && !options.dev) {
    throw new ConfigError(
      `no API keys: add one with \`hive proxy keys add NAME --scope write\` (keys file ` +
        `${options.keysFile}) or set HIVE_PROXY_KEYS=name:scope:key; --dev runs without keys ` +
        `on loopback only`,
    );
  }
  if (options.dev) {
    if (!isLoopback(options.bind)) {
      throw new UsageError(`--dev binds loopback only; got --bind ${options.bind}`);
    }
    logger.warn("development mode: requests without a key act as 'dev' with write scope", {
      bind: options.bind,
    });
  }
  const policy = await loadPolicy(options.policy);
  await Deno.mkdir(options.stateDir, { recursive: true, mode: 0o700 });
  const orchestrator = await createOrchestrator({
    kind: options.orchestrator,
    stateDir: options.stateDir,
    dockerSocket: options.dockerSocket,
    kubeconfig: options.kubeconfig,
    namespace: options.namespace,
  });
  const shutdown = new AbortController();
  const { fetch, close } = createProxyApp({
    orchestrator,
    keys,
    policy,
    audit: logger.child({ component: "proxy.audit" }),
    dev: options.dev,
    shutdown: shutdown.signal,
  });
  // Draining: once stopping, new requests get 503 while the ones already in (even those still
  // uploading their body) run to the end; only then does the server shut down.
  let inflight = 0;
  let draining = false;
  let idle: (() => void) | undefined;
  const handler = async (request: Request): Promise<Response> => {
    if (draining) {
      return Response.json({ error: { code: "draining", message: "the proxy is stopping" } }, {
        status: 503,
        headers: { connection: "close", "retry-after": "1" },
      });
    }
    inflight++;
    try {
      return await fetch(request);
    } finally {
      if (--inflight === 0) idle?.();
    }
  };
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: options.bind,
      port: options.port,
      onListen: (addr) => resolve(addr),
    }, handler);
  } catch (error) {
    close();
    await orchestrator.close();
    throw error;
  }
  const addr = await listening;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const url = `http://${host}:${addr.port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("draining", { url, in_flight: inflight });
      draining = true;
      shutdown.abort();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((r) => timer = setTimeout(r, options.drainMs ?? 10_000));
      const quiet = inflight === 0 ? Promise.resolve() : new Promise<void>((r) => idle = r);
      await Promise.race([quiet, deadline]);
      await Promise.race([server.shutdown(), deadline]);
      clearTimeout(timer);
      close();
      await orchestrator.close();
      logger.info("stopped", { url });
    })();
    return stopping;
  };
  logger.info("proxy listening", { url, orchestrator: orchestrator.kind, keys: keys.size });
  return { url, port: addr.port, stop, finished: server.finished.then(() => stopping) };
}

/** Run until SIGTERM or SIGINT; prints one ready record. */
export async function runProxy(
  options: ProxyRunOptions,
  ctx: { logger: Logger; output: Output },
): Promise<void> {
  const proxy = await startProxy(options, ctx.logger);
  const onSignal = () => void proxy.stop();
  for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(signal, onSignal);
  ctx.output.record(
    { url: proxy.url, port: proxy.port, orchestrator: options.orchestrator, dev: options.dev },
    (r) => `hive proxy on ${r.url} (${r.orchestrator}${r.dev ? ", dev mode" : ""})`,
  );
  await proxy.finished;
  for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.removeSignalListener(signal, onSignal);
}

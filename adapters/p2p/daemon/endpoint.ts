/**
 * How a client finds and reaches a running `hive daemon`, written once: explicit URL and token
 * file when given, else the `daemon.json` the daemon wrote into its data dir. Connection and
 * request failures become `HiveError`s that name the daemon, and a `daemon.json` left behind by
 * a killed daemon is called stale instead of "connection refused".
 *
 * @example
 * ```ts
 * import { callDaemon, connectEndpoint, resolveEndpoint } from "./endpoint.ts";
 * const endpoint = await resolveEndpoint({ dataDir: "/tmp/a" });
 * const client = await connectEndpoint(endpoint);
 * console.log(await callDaemon(client, "status", {}));
 * client.close();
 * ```
 * @module
 */
import { z } from "zod";
import { ConfigError, HiveError, parseWith, UsageError } from "../../../core/errors.ts";
import { IpcClient, IpcError, readTokenFile } from "../../../core/ipc/mod.ts";
import { isProcessAlive } from "../../../core/lock.ts";
import type { Logger } from "../../../core/logger.ts";
import {
  DAEMON_INFO_FILE,
  type DaemonInfo,
  daemonInfoSchema,
  ipcUrlSchema,
  type Reply,
  replySchema,
  type Request,
  type RequestType,
  TOKEN_FILE,
} from "../ipc_protocol.ts";

/** Where to find the daemon. */
export interface EndpointOptions {
  /** Explicit IPC URL (`--url`). */
  url?: string;
  /** Explicit token file (`--token-file`). */
  tokenFile?: string;
  /** Data dir holding `daemon.json` (needed unless both `url` and `tokenFile` are given). */
  dataDir?: string;
}

/** A resolved endpoint: where the daemon listens and the token it wants. */
export interface Endpoint {
  /** The daemon's IPC URL (`ws://127.0.0.1:PORT/`). */
  url: string;
  /** The IPC token it wants. */
  token: string;
  /** The announcement read, when one was used. */
  info: DaemonInfo | null;
}

/** Read `<data-dir>/daemon.json`; null when there is none. */
export async function readDaemonInfo(path: string): Promise<DaemonInfo | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path}: not JSON`);
  }
  return parseWith(daemonInfoSchema, raw, { what: path });
}

async function _token(tokenFile: string): Promise<string> {
  try {
    return await readTokenFile(tokenFile);
  } catch (error) {
    throw new HiveError(`cannot read token file ${tokenFile}: ${(error as Error).message}`, {
      code: "no_token",
    });
  }
}

/** Resolve URL and token from explicit options or `<data-dir>/daemon.json`. */
export async function resolveEndpoint(options: EndpointOptions): Promise<Endpoint> {
  if (options.url !== undefined) {
    parseWith(z.object({ "--url": ipcUrlSchema }), { "--url": options.url }, {
      makeError: (m) => new UsageError(m),
    });
  }
  if (options.url && options.tokenFile) {
    return { url: options.url, token: await _token(options.tokenFile), info: null };
  }
  if (options.dataDir === undefined) {
    throw new UsageError("a daemon endpoint needs a data dir, or both a URL and a token file");
  }
  const infoPath = `${options.dataDir}/${DAEMON_INFO_FILE}`;
  const info = await readDaemonInfo(infoPath);
  const url = options.url ?? info?.ipc_url;
  if (!url) {
    throw new HiveError(
      `no running daemon found: ${infoPath} does not exist; start \`hive daemon\` or pass --url`,
      { code: "no_daemon" },
    );
  }
  const tokenFile = options.tokenFile ?? info?.token_file ?? `${options.dataDir}/${TOKEN_FILE}`;
  return { url, token: await _token(tokenFile), info };
}

/** The endpoint a daemon announced (its ready line or `daemon.json`). */
export async function endpointOfInfo(info: DaemonInfo): Promise<Endpoint> {
  return { url: info.ipc_url, token: await _token(info.token_file), info };
}

/** Options for {@link connectEndpoint}. */
export interface ConnectOptions {
  /** Connect and default request time limit. Default 10000 ms. */
  timeoutMs?: number;
  /** Logger for the connection. */
  logger?: Logger;
}

/** Connect to the daemon; failures become `HiveError`s naming the URL (or a stale pid). */
export async function connectEndpoint(
  endpoint: Endpoint,
  options: ConnectOptions = {},
): Promise<IpcClient> {
  try {
    return await IpcClient.connect({
      url: endpoint.url,
      token: endpoint.token,
      connectTimeoutMs: options.timeoutMs,
      requestTimeoutMs: options.timeoutMs,
      logger: options.logger,
    });
  } catch (error) {
    const code = error instanceof IpcError ? error.code : "unavailable";
    const pid = endpoint.info?.pid;
    if (code === "unavailable" && pid !== undefined && !(await isProcessAlive(pid))) {
      // A daemon killed with -9 cannot remove its announcement; say so instead of "refused".
      throw new HiveError(
        `no running daemon: daemon.json names pid ${pid}, which is not running ` +
          `(stale after a crash?); start \`hive daemon\``,
        { code: "no_daemon" },
      );
    }
    throw new HiveError(`daemon at ${endpoint.url}: ${(error as Error).message}`, {
      code: `ipc_${code}`,
    });
  }
}

/**
 * Run one request of the contract and check its reply against the contract's schema. IPC
 * errors become `HiveError`s with code `ipc_<daemon's code>`.
 */
export async function callDaemon<K extends RequestType>(
  client: IpcClient,
  type: K,
  params: Request<K>,
  options: { timeoutMs?: number } = {},
): Promise<Reply<K>> {
  let reply: unknown;
  try {
    reply = await client.request(type, params as Record<string, unknown>, options);
  } catch (error) {
    if (error instanceof IpcError) {
      throw new HiveError(`${type}: ${error.message}`, { code: `ipc_${error.code}` });
    }
    throw error;
  }
  return parseWith(replySchema(type), reply, {
    what: `${type} reply`,
    makeError: (m) => new HiveError(m, { code: "ipc_bad_reply" }),
  });
}

/**
 * How client subcommands find and reach a running daemon: `--url` and `--token-file` when
 * given, else the `daemon.json` the daemon wrote into the data dir.
 *
 * @module
 */
import { z } from "zod";
import { ConfigError, HiveError, parseWith, UsageError } from "../../core/errors.ts";
import { IpcClient, IpcError, readTokenFile } from "../../core/ipc/mod.ts";
import { isProcessAlive } from "../../core/lock.ts";
import type { Logger } from "../../core/logger.ts";
import { DAEMON_INFO_FILE, TOKEN_FILE } from "./run.ts";
import { type DaemonInfo, daemonInfoSchema } from "./protocol.ts";

/** Where to find the daemon. */
export interface EndpointOptions {
  /** Explicit IPC URL (`--url`). */
  url?: string;
  /** Explicit token file (`--token-file`). */
  tokenFile?: string;
  /** Data dir holding `daemon.json`. */
  dataDir: string;
}

/** A resolved endpoint. */
export interface Endpoint {
  url: string;
  token: string;
  /** The announcement read, when one was used. */
  info: DaemonInfo | null;
}

/** A `ws://` URL on loopback or elsewhere. */
export const ipcUrlSchema = z.url({ protocol: /^wss?$/, error: "expected a ws:// URL" });

async function _readInfo(path: string): Promise<DaemonInfo | null> {
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

/** Resolve URL and token from flags or `<data-dir>/daemon.json`. */
export async function resolveEndpoint(options: EndpointOptions): Promise<Endpoint> {
  if (options.url !== undefined) {
    parseWith(z.object({ "--url": ipcUrlSchema }), { "--url": options.url }, {
      makeError: (m) => new UsageError(m),
    });
  }
  const infoPath = `${options.dataDir}/${DAEMON_INFO_FILE}`;
  const info = options.url && options.tokenFile ? null : await _readInfo(infoPath);
  const url = options.url ?? info?.ipc_url;
  if (!url) {
    throw new HiveError(
      `no running daemon found: ${infoPath} does not exist; start \`hive daemon\` or pass --url`,
      { code: "no_daemon" },
    );
  }
  const tokenFile = options.tokenFile ?? info?.token_file ?? `${options.dataDir}/${TOKEN_FILE}`;
  let token: string;
  try {
    token = await readTokenFile(tokenFile);
  } catch (error) {
    throw new HiveError(`cannot read token file ${tokenFile}: ${(error as Error).message}`, {
      code: "no_token",
    });
  }
  return { url, token, info };
}

/** Connect to the daemon; connection failures become `HiveError`s naming the URL. */
export async function connectDaemon(
  endpoint: Endpoint,
  options: { reconnect?: boolean; timeoutMs?: number; logger?: Logger } = {},
): Promise<IpcClient> {
  try {
    return await IpcClient.connect({
      url: endpoint.url,
      token: endpoint.token,
      reconnect: options.reconnect ?? false,
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

/** Run one request; IPC errors become `HiveError`s with the daemon's code and message. */
export async function callDaemon<T>(
  client: IpcClient,
  type: string,
  params: Record<string, unknown> = {},
): Promise<T> {
  try {
    return await client.request<T>(type, params);
  } catch (error) {
    if (error instanceof IpcError) {
      throw new HiveError(`${type}: ${error.message}`, { code: `ipc_${error.code}` });
    }
    throw error;
  }
}

/**
 * The start-up of a local run's nodes: waiting until each answers RPC, and when one ends
 * first, why, read from the end of its logs: monerod writes the cause to its `--log-file`
 * (stdout is not kept), so without this the error could only point at a folder.
 *
 * A port the placement found free can be taken by another process before the node binds it;
 * {@link StartupFailure.portTaken} lets the engine place the hosts again instead of failing.
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";
import type { Logger } from "../../../core/logger.ts";
import type { LocalHostPlacement } from "./options.ts";
import type { LocalChild } from "./proc.ts";
import { MonerodRpc } from "./rpc.ts";
import { sleep } from "./sleep.ts";

/** What the logs of a child that exited during start-up say. */
export interface StartupFailure {
  /** The log lines that name the cause, e.g. `Error starting server: Failed to bind IPv4`. */
  reason?: string;
  /** The cause is an address or port another process holds. */
  portTaken: boolean;
}

/** The error code of a start-up that failed on a taken port. */
export const PORT_TAKEN = "port_taken";

const _TAIL_BYTES = 64 * 1024;
const _NAMED_SILENT = 3;
const _MAX_REASON = 400;
/** epee's log line: date time, thread, LEVEL, category, file:line, message (tab-separated). */
const _LEVELED = /^[^\t]*\t[^\t]*\t(FATAL|ERROR)\t[^\t]*\t[^\t]*\t(.*)$/;
const _PORT_TAKEN_LINE = /failed to bind|address already in use|EADDRINUSE/i;

async function _tail(path: string): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch {
    return ""; // not written yet
  }
  try {
    const size = (await file.stat()).size;
    const start = Math.max(0, size - _TAIL_BYTES);
    await file.seek(start, Deno.SeekMode.Start);
    const buf = new Uint8Array(size - start);
    let read = 0;
    while (read < buf.length) {
      const n = await file.read(buf.subarray(read));
      if (n === null) break;
      read += n;
    }
    return new TextDecoder().decode(buf.subarray(0, read));
  } finally {
    file.close();
  }
}

/**
 * The cause in a log's last 64 KiB: its FATAL lines and last ERROR line for epee logs, else
 * its last non-empty line.
 *
 * @example
 * ```ts
 * startupReason("...\tFATAL\tnet\tx.inl:1316\tError starting server: Failed to bind IPv4\n");
 * // "Error starting server: Failed to bind IPv4"
 * ```
 */
export function startupReason(log: string): string | undefined {
  const lines = log.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
  const fatal: string[] = [];
  let lastError: string | undefined;
  for (const line of lines) {
    const m = _LEVELED.exec(line);
    if (m?.[1] === "FATAL") fatal.push(m[2]);
    else if (m) lastError = m[2];
  }
  const parts = [...new Set([...fatal, ...lastError ? [lastError] : []])];
  const reason = parts.length > 0 ? parts.join("; ") : lines.at(-1);
  return reason && reason.length > _MAX_REASON ? `${reason.slice(0, _MAX_REASON)}...` : reason;
}

/** Reads a dead child's logs (in order) and says why it ended. */
export async function startupFailure(logFiles: readonly string[]): Promise<StartupFailure> {
  const reasons: string[] = [];
  for (const path of logFiles) {
    const reason = startupReason(await _tail(path));
    if (reason) reasons.push(reason);
  }
  const reason = reasons.length > 0 ? reasons.join("; ") : undefined;
  return { reason, portTaken: reason !== undefined && _PORT_TAKEN_LINE.test(reason) };
}

/** What {@link waitNodesReady} watches. */
export interface WaitNodesOptions {
  hosts: readonly LocalHostPlacement[];
  /** The run's children so far: one that ends fails the wait. */
  daemons: readonly LocalChild[];
  timeoutMs: number;
  /** Called once per pass with the count of nodes answering. */
  report: (ready: number, total: number) => void;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Polls every host's RPC until all answer. Throws when one of the daemons ends first (code
 * {@link PORT_TAKEN} when its log says its port was taken, naming the cause either way) or
 * when the timeout passes.
 */
export async function waitNodesReady(o: WaitNodesOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  const pending = new Map(o.hosts.map((h) => [h.name, h]));
  // Bounded by the deadline; one pass per 250 ms.
  while (pending.size > 0 && Date.now() < deadline && !o.signal.aborted) {
    o.report(o.hosts.length - pending.size, o.hosts.length);
    await Promise.all([...pending.values()].map(async (p) => {
      try {
        await new MonerodRpc({ url: p.rpcUrl, timeoutMs: 2000 }).getInfo();
        pending.delete(p.name);
        o.logger.info("node ready", { host: p.name, rpc: p.rpcUrl });
      } catch { /* not listening yet */ }
    }));
    const dead = o.daemons.find((d) => d.exited);
    if (dead) {
      const { reason, portTaken } = await startupFailure(dead.logFiles);
      throw new HiveError(
        `${dead.name} exited during start-up: ${reason ?? "its logs say nothing"}; see ${
          dead.logFiles[0]
        }`,
        { code: portTaken ? PORT_TAKEN : "failure" },
      );
    }
    if (pending.size > 0) await sleep(250, o.signal);
  }
  if (pending.size > 0 && !o.signal.aborted) {
    // Each silent node with the last word of its log (the first few: the rest say the same).
    const named = await Promise.all([...pending.keys()].map(async (name, k) => {
      const daemon = o.daemons.find((d) => d.name === `monerod ${name}`);
      if (!daemon || k >= _NAMED_SILENT) return name;
      const { reason } = await startupFailure(daemon.logFiles);
      return reason ? `${name} (its log: ${reason})` : name;
    }));
    throw new HiveError(
      `nodes not answering RPC after ${o.timeoutMs / 1000} s: ${named.join(", ")}`,
    );
  }
}

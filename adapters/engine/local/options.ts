/**
 * Settings of the local engine and where it places each host: read by the engine and by the
 * run it drives, so they live apart from both.
 *
 * @module
 */
import type { SimHost } from "../types.ts";
import { MONERO_BLOCK_TARGET_S } from "../monerod.ts";

/**
 * Memory one local host takes: a regtest monerod measured at about 400 MiB resident (32 nodes
 * ran in 14 GiB), not the ~100 MB once assumed.
 */
export const LOCAL_HOST_BYTES = 400 * 2 ** 20;

/**
 * Most hosts the local engine runs on this machine: the memory available now divided by
 * {@link LOCAL_HOST_BYTES}, at least 1. `--max-hosts` overrides it.
 *
 * @example
 * ```ts
 * localMaxHosts(14 * 2 ** 30); // 35
 * ```
 */
export function localMaxHosts(availableBytes?: number): number {
  let bytes = availableBytes;
  if (bytes === undefined) {
    try {
      bytes = Deno.systemMemoryInfo().available;
    } catch {
      bytes = 20 * LOCAL_HOST_BYTES; // no memory figure (sandbox): the old fixed cap
    }
  }
  return Math.max(1, Math.floor(bytes / LOCAL_HOST_BYTES));
}

/** Why a model is too big for the local engine, or null when it fits. */
export function localHostsProblem(hosts: number, maxHosts?: number): string | null {
  const max = maxHosts ?? localMaxHosts();
  if (hosts <= max) return null;
  const how = maxHosts === undefined
    ? `, sized from free memory at ${Math.round(LOCAL_HOST_BYTES / 2 ** 20)} MiB per monerod; ` +
      "--max-hosts overrides it"
    : " (--max-hosts)";
  return `the local engine runs at most ${max} hosts here${how}; the scenario has ${hosts}. ` +
    "Use --engine des for large networks.";
}

/**
 * Wall seconds between the local monitor's polls: `override` when set (> 0), else the
 * scenario's shortest monitor `interval` (simulated seconds) divided by the time scale, else
 * 0.5 s when the scenario has no monitor.
 *
 * @example
 * ```ts
 * localMonitorPoll({ hosts: [{ monitorIntervalS: 60 }] }, 120); // 0.5
 * ```
 */
export function localMonitorPoll(
  model: { hosts: ReadonlyArray<Pick<SimHost, "monitorIntervalS">> },
  timeScale: number,
  override = 0,
): number {
  if (override > 0) return override;
  const monitors = model.hosts.flatMap((h) => h.monitorIntervalS ?? []);
  return monitors.length > 0 ? Math.min(...monitors) / timeScale : 0.5;
}

/** Options for {@link LocalEngine}. */
export interface LocalEngineOptions {
  /** Simulated seconds per wall second. Default 1. */
  timeScale?: number;
  /** monerod executable. Default `monerod` from PATH. */
  monerodBin?: string;
  /** monero-wallet-rpc executable. Default from PATH. */
  walletRpcBin?: string;
  /** Refuse models with more hosts than this. Default {@link localMaxHosts}. */
  maxHosts?: number;
  /** SIGTERM-to-SIGKILL grace period. Default 15 s (monerod closes its database). */
  graceMs?: number;
  /**
   * Wall seconds between monitor polls. Default: the scenario's shortest monitor `interval`
   * divided by the time scale, or 0.5 without a monitor.
   */
  monitorIntervalS?: number;
  /** How long nodes may take to answer RPC. Default 120 s. */
  readyTimeoutMs?: number;
  /**
   * Blocks mined to a user's wallet before the clock starts (then 80 to unlock) when its model
   * host does not say (`tx.fundBlocks`, sized to its transfer plan). Default 3.
   */
  userFundBlocks?: number;
  /** First loopback host octet (127.0.0.N). Default 2. */
  firstOctet?: number;
  /**
   * Wall seconds the run waits after stop_time, miners stopped, for the last blocks to reach
   * every node (while the monitor still records). Default 10.
   */
  settleS?: number;
  /**
   * How peer links get the scenario's latency, jitter, loss and bandwidth: `auto` (default:
   * when the model's links carry latency or loss, network namespaces where root and the kernel
   * allow, else relays), `netns`, `relay`, or `ideal` loopback (see `links/`).
   */
  links?: "auto" | "relay" | "netns" | "ideal";
  /** End the run once every double-spend and partition attack has an outcome. Default false. */
  stopWhenResolved?: boolean;
  /**
   * Command that runs `hive` for the agent children, executable first. Default `selfArgv()`:
   * this program. Embedders and tests whose main module is not hive's pass their own.
   */
  hiveArgv?: string[];
}

/** Where a host runs locally. */
export interface LocalHostPlacement {
  name: string;
  kind: SimHost["kind"];
  ip: string;
  p2pPort: number;
  rpcPort: number;
  walletRpcPort?: number;
  rpcUrl: string;
  dir: string;
}

/**
 * Why a time scale is too fast for real monerod to follow, or null. Real nodes take about a
 * second to mine, relay and add a block on regtest, so blocks meant to come more often than
 * once a wall second pile up or never come, and a run shorter than ten wall seconds ends while
 * its nodes are still starting.
 *
 * @example
 * ```ts
 * localTimeScaleProblem(600, 60); // null: a block every 2 s, a 10 s run
 * localTimeScaleProblem(360, 1e9); // "... a block every 0.12 µs ..."
 * ```
 */
export function localTimeScaleProblem(stopTimeS: number, timeScale: number): string | null {
  const blockWallS = MONERO_BLOCK_TARGET_S / timeScale;
  const runWallS = stopTimeS / timeScale;
  if (blockWallS >= 1 && runWallS >= 10) return null;
  const show = (s: number) =>
    s >= 1
      ? `${+s.toFixed(1)} s`
      : s >= 1e-3
      ? `${+(s * 1e3).toFixed(2)} ms`
      : `${+(s * 1e6).toFixed(2)} µs`;
  return `--time-scale ${timeScale}: a block every ${show(blockWallS)} and a run of ` +
    `${show(runWallS)} of wall time; real monerod needs about a second per block, so the run ` +
    `will not follow the scenario (at most ${MONERO_BLOCK_TARGET_S} keeps a block per wall second)`;
}

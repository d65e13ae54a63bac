/**
 * Settings of the local engine and where it places each host: read by the engine and by the
 * run it drives, so they live apart from both.
 *
 * @module
 */
import type { SimHost } from "../types.ts";

/** Most hosts the local engine runs: each is a real monerod (~100 MB RAM, some CPU). */
export const LOCAL_MAX_HOSTS = 20;

/** Options for {@link LocalEngine}. */
export interface LocalEngineOptions {
  /** Simulated seconds per wall second. Default 1. */
  timeScale?: number;
  /** monerod executable. Default `monerod` from PATH. */
  monerodBin?: string;
  /** monero-wallet-rpc executable. Default from PATH. */
  walletRpcBin?: string;
  /** Refuse models with more hosts than this. Default {@link LOCAL_MAX_HOSTS}. */
  maxHosts?: number;
  /** SIGTERM-to-SIGKILL grace period. Default 15 s (monerod closes its database). */
  graceMs?: number;
  /** Wall seconds between monitor polls. Default 0.5. */
  monitorIntervalS?: number;
  /** How long nodes may take to answer RPC. Default 120 s. */
  readyTimeoutMs?: number;
  /** Blocks mined to each user's wallet before the clock starts (then 80 to unlock). Default 3. */
  userFundBlocks?: number;
  /** First loopback host octet (127.0.0.N). Default 2. */
  firstOctet?: number;
  /**
   * Wall seconds the run waits after stop_time, miners stopped, for the last blocks to reach
   * every node (while the monitor still records). Default 10.
   */
  settleS?: number;
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

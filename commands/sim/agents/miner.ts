/**
 * Miner agent: mines blocks on its monerod with `generateblocks` (regtest) at the times of a
 * Poisson process whose mean interval is `blockTimeS / (hashrate / 100)`, divided by the run's
 * time scale, and records a `mined` event per block.
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";
import type { MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { type AgentContext, agentRng, exponential, sleep } from "./runtime.ts";

/** Options for {@link runMiner}. */
export interface MinerOptions {
  rpc: MonerodRpc;
  /** Host name written into events. */
  host: string;
  /** Share of the network's hashrate in percent (0..100]. 0 mines nothing. */
  hashrate: number;
  seed: number;
  /** Simulated seconds per wall second. */
  timeScale: number;
  /** Network target block interval in simulated seconds. Default 120 (Monero). */
  blockTimeS?: number;
  /** Coinbase address. */
  address: string;
  /** Stop after this many blocks (tests, short runs). */
  maxBlocks?: number;
  /** Consecutive RPC failures tolerated before giving up. Default 30. */
  maxFailures?: number;
}

/** What a miner did. */
export interface MinerResult {
  mined: number;
}

/** Mean wall seconds between this miner's blocks. */
export function minerMeanIntervalS(options: {
  hashrate: number;
  timeScale: number;
  blockTimeS?: number;
}): number {
  return (options.blockTimeS ?? 120) / (options.hashrate / 100) / options.timeScale;
}

/** Run until stopped (or `maxBlocks`). */
export async function runMiner(ctx: AgentContext, options: MinerOptions): Promise<MinerResult> {
  const { logger, signal } = ctx;
  let mined = 0;
  if (options.hashrate <= 0) {
    logger.info("hashrate 0: not mining");
    while (await sleep(60_000, signal));
    return { mined };
  }
  const prng = agentRng(options.seed, options.host);
  const meanS = minerMeanIntervalS(options);
  const maxFailures = options.maxFailures ?? 30;
  let failures = 0;
  logger.info("mining", { mean_interval_s: meanS, hashrate: options.hashrate });
  // Bounded by the stop signal and maxBlocks; every pass either sleeps or mines.
  while (!signal.aborted && (options.maxBlocks === undefined || mined < options.maxBlocks)) {
    if (!await sleep(exponential(prng, meanS) * 1000, signal)) break;
    // A draw is one block; BUSY (daemon not yet synchronised) or an outage retries the same draw.
    while (!signal.aborted) {
      try {
        const r = await options.rpc.generateBlocks(1, options.address);
        // Stamp before the header look-ups so the time is when monerod accepted the block.
        const ts = ctx.clock.ts();
        if (r.status === "BUSY") {
          logger.debug("daemon busy (not synchronised yet)");
          if (!await sleep(500, signal)) break;
          continue;
        }
        failures = 0;
        for (const hash of r.blocks) {
          const header = await options.rpc.headerByHash(hash);
          ctx.events.write({
            ts,
            host: options.host,
            event: "mined",
            height: header.height,
            hash,
            parent: header.prev_hash,
          });
          mined++;
          logger.debug("mined", { height: header.height, hash });
        }
        break;
      } catch (error) {
        if (signal.aborted) break; // the call was cut short by the stop
        failures++;
        logger.warn("generateblocks failed", { error, failures });
        if (failures >= maxFailures) {
          throw new HiveError(
            `miner ${options.host}: ${failures} failed calls in a row to ${options.rpc.url}`,
            { cause: error },
          );
        }
        if (!await sleep(1000, signal)) break;
      }
    }
  }
  return { mined };
}

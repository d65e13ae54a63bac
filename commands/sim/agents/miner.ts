/**
 * Miner agent: mines blocks on its monerod with `generateblocks` (regtest) at the times of a
 * Poisson process whose mean interval is `blockTimeS / (hashrate / 100)`, divided by the run's
 * time scale, and records a `mined` event per block.
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";
import type { BlockHeader, MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { MONERO_BLOCK_TARGET_S } from "../../../adapters/engine/monerod.ts";
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
  /**
   * How long one `generateblocks` call may take (a loaded machine or a cold RandomX can take
   * tens of seconds). Default 120 s. A call that times out may still have mined its block: the
   * miner then finds it by its nonce.
   */
  generateTimeoutMs?: number;
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
  return (options.blockTimeS ?? MONERO_BLOCK_TARGET_S) / (options.hashrate / 100) /
    options.timeScale;
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
  const record = (ts: number, header: BlockHeader) => {
    ctx.events.write({
      ts,
      host: options.host,
      event: "mined",
      height: header.height,
      hash: header.hash,
      parent: header.prev_hash,
    });
    mined++;
  };
  logger.info("mining", { mean_interval_s: meanS, hashrate: options.hashrate });
  // Bounded by the stop signal and maxBlocks; every pass either sleeps or mines.
  while (!signal.aborted && (options.maxBlocks === undefined || mined < options.maxBlocks)) {
    if (!await sleep(exponential(prng, meanS) * 1000, signal)) break;
    // A draw is one block; BUSY (daemon not yet synchronised) or an outage retries the same draw.
    while (!signal.aborted) {
      const nonce = crypto.getRandomValues(new Uint32Array(1))[0];
      const startMs = Date.now();
      try {
        const r = await options.rpc.generateBlocks(1, options.address, {
          startingNonce: nonce,
          timeoutMs: options.generateTimeoutMs ?? 120_000,
        });
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
          record(ts, header);
          logger.debug("mined", { height: header.height, hash });
        }
        break;
      } catch (error) {
        if (signal.aborted) break; // the call was cut short by the stop
        // The call may have failed on the way back only: then the block exists, and mining
        // again for this draw would add a block no event records.
        const found = await findMinedBlock(options.rpc, nonce, signal);
        if (found) {
          const acceptedMs = Math.min(Date.now(), Math.max(startMs, found.timestamp * 1000));
          record((acceptedMs - ctx.clock.t0Ms) / 1000, found);
          failures = 0;
          logger.warn("generateblocks failed on its way back; its block was mined", {
            error,
            height: found.height,
          });
          break;
        }
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

/** Blocks below the top searched for a lost call's block (other miners may have mined since). */
const _FIND_DEPTH = 16;
/** Nonces past the start a block may carry (regtest's difficulty 1 passes the first). */
const _NONCE_WINDOW = 1 << 16;

/**
 * The block a `generateblocks` call that started at `nonce` mined, if it is among the node's
 * top blocks. Looks three times, half a second apart, as monerod may still be adding it.
 */
export async function findMinedBlock(
  rpc: MonerodRpc,
  nonce: number,
  signal: AbortSignal,
): Promise<BlockHeader | null> {
  for (let attempt = 0; attempt < 3 && !signal.aborted; attempt++) {
    if (attempt > 0 && !await sleep(500, signal)) break;
    try {
      const top = (await rpc.getInfo()).height - 1;
      if (top < 1) continue;
      const headers = await rpc.headersRange(Math.max(1, top - _FIND_DEPTH), top);
      const hit = headers.find((h) =>
        h.nonce !== undefined && ((h.nonce - nonce) >>> 0) < _NONCE_WINDOW
      );
      if (hit) return hit;
    } catch { /* monerod did not answer: look again */ }
  }
  return null;
}

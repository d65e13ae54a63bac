/**
 * Progress of the local engine's phases before its clock starts, which take real time: `start
 * nodes` (monerod processes answering RPC, a few seconds each) and `fund wallets` (the users'
 * blocks and the 80 unlock blocks, tens of seconds on regtest), and after the clock `settle`
 * (up to the settle time for the last blocks to spread). The clock phase (`simulate`) is
 * reported by the run itself. Reports go to the engine port's `onProgress`, so `hive sim
 * run` draws them as bars with ETA on a terminal and NDJSON with `--json`, as for the DES.
 *
 * Funding is a handful of long `generateblocks` calls, so its progress is read from the chain
 * instead: one node's height, polled, against the height the funding ends at.
 *
 * @module
 */
import type { EngineProgress } from "../types.ts";
import { MonerodRpc } from "./rpc.ts";
import { FUNDING_UNLOCK_BLOCKS } from "./wallet.ts";
import { sleep } from "./sleep.ts";

/** Phase names, as shown before the bars and as `phase` in NDJSON. */
export const LOCAL_PHASES = {
  start: "start nodes",
  fund: "fund wallets",
  simulate: "simulate",
  settle: "settle",
} as const;

/** Where the reports go: the run's options (only `onProgress` is read). */
export interface ProgressSink {
  onProgress?: (p: EngineProgress) => void;
}

/** Report `ready` of `total` nodes answering RPC. */
export function reportNodesReady(sink: ProgressSink, ready: number, total: number): void {
  sink.onProgress?.({ done: ready, total, unit: "nodes", phase: LOCAL_PHASES.start });
}

/** Options for {@link watchFunding}. */
export interface FundingWatchOptions {
  /** RPC of the node the funding blocks are mined on. */
  rpcUrl: string;
  /** Blocks mined to each user's wallet; the unlock blocks are added. */
  userBlocks: number[];
  /** Poll period; default 500 ms. */
  intervalMs?: number;
}

/** A running watch; disposing it (or `stop()`) ends the polling. */
export interface FundingWatch extends AsyncDisposable {
  stop(): Promise<void>;
}

/**
 * Report `fund wallets` progress as blocks mined since the watch started, polled from the
 * node, until stopped. The bar is not completed here: the next phase does that, and a failed
 * funding must not look finished. Nothing polls without an `onProgress`.
 *
 * @example
 * ```ts
 * async function fund(options: EngineRunOptions, rpcUrl: string) {
 *   await using _ = watchFunding(options, { rpcUrl, userBlocks: [4] });
 *   await mineTheBlocks(); // 4 + 80 blocks
 * }
 * ```
 */
export function watchFunding(sink: ProgressSink, options: FundingWatchOptions): FundingWatch {
  const onProgress = sink.onProgress;
  const blocks = options.userBlocks.reduce((a, b) => a + b, FUNDING_UNLOCK_BLOCKS);
  const stopped = new AbortController();
  const report = (done: number) =>
    onProgress?.({
      done: Math.min(blocks, Math.max(0, done)),
      total: blocks,
      unit: "blocks",
      phase: LOCAL_PHASES.fund,
    });
  report(0);
  const rpc = new MonerodRpc({ url: options.rpcUrl, timeoutMs: 2000, signal: stopped.signal });
  const loop = onProgress
    ? (async () => {
      let start: number | null = null;
      // Bounded by stop(): one poll per interval; a node that does not answer is asked again.
      while (!stopped.signal.aborted) {
        const height = await rpc.getInfo().then((i) => i.height, () => null);
        if (height !== null && !stopped.signal.aborted) {
          start ??= height;
          report(height - start);
        }
        if (!await sleep(options.intervalMs ?? 500, stopped.signal)) break;
      }
    })()
    : Promise.resolve();
  const stop = async () => {
    stopped.abort();
    await loop;
  };
  return { stop, [Symbol.asyncDispose]: stop };
}

/**
 * Report a phase bounded by wall time (`settle`): seconds elapsed of at most `seconds`, every
 * half second, until disposed (the phase may end early; the next one completes its bar).
 */
export function watchSeconds(
  sink: ProgressSink,
  phase: string,
  seconds: number,
): AsyncDisposable {
  const onProgress = sink.onProgress;
  if (!onProgress) return { [Symbol.asyncDispose]: () => Promise.resolve() };
  const started = performance.now();
  const report = () => {
    const done = Math.min(seconds, (performance.now() - started) / 1000);
    onProgress({ done, total: seconds, unit: "seconds", phase });
  };
  report();
  const timer = setInterval(report, 500);
  return {
    [Symbol.asyncDispose]: () => {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}

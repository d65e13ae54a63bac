/**
 * What a discrete-event run reports when it ends: the summary counts (`summary.json`) and the
 * per-block propagation aggregates (`propagation.ndjson`).
 *
 * @module
 */
import type { PropagationRecord } from "../types.ts";
import { type DesNetwork, roundTime as _round } from "./network.ts";

const _GENESIS = 0;

/** What a finished simulation reports. */
export interface DesSimSummary {
  nodes: number;
  edges: number;
  simulated_s: number;
  /** Queue events processed. */
  queue_events: number;
  /** RunEvent records emitted. */
  run_events: number;
  blocks_mined: number;
  main_chain_height: number;
  orphaned_blocks: number;
  reorgs: number;
  max_reorg_depth: number;
  txs_sent: number;
  txs_confirmed: number;
  stopped_early: boolean;
  attacks: Record<string, unknown>[];
}

/** What the report reads beyond {@link DesNetwork}. */
export interface DesReportState extends DesNetwork {
  readonly blockCount: number;
  readonly bTime: Float64Array;
  readonly bReach: Int32Array;
  readonly bT50: Float64Array;
  readonly bT90: Float64Array;
  readonly bT100: Float64Array;
  readonly runEvents: number;
  readonly reorgs: number;
  readonly maxReorgDepth: number;
  readonly stoppedEarly: boolean;
  readonly attacks: DesNetwork["attacks"] & { outcomes(): Record<string, unknown>[] };
  readonly tx: DesNetwork["tx"] & { confirmedCount(): number };
}

/** The summary of a finished run (attack outcomes as they stand). */
export function summarizeRun(s: DesReportState): DesSimSummary {
  let best = _GENESIS;
  for (let b = 1; b < s.blockCount; b++) {
    if (s.bHeight[b] > s.bHeight[best]) best = b;
  }
  const main = new Uint8Array(s.blockCount);
  for (let x = best; x >= 0; x = s.bParent[x]) main[x] = 1;
  let orphaned = 0;
  for (let b = 1; b < s.blockCount; b++) if (!main[b]) orphaned++;
  return {
    nodes: s.n,
    edges: s.adjTo.length / 2,
    simulated_s: _round(s.now),
    queue_events: s.queue.pushed,
    run_events: s.runEvents,
    blocks_mined: s.blockCount - 1,
    main_chain_height: s.bHeight[best],
    orphaned_blocks: orphaned,
    reorgs: s.reorgs,
    max_reorg_depth: s.maxReorgDepth,
    txs_sent: s.tx.count,
    txs_confirmed: s.tx.confirmedCount(),
    stopped_early: s.stoppedEarly,
    attacks: s.attacks.outcomes(),
  };
}

/** Per-block propagation aggregates (genesis excluded). */
export function propagationRecords(s: DesReportState): PropagationRecord[] {
  const out: PropagationRecord[] = [];
  const rel = (t: number, b: number) => (t > 0 ? _round(t - s.bTime[b]) : null);
  for (let b = 1; b < s.blockCount; b++) {
    out.push({
      hash: s.hash(b),
      height: s.bHeight[b],
      miner: s.names[s.bMiner[b]],
      mined_ts: _round(s.bTime[b]),
      reached: s.bReach[b],
      nodes: s.n,
      t50_s: rel(s.bT50[b], b),
      t90_s: rel(s.bT90[b], b),
      t100_s: rel(s.bT100[b], b),
    });
  }
  return out;
}

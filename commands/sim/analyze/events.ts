/**
 * Metrics of a run's other records, as steps: reorg depths, transaction latencies, height
 * convergence over time (from events, or the des engine's `convergence.ndjson`) and attack
 * outcomes.
 *
 * @module
 */
import type { RunEvent } from "../../../adapters/engine/types.ts";
import type { LoadedRun } from "./load.ts";
import type { AnalysisReport, ConvergencePoint } from "./report.ts";
import { distribution, downsample, round3 } from "./stats.ts";

/** Reorg count, deepest reorg and count per depth. */
export function reorgMetrics(events: readonly RunEvent[]): AnalysisReport["reorgs"] {
  const depths: Record<string, number> = {};
  let count = 0;
  let maxDepth = 0;
  for (const e of events) {
    if (e.event !== "reorg") continue;
    count++;
    depths[String(e.depth)] = (depths[String(e.depth)] ?? 0) + 1;
    if (e.depth > maxDepth) maxDepth = e.depth;
  }
  return { count, max_depth: maxDepth, depths };
}

/**
 * Transactions sent, confirmed, and their confirmation and first-seen latencies, and the
 * transfers the wallets refused, by reason. A tx may have several `tx_confirmed` records (the
 * des engine writes a new one when a reorg took its block away and it was mined again): the
 * latest holds, so latency runs to the confirmation that stuck.
 */
export function transactionMetrics(events: readonly RunEvent[]): AnalysisReport["transactions"] {
  const sent = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  const confirmed = new Map<string, number>();
  const failedBy: Record<string, number> = {};
  let failed = 0;
  for (const e of events) {
    if (e.event === "tx_failed") {
      failed++;
      failedBy[e.reason] = (failedBy[e.reason] ?? 0) + 1;
      continue;
    }
    if (e.event === "tx_sent" && !sent.has(e.txid)) sent.set(e.txid, e.ts);
    else if (e.event === "tx_seen" && !firstSeen.has(e.txid)) firstSeen.set(e.txid, e.ts);
    else if (e.event === "tx_confirmed") confirmed.set(e.txid, e.ts);
  }
  const since = (times: Map<string, number>) => {
    const out: number[] = [];
    for (const [txid, ts] of times) {
      const s = sent.get(txid);
      if (s !== undefined && ts >= s) out.push(ts - s);
    }
    return out;
  };
  const confLatency = since(confirmed);
  return {
    sent: sent.size,
    confirmed: confLatency.length,
    confirmation: distribution(confLatency),
    first_seen: distribution(since(firstSeen)),
    failed,
    failed_by_reason: Object.fromEntries(
      Object.entries(failedBy).sort(([a], [b]) => a < b ? -1 : 1),
    ),
  };
}

/**
 * Height convergence over the run, at most `maxSamples` samples. From events, every host of
 * the run (`run.runHosts`, plus any other host with a record) counts, at height 0 on genesis
 * until its first block or height record; without receipts, the des engine's own samples.
 */
export function convergenceMetrics(
  run: LoadedRun,
  hasReceipts: boolean,
  maxSamples: number,
): AnalysisReport["convergence"] {
  const convergence = hasReceipts
    ? _convergenceFromEvents(run.events, run.runHosts ?? [], maxSamples)
    : run.convergence.length > 0
    ? {
      source: "convergence.ndjson" as const,
      samples: downsample(run.convergence, maxSamples).map((s) => ({
        ts: s.ts,
        min_height: s.min_height,
        max_height: s.max_height,
        spread: s.max_height - s.min_height,
        tips: s.tips,
      })),
    }
    : { source: "none" as const, samples: [] };
  const samples = convergence.samples;
  const last = samples[samples.length - 1];
  const converged = samples.filter((s) => s.spread === 0 && (s.tips === null || s.tips <= 1));
  return {
    source: convergence.source,
    samples,
    final_spread: last ? last.spread : null,
    max_spread: samples.length > 0 ? Math.max(...samples.map((s) => s.spread)) : null,
    converged_fraction: samples.length > 0 ? round3(converged.length / samples.length) : null,
  };
}

/** Tip key of a node at height 0: every chain starts at the one genesis block. */
const _GENESIS = "\u0000genesis";

function _convergenceFromEvents(
  events: readonly RunEvent[],
  hosts: readonly string[],
  maxSamples: number,
): { source: "events"; samples: ConvergencePoint[] } {
  const height = new Map<string, number>();
  const tips = new Map<string, string>();
  for (const h of hosts) {
    height.set(h, 0);
    tips.set(h, _GENESIS);
  }
  const relevant = events.filter((e) =>
    e.event === "mined" || e.event === "block" || e.event === "height" || e.event === "reorg"
  );
  if (relevant.length === 0) return { source: "events", samples: [] };
  const t0 = relevant[0].ts;
  const t1 = relevant[relevant.length - 1].ts;
  const n = t1 > t0 ? maxSamples : 1;
  const samples: ConvergencePoint[] = [];
  let k = 0;
  for (let s = 0; s < n; s++) {
    const at = n === 1 ? t1 : t0 + ((t1 - t0) * s) / (n - 1);
    for (; k < relevant.length && relevant[k].ts <= at; k++) {
      const e = relevant[k];
      const cur = height.get(e.host) ?? -1;
      if (e.event === "height") {
        height.set(e.host, e.height);
        tips.set(e.host, e.height === 0 ? _GENESIS : e.top_hash);
      } else if (e.event === "reorg") {
        height.set(e.host, e.height);
      } else if (e.event === "mined" || e.event === "block") {
        if (e.height > cur) {
          height.set(e.host, e.height);
          tips.set(e.host, e.hash);
        }
      }
    }
    if (height.size === 0) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (const h of height.values()) {
      if (h < lo) lo = h;
      if (h > hi) hi = h;
    }
    samples.push({
      ts: round3(at),
      min_height: lo,
      max_height: hi,
      spread: hi - lo,
      tips: tips.size === height.size ? new Set(tips.values()).size : null,
    });
  }
  return { source: "events", samples };
}

/** Attack outcomes as recorded, and per kind how many ran and succeeded. */
export function attackSummary(events: readonly RunEvent[]): AnalysisReport["attacks"] {
  const outcomes: AnalysisReport["attacks"]["outcomes"] = [];
  for (const e of events) {
    if (e.event === "attack") {
      outcomes.push({ attack: e.attack, host: e.host, ts: e.ts, outcome: e.outcome });
    }
  }
  const of = (kind: string) => outcomes.filter((o) => o.attack === kind);
  const wins = (kind: string) => of(kind).filter((o) => o.outcome.success === true).length;
  // A double spend counts once it has a verdict (des and the attacker agent write one record).
  const ds = of("double_spend").filter((o) => typeof o.outcome.success === "boolean");
  // The local and Shadow attacker writes a "cut" record, then the outcome at the heal: count
  // each partition once, by its outcome.
  const parts = of("partition").filter((o) => o.outcome.phase !== "cut");
  // The local and Shadow attacker writes a "started" record, then the outcome when it stops.
  const eclipses = of("eclipse").filter((o) => o.outcome.phase !== "started");
  const forks = parts.map((p) => p.outcome.fork_length).filter((x): x is number =>
    typeof x === "number"
  );
  return {
    outcomes,
    double_spend: {
      runs: ds.length,
      successes: wins("double_spend"),
      success_rate: ds.length > 0 ? round3(wins("double_spend") / ds.length) : null,
    },
    eclipse: { runs: eclipses.length, successes: wins("eclipse") },
    partition: {
      runs: parts.length,
      max_fork_length: forks.length > 0 ? Math.max(...forks) : null,
      converged: parts.filter((p) => p.outcome.converged === true).length,
    },
    sybil: { runs: of("sybil").length, successes: wins("sybil") },
  };
}

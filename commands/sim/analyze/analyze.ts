/**
 * `hive sim analyze`: turn a run folder's RunEvent records (loaded by `analyze_load.ts`) into
 * metrics: block propagation delay to all nodes (p50/p90/p99), orphan and fork rate, reorg
 * depths, transaction confirmation latency, height convergence over time and attack outcomes.
 *
 * @module
 */
import { UsageError } from "../../../core/errors.ts";
import {
  type LineProblem,
  type LoadedRun,
  loadRun,
  type LoadRunOptions,
  type SourceInfo,
} from "./load.ts";
import { cdf, type Distribution, distribution, downsample, round3 } from "./stats.ts";
import type { RunEvent } from "../../../adapters/engine/types.ts";

/** A height-convergence sample. */
export interface ConvergencePoint {
  ts: number;
  min_height: number;
  max_height: number;
  spread: number;
  /** Distinct tips among reporting nodes, when known. */
  tips: number | null;
}

/** The metrics of a run. */
export interface AnalysisReport {
  dir: string;
  sources: SourceInfo[];
  problems: { count: number; first: LineProblem[] };
  nodes: number;
  events: number;
  time: { first_ts: number | null; last_ts: number | null };
  blocks: {
    known: number;
    mined: number;
    main_chain_height: number;
    orphaned: number;
    orphan_rate: number;
    fork_heights: number;
    fork_rate: number;
  };
  propagation: Distribution & {
    /** Where the delays came from. */
    source: "events" | "propagation.ndjson" | "none";
    /** Blocks whose full propagation could be measured, of those mined. */
    blocks_measured: number;
    blocks_total: number;
    /** CDF points [seconds, fraction of measured blocks], at most 200. */
    cdf: [number, number][];
    /** Time until 90 % of nodes had a block (robust when a few nodes never report). */
    to_90pct: Distribution;
  };
  reorgs: { count: number; max_depth: number; depths: Record<string, number> };
  transactions: {
    sent: number;
    confirmed: number;
    confirmation: Distribution;
    /** Sent until the first node published it (Dandelion++ stem time). */
    first_seen: Distribution;
  };
  convergence: {
    source: "events" | "convergence.ndjson" | "none";
    samples: ConvergencePoint[];
    final_spread: number | null;
    max_spread: number | null;
    /** Share of samples where every node had the same height (and tip, when known). */
    converged_fraction: number | null;
  };
  attacks: {
    outcomes: { attack: string; host: string; ts: number; outcome: Record<string, unknown> }[];
    double_spend: { runs: number; successes: number; success_rate: number | null };
    eclipse: { runs: number; successes: number };
    partition: { runs: number; max_fork_length: number | null; converged: number };
    sybil: { runs: number; successes: number };
  };
}

interface _Block {
  height: number;
  parent: string;
  minedTs: number | null;
  firstSeen: number;
}

/** Options for {@link analyzeLoadedRun}. */
export interface AnalyzeOptions {
  /** Height-convergence samples over the run. Default 200. */
  samples?: number;
}

/** Compute the metrics of a loaded run. */
export function analyzeLoadedRun(run: LoadedRun, options: AnalyzeOptions = {}): AnalysisReport {
  const events = run.events;
  const maxSamples = Math.max(2, options.samples ?? 200);
  // Blocks, from mined and receipt records.
  const blocks = new Map<string, _Block>();
  const nodeSet = new Set<string>();
  let hasReceipts = false;
  for (const e of events) {
    if (e.event === "mined" || e.event === "block") {
      nodeSet.add(e.host);
      const b = blocks.get(e.hash);
      if (!b) {
        blocks.set(e.hash, {
          height: e.height,
          parent: e.parent,
          minedTs: e.event === "mined" ? e.ts : null,
          firstSeen: e.ts,
        });
      } else if (e.event === "mined" && b.minedTs === null) b.minedTs = e.ts;
      if (e.event === "block") hasReceipts = true;
    } else if (e.event === "height") {
      nodeSet.add(e.host);
      hasReceipts = true;
    }
  }
  const nodes = run.hosts?.length ?? run.nodeCount ?? nodeSet.size;
  // Receipt time of each block at each host; holding a block implies holding its ancestors.
  const recv = new Map<string, Map<string, number>>();
  const receive = (hash: string, host: string, ts: number) => {
    let x: string | undefined = hash;
    for (let guard = 0; x !== undefined && guard < 100_000; guard++) {
      let m = recv.get(x);
      if (!m) {
        m = new Map();
        recv.set(x, m);
      }
      if (m.has(host)) break;
      m.set(host, ts);
      x = blocks.get(x)?.parent;
    }
  };
  for (const e of events) {
    if (e.event === "mined" || e.event === "block") receive(e.hash, e.host, e.ts);
    else if (e.event === "height" && blocks.has(e.top_hash)) receive(e.top_hash, e.host, e.ts);
  }
  // Main chain: highest block, earliest seen on ties.
  let tip: string | null = null;
  for (const [hash, b] of blocks) {
    const t = tip === null ? null : blocks.get(tip)!;
    if (t === null || b.height > t.height || (b.height === t.height && b.firstSeen < t.firstSeen)) {
      tip = hash;
    }
  }
  const main = new Set<string>();
  for (let x = tip; x !== null && blocks.has(x) && !main.has(x); x = blocks.get(x)!.parent) {
    main.add(x);
  }
  const perHeight = new Map<number, number>();
  let mined = 0;
  let orphaned = 0;
  for (const [hash, b] of blocks) {
    perHeight.set(b.height, (perHeight.get(b.height) ?? 0) + 1);
    if (b.minedTs !== null) {
      mined++;
      if (!main.has(hash)) orphaned++;
    }
  }
  const mainHeight = tip === null ? 0 : blocks.get(tip)!.height;
  const forkHeights = [...perHeight.values()].filter((c) => c > 1).length;
  // Propagation delay until every node had the block.
  let delays: number[] = [];
  let delays90: number[] = [];
  let source: AnalysisReport["propagation"]["source"] = "none";
  let measured = 0;
  let total = 0;
  const need90 = Math.max(1, Math.ceil(nodes * 0.9));
  if (hasReceipts) {
    source = "events";
    for (const [hash, b] of blocks) {
      if (b.minedTs === null) continue;
      total++;
      const m = recv.get(hash);
      if (!m) continue;
      if (m.size >= need90) {
        const times = [...m.values()].sort((x, y) => x - y);
        delays90.push(Math.max(0, times[need90 - 1] - b.minedTs));
      }
      if (m.size < nodes) continue;
      let last = b.minedTs;
      for (const ts of m.values()) if (ts > last) last = ts;
      delays.push(last - b.minedTs);
      measured++;
    }
  } else if (run.propagation.length > 0) {
    source = "propagation.ndjson";
    total = run.propagation.length;
    delays = run.propagation.filter((p) => p.t100_s !== null).map((p) => p.t100_s as number);
    delays90 = run.propagation.filter((p) => p.t90_s !== null).map((p) => p.t90_s as number);
    measured = delays.length;
  }
  // Reorgs.
  const depths: Record<string, number> = {};
  let reorgs = 0;
  let maxDepth = 0;
  for (const e of events) {
    if (e.event !== "reorg") continue;
    reorgs++;
    depths[String(e.depth)] = (depths[String(e.depth)] ?? 0) + 1;
    if (e.depth > maxDepth) maxDepth = e.depth;
  }
  // Transactions.
  const sent = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  const confirmed = new Map<string, number>();
  for (const e of events) {
    if (e.event === "tx_sent" && !sent.has(e.txid)) sent.set(e.txid, e.ts);
    else if (e.event === "tx_seen" && !firstSeen.has(e.txid)) firstSeen.set(e.txid, e.ts);
    else if (e.event === "tx_confirmed" && !confirmed.has(e.txid)) confirmed.set(e.txid, e.ts);
  }
  const confLatency: number[] = [];
  for (const [txid, ts] of confirmed) {
    const s = sent.get(txid);
    if (s !== undefined && ts >= s) confLatency.push(ts - s);
  }
  const seenLatency: number[] = [];
  for (const [txid, ts] of firstSeen) {
    const s = sent.get(txid);
    if (s !== undefined && ts >= s) seenLatency.push(ts - s);
  }
  // Height convergence.
  const convergence = hasReceipts
    ? _convergenceFromEvents(events, maxSamples)
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
    dir: run.dir,
    sources: run.sources,
    problems: { count: run.problemCount, first: run.problems },
    nodes,
    events: events.length,
    time: {
      first_ts: events.length > 0 ? events[0].ts : null,
      last_ts: events.length > 0 ? events[events.length - 1].ts : null,
    },
    blocks: {
      known: blocks.size,
      mined,
      main_chain_height: mainHeight,
      orphaned,
      orphan_rate: mined > 0 ? round3(orphaned / mined) : 0,
      fork_heights: forkHeights,
      fork_rate: mainHeight > 0 ? round3(forkHeights / mainHeight) : 0,
    },
    propagation: {
      source,
      blocks_measured: measured,
      blocks_total: total,
      ...distribution(delays),
      cdf: cdf(delays),
      to_90pct: distribution(delays90),
    },
    reorgs: { count: reorgs, max_depth: maxDepth, depths },
    transactions: {
      sent: sent.size,
      confirmed: confLatency.length,
      confirmation: distribution(confLatency),
      first_seen: distribution(seenLatency),
    },
    convergence: {
      source: convergence.source,
      samples,
      final_spread: last ? last.spread : null,
      max_spread: samples.length > 0 ? Math.max(...samples.map((s) => s.spread)) : null,
      converged_fraction: samples.length > 0 ? round3(converged.length / samples.length) : null,
    },
    attacks: _attackSummary(events),
  };
}

function _convergenceFromEvents(
  events: readonly RunEvent[],
  maxSamples: number,
): { source: "events"; samples: ConvergencePoint[] } {
  const height = new Map<string, number>();
  const tips = new Map<string, string>();
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
        tips.set(e.host, e.top_hash);
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

function _attackSummary(events: readonly RunEvent[]): AnalysisReport["attacks"] {
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
  const parts = of("partition");
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
    eclipse: { runs: of("eclipse").length, successes: wins("eclipse") },
    partition: {
      runs: parts.length,
      max_fork_length: forks.length > 0 ? Math.max(...forks) : null,
      converged: parts.filter((p) => p.outcome.converged === true).length,
    },
    sybil: { runs: of("sybil").length, successes: wins("sybil") },
  };
}

/**
 * Load and analyse a run folder. Throws UsageError (exit 2) when the folder is missing or holds
 * no events at all.
 */
export async function analyzeRun(
  options: LoadRunOptions & AnalyzeOptions,
): Promise<AnalysisReport> {
  const run = await loadRun(options);
  if (run.events.length === 0 && run.propagation.length === 0) {
    const bad = run.problemCount > 0 ? ` (${run.problemCount} bad lines skipped)` : "";
    throw new UsageError(
      `no run events in ${JSON.stringify(options.dir)}${bad}: looked for events.ndjson, ` +
        "hosts/<host>/*.ndjson and shadow.data/hosts/<host>/*.stdout",
      { code: "no_events" },
    );
  }
  return analyzeLoadedRun(run, options);
}

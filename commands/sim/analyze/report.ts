/**
 * The shape of `hive sim analyze`'s report, shared by the steps that fill it, the text
 * rendering and the plot.
 *
 * @module
 */
import type { LineProblem, SourceInfo } from "./load.ts";
import type { Distribution } from "./stats.ts";
import type { RunInfo } from "./run_info.ts";
import type { NodeValidation } from "./validation.ts";

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
  /** How the run went (engine, outcome, time scale, links), when the folder records it. */
  run: RunInfo | null;
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
    /** Transfers the wallet refused, and how many for each reason. */
    failed: number;
    failed_by_reason: Record<string, number>;
  };
  convergence: {
    source: "events" | "convergence.ndjson" | "none";
    samples: ConvergencePoint[];
    final_spread: number | null;
    max_spread: number | null;
    /** Share of samples where every node had the same height (and tip, when known). */
    converged_fraction: number | null;
  };
  /**
   * Local runs: how long the real nodes took from a block's first notice to adding it (their
   * monerod logs), and the `des.validation` that matches; null for other engines.
   */
  node_validation: NodeValidation | null;
  /** Check verdicts: the last of each check, a failure never replaced by a later pass. */
  checks: { check: string; pass: boolean; detail: string; ts: number }[];
  attacks: {
    outcomes: { attack: string; host: string; ts: number; outcome: Record<string, unknown> }[];
    double_spend: { runs: number; successes: number; success_rate: number | null };
    eclipse: { runs: number; successes: number };
    partition: { runs: number; max_fork_length: number | null; converged: number };
    sybil: { runs: number; successes: number };
  };
}

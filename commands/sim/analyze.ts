/**
 * `hive sim analyze`: read a run folder from any engine and turn its RunEvent records into
 * metrics: block propagation delay to all nodes (p50/p90/p99), orphan and fork rate, reorg
 * depths, transaction confirmation latency, height convergence over time and attack outcomes.
 *
 * Every line is validated; bad lines are collected with `file:line` and skipped, never fatal.
 *
 * Where events come from:
 * - `DIR/events.ndjson` (des engine; any engine may write it);
 * - `DIR/hosts/<host>/*.ndjson` (local engine: monitor, miner and other agents);
 * - `DIR/shadow.data/hosts/<host>/*.stdout` (Shadow: agents print RunEvent NDJSON to stdout;
 *   lines that do not start with `{` are other program output and are counted, not reported).
 *
 * The des engine's aggregates `propagation.ndjson` and `convergence.ndjson` are read too, for
 * runs made without per-node receipt events.
 *
 * @module
 */
import { z } from "zod";
import { formatIssues, UsageError } from "../../core/errors.ts";
import type { RunEvent } from "./model.ts";

const _ts = z.number().finite().nonnegative();
const _host = z.string().min(1);
const _height = z.int().nonnegative();
const _hash = z.string().min(1);

/** Schema of one {@link RunEvent} line. */
export const runEventSchema = z.discriminatedUnion("event", [
  z.object({
    ts: _ts,
    host: _host,
    event: z.literal("mined"),
    height: _height,
    hash: _hash,
    parent: _hash,
  }),
  z.object({
    ts: _ts,
    host: _host,
    event: z.literal("block"),
    height: _height,
    hash: _hash,
    parent: _hash,
  }),
  z.object({
    ts: _ts,
    host: _host,
    event: z.literal("height"),
    height: _height,
    top_hash: _hash,
    peers: z.int().nonnegative(),
  }),
  z.object({
    ts: _ts,
    host: _host,
    event: z.literal("reorg"),
    depth: z.int().positive(),
    height: _height,
  }),
  z.object({
    ts: _ts,
    host: _host,
    event: z.literal("tx_sent"),
    txid: _hash,
    amount: z.number().finite(),
  }),
  z.object({ ts: _ts, host: _host, event: z.literal("tx_seen"), txid: _hash }),
  z.object({
    ts: _ts,
    host: _host,
    event: z.literal("tx_confirmed"),
    txid: _hash,
    height: _height,
  }),
  z.object({
    ts: _ts,
    host: _host,
    event: z.literal("attack"),
    attack: z.enum(["sybil", "eclipse", "partition", "double_spend"]),
    outcome: z.record(z.string(), z.unknown()),
  }),
], {
  error: "expected a RunEvent with event one of mined, block, height, reorg, tx_sent, " +
    "tx_seen, tx_confirmed, attack",
});

const _nullableSeconds = z.number().finite().nonnegative().nullable();

/** Schema of a des `propagation.ndjson` line. */
export const propagationRecordSchema = z.object({
  hash: _hash,
  height: _height,
  miner: _host,
  mined_ts: _ts,
  reached: z.int().nonnegative(),
  nodes: z.int().positive(),
  t50_s: _nullableSeconds,
  t90_s: _nullableSeconds,
  t100_s: _nullableSeconds,
});

/** Schema of a des `convergence.ndjson` line. */
export const convergenceSampleSchema = z.object({
  ts: _ts,
  min_height: _height,
  max_height: _height,
  tips: z.int().nonnegative(),
});

/** A des propagation aggregate line. */
export type PropagationRecord = z.output<typeof propagationRecordSchema>;
/** A des convergence sample line. */
export type ConvergenceSample = z.output<typeof convergenceSampleSchema>;

/** A line that was skipped. */
export interface LineProblem {
  file: string;
  line: number;
  message: string;
}

/** One file read. */
export interface SourceInfo {
  file: string;
  kind: "events" | "host_log" | "shadow_stdout" | "propagation" | "convergence";
  lines: number;
  records: number;
  bad: number;
  /** Non-JSON program output (Shadow stdout only). */
  ignored: number;
}

/** Everything read from a run folder. */
export interface LoadedRun {
  dir: string;
  sources: SourceInfo[];
  events: RunEvent[];
  /** First problems (at most `maxProblems`); `problemCount` has them all. */
  problems: LineProblem[];
  problemCount: number;
  propagation: PropagationRecord[];
  convergence: ConvergenceSample[];
  /** Host names from `summary.json` when an engine wrote them. */
  hosts: string[] | null;
  /** Node count from `summary.json` when given without names. */
  nodeCount: number | null;
}

/** Options for {@link loadRun}. */
export interface LoadRunOptions {
  /** Run folder. */
  dir: string;
  /** Problems kept in detail (all are counted). Default 100. */
  maxProblems?: number;
}

async function _isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function _listFiles(dir: string, suffix: string): Promise<string[]> {
  if (!(await _isDir(dir))) return [];
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(suffix)) out.push(`${dir}/${entry.name}`);
  }
  return out.sort();
}

async function _hostFiles(base: string, suffix: string): Promise<string[]> {
  if (!(await _isDir(base))) return [];
  const hosts: string[] = [];
  for await (const entry of Deno.readDir(base)) if (entry.isDirectory) hosts.push(entry.name);
  const files: string[] = [];
  for (const h of hosts.sort()) files.push(...(await _listFiles(`${base}/${h}`, suffix)));
  return files;
}

async function _exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

class _Reader {
  readonly problems: LineProblem[] = [];
  problemCount = 0;
  readonly #max: number;
  readonly #dir: string;

  constructor(dir: string, max: number) {
    this.#dir = dir;
    this.#max = max;
  }

  problem(file: string, line: number, message: string): void {
    this.problemCount++;
    if (this.problems.length < this.#max) {
      const rel = file.startsWith(this.#dir + "/") ? file.slice(this.#dir.length + 1) : file;
      this.problems.push({ file: rel, line, message });
    }
  }

  async read<T>(
    file: string,
    kind: SourceInfo["kind"],
    schema: z.ZodType<T>,
    into: T[],
  ): Promise<SourceInfo> {
    const text = await Deno.readTextFile(file);
    const info: SourceInfo = {
      file: file.startsWith(this.#dir + "/") ? file.slice(this.#dir.length + 1) : file,
      kind,
      lines: 0,
      records: 0,
      bad: 0,
      ignored: 0,
    };
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i].trim();
      if (raw === "") continue;
      info.lines++;
      if (kind === "shadow_stdout" && !raw.startsWith("{")) {
        info.ignored++;
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        info.bad++;
        this.problem(file, i + 1, `not JSON: ${raw.length > 60 ? raw.slice(0, 57) + "..." : raw}`);
        continue;
      }
      const parsed = schema.safeParse(data, { reportInput: true });
      if (!parsed.success) {
        info.bad++;
        this.problem(file, i + 1, formatIssues(parsed.error.issues).join("; "));
        continue;
      }
      into.push(parsed.data);
      info.records++;
    }
    return info;
  }
}

// Only the des engine's summary names the hosts; other engines' summaries are not read.
const _summarySchema = z.object({
  engine: z.literal("des"),
  hosts: z.array(z.string().min(1)).optional(),
  nodes: z.int().positive().optional(),
}).loose();

/** Read every event source in a run folder. Throws UsageError when the folder is missing. */
export async function loadRun(options: LoadRunOptions): Promise<LoadedRun> {
  const dir = options.dir.replace(/\/+$/, "") || "/";
  if (!(await _isDir(dir))) {
    throw new UsageError(`DIR: ${JSON.stringify(options.dir)} is not a folder`, {
      code: "not_found",
    });
  }
  const reader = new _Reader(dir, options.maxProblems ?? 100);
  const events: RunEvent[] = [];
  const propagation: PropagationRecord[] = [];
  const convergence: ConvergenceSample[] = [];
  const sources: SourceInfo[] = [];
  const eventSchema = runEventSchema as unknown as z.ZodType<RunEvent>;
  if (await _exists(`${dir}/events.ndjson`)) {
    sources.push(await reader.read(`${dir}/events.ndjson`, "events", eventSchema, events));
  }
  for (const f of await _hostFiles(`${dir}/hosts`, ".ndjson")) {
    sources.push(await reader.read(f, "host_log", eventSchema, events));
  }
  for (const f of await _hostFiles(`${dir}/shadow.data/hosts`, ".stdout")) {
    sources.push(await reader.read(f, "shadow_stdout", eventSchema, events));
  }
  if (await _exists(`${dir}/propagation.ndjson`)) {
    sources.push(
      await reader.read(
        `${dir}/propagation.ndjson`,
        "propagation",
        propagationRecordSchema,
        propagation,
      ),
    );
  }
  if (await _exists(`${dir}/convergence.ndjson`)) {
    sources.push(
      await reader.read(
        `${dir}/convergence.ndjson`,
        "convergence",
        convergenceSampleSchema,
        convergence,
      ),
    );
  }
  let hosts: string[] | null = null;
  let nodeCount: number | null = null;
  if (await _exists(`${dir}/summary.json`)) {
    let data: unknown = null;
    try {
      data = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    } catch {
      reader.problem(`${dir}/summary.json`, 1, "not JSON");
    }
    const parsed = _summarySchema.safeParse(data);
    if (parsed.success) {
      hosts = parsed.data.hosts ?? null;
      nodeCount = parsed.data.nodes ?? null;
    }
  }
  // Sources are read in a fixed order; a stable sort by time keeps ties in that order.
  events.sort((a, b) => a.ts - b.ts);
  return {
    dir,
    sources,
    events,
    problems: reader.problems,
    problemCount: reader.problemCount,
    propagation,
    convergence,
    hosts,
    nodeCount,
  };
}

// --- analysis -----------------------------------------------------------------------------------

/** Percentile summary of a list of seconds. */
export interface Distribution {
  count: number;
  p50_s: number | null;
  p90_s: number | null;
  p99_s: number | null;
  mean_s: number | null;
  max_s: number | null;
}

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

const _r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** p50/p90/p99/mean/max of values (seconds). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const r = (x: number | null) => (x === null ? null : _r3(x));
  return {
    count: n,
    p50_s: r(percentile(sorted, 50)),
    p90_s: r(percentile(sorted, 90)),
    p99_s: r(percentile(sorted, 99)),
    mean_s: n > 0 ? _r3(sorted.reduce((a, b) => a + b, 0) / n) : null,
    max_s: n > 0 ? _r3(sorted[n - 1]) : null,
  };
}

function _cdf(values: readonly number[], points = 200): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(n / points));
  const out: [number, number][] = [];
  for (let i = step - 1; i < n; i += step) out.push([_r3(sorted[i]), _r3((i + 1) / n)]);
  if (out[out.length - 1][1] !== 1) out.push([_r3(sorted[n - 1]), 1]);
  return out;
}

interface _Block {
  height: number;
  parent: string;
  minedTs: number | null;
  firstSeen: number;
}

function _downsample<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const step = (xs.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(xs[Math.round(i * step)]);
  return out;
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
      samples: _downsample(run.convergence, maxSamples).map((s) => ({
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
      orphan_rate: mined > 0 ? _r3(orphaned / mined) : 0,
      fork_heights: forkHeights,
      fork_rate: mainHeight > 0 ? _r3(forkHeights / mainHeight) : 0,
    },
    propagation: {
      source,
      blocks_measured: measured,
      blocks_total: total,
      ...distribution(delays),
      cdf: _cdf(delays),
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
      converged_fraction: samples.length > 0 ? _r3(converged.length / samples.length) : null,
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
      ts: _r3(at),
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
      success_rate: ds.length > 0 ? _r3(wins("double_spend") / ds.length) : null,
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

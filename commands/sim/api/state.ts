/**
 * What the orchestrator API knows about one run, live or finished: the numbered event log (for
 * `/api/events` and the event stream) and the aggregates the status, agents, metrics and the
 * dashboard read (heights per node, forks and reorgs, transactions, propagation delays, check
 * results). Every engine feeds it the same {@link RunEvent}s, so a finished run read back from
 * its folder (`hive sim serve`) shows what the live run showed.
 *
 * Memory is bounded: the log keeps the newest {@link RunStateOptions.maxEvents} lines, and each
 * time series is halved (every other point dropped) when it grows past its cap.
 *
 * @module
 */
import type { EngineProgress, RunEvent } from "../../../adapters/engine/types.ts";
import { EventLog } from "./event_log.ts";

/** An attack's time window, for shading. `endS` null: until the end of the run. */
export interface AttackWindow {
  kind: string;
  label: string;
  startS: number;
  endS: number | null;
}

/** A check's outcome, from a `check` event. */
export interface CheckResult {
  check: string;
  pass: boolean;
  detail: string;
  ts: number;
}

/** Facts about the run that do not come from events (`hive_run.json` in the run folder). */
export interface RunMeta {
  engine: string;
  scenario: string;
  seed: number;
  version: string;
  stopTimeS: number;
  hosts: { name: string; kind: string }[];
  attacks: AttackWindow[];
  /** How the run ended (written when it has): a folder may hold a run stopped early. */
  outcome?: "finished" | "interrupted" | "failed";
  /** Simulated seconds the run covered, once over. */
  simulatedS?: number;
}

/** Counters per host, from its events. */
export interface HostCounters {
  mined: number;
  blocks: number;
  reorgs: number;
  tx_sent: number;
  tx_confirmed: number;
}

interface _Host {
  height: number | null;
  lastTs: number | null;
  counters: HostCounters;
  /** Height steps `[ts, height]` while the host is one of the shown ones. */
  series: [number, number][] | null;
}

/** A point of the fork/reorg timeline. */
export interface ForkPoint {
  ts: number;
  kind: "fork" | "reorg";
  height: number;
  depth: number;
  host: string;
}

/** Options for {@link RunState}. */
export interface RunStateOptions {
  /** Event lines kept for `/api/events` (older ones are dropped). Default 200,000. */
  maxEvents?: number;
  /** Hosts whose own height line is drawn (others count in min/max). Default 12. */
  shownHosts?: number;
  /** Points per series before it is halved. Default 4,000. */
  maxPoints?: number;
}

/**
 * Told that events up to `lastSeq` exist (it reads what it wants with `eventsSince`), or with
 * `over` that the run has ended.
 */
export type EventListener = (lastSeq: number, over: boolean) => void;

const _EMPTY_COUNTERS = (): HostCounters => ({
  mined: 0,
  blocks: 0,
  reorgs: 0,
  tx_sent: 0,
  tx_confirmed: 0,
});

function _push<T>(series: T[], point: T, max: number): void {
  series.push(point);
  // Keep the first and the newest points; drop every other one in between.
  if (series.length > max) {
    const kept = series.filter((_, i) => i % 2 === 0 || i === series.length - 1);
    series.length = 0;
    series.push(...kept);
  }
}

/** Quantile of sorted values (nearest rank), or null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The API's view of one run. */
export class RunState {
  readonly meta: RunMeta;
  readonly #maxPoints: number;
  readonly #log: EventLog;
  /** The newest sequence number handed to the listeners. */
  #sent = 0;
  readonly #listeners = new Set<EventListener>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #hosts = new Map<string, _Host>();
  #shownLeft: number;
  /** Hashes seen per height: a second hash at a height is a fork. */
  readonly #hashesAt = new Map<number, Set<string>>();
  readonly #minedAt = new Map<string, number>();
  readonly #received = new Map<string, Set<string>>();
  /** Seconds from mining to each node's first receipt, (block, node) pairs. */
  readonly #delays: number[] = [];
  #delaysSorted = true;
  readonly forks: ForkPoint[] = [];
  forkCount = 0;
  reorgCount = 0;
  maxReorgDepth = 0;
  readonly reorgDepths = new Map<number, number>();
  blocksMined = 0;
  readonly #txSent = new Set<string>();
  readonly #txConfirmed = new Set<string>();
  readonly txSeries: [number, number, number][] = [];
  readonly maxSeries: [number, number][] = [];
  readonly checks: CheckResult[] = [];
  /** Latest simulated time in an event. */
  lastTs = 0;
  progress: EngineProgress | null = null;
  /** When the current progress phase began (its ETA counts from there). */
  phaseStartedWall = performance.now();
  readonly startedWall = performance.now();
  finishedWall: number | null = null;
  /** Why the run ended, once it has. */
  outcome: "finished" | "interrupted" | "failed" | null = null;
  /** The engine's block-propagation aggregates (t50/t90/t100), for runs without receipts. */
  propagationT90: number[] = [];

  constructor(meta: RunMeta, options: RunStateOptions = {}) {
    this.meta = meta;
    this.#log = new EventLog(options.maxEvents ?? 200_000);
    this.#maxPoints = options.maxPoints ?? 4_000;
    this.#shownLeft = options.shownHosts ?? 12;
    for (const h of meta.hosts) this.#host(h.name);
  }

  /** Sequence number of the newest event (0 before any). */
  get lastSeq(): number {
    return this.#log.last;
  }

  /** Sequence number of the oldest event still kept. */
  get firstSeq(): number {
    return this.#log.first;
  }

  #host(name: string): _Host {
    let h = this.#hosts.get(name);
    if (!h) {
      const shown = this.#shownLeft > 0;
      if (shown) this.#shownLeft--;
      h = { height: null, lastTs: null, counters: _EMPTY_COUNTERS(), series: shown ? [] : null };
      this.#hosts.set(name, h);
    }
    return h;
  }

  /** Draw this host's own height line from now on (a commanded agent, say). */
  show(name: string): void {
    const h = this.#host(name);
    if (h.series === null) {
      h.series = h.height === null ? [] : [[this.lastTs, h.height]];
    }
  }

  /** Record one event; `line` is its JSON text when the engine already has it. */
  record(event: RunEvent, line?: string): void {
    this.#log.append(line ?? JSON.stringify(event));
    if (this.#listeners.size > 0) this.#flushTimer ??= setTimeout(() => this.flush(), 200);
    this.#apply(event);
  }

  /**
   * The newest `lines` recorded events as the engine wrote them to its events file (UTF-8,
   * one per line): the log keeps these bytes instead of encoding the lines again.
   */
  adopt(bytes: Uint8Array, lines: number): void {
    this.#log.adopt(bytes, lines);
  }

  #apply(e: RunEvent): void {
    if (e.ts > this.lastTs) this.lastTs = e.ts;
    // Most events of a big run are per-node tx receipts that change no aggregate: skip them
    // before any lookup (a DES run makes hundreds of thousands a second).
    if (e.event === "tx_seen") return;
    const h = this.#host(e.host);
    h.lastTs = e.ts;
    switch (e.event) {
      case "mined":
        this.blocksMined++;
        h.counters.mined++;
        this.#minedAt.set(e.hash, e.ts);
        this.#sawBlock(e.hash, e.height, e.ts, e.host);
        this.#height(h, e.height, e.ts, true);
        break;
      case "block": {
        h.counters.blocks++;
        this.#sawBlock(e.hash, e.height, e.ts, e.host);
        const mined = this.#minedAt.get(e.hash);
        let got = this.#received.get(e.hash);
        if (!got) this.#received.set(e.hash, got = new Set());
        if (mined !== undefined && !got.has(e.host)) {
          got.add(e.host);
          this.#delays.push(Math.max(0, e.ts - mined));
          this.#delaysSorted = false;
        }
        this.#height(h, e.height, e.ts, true);
        break;
      }
      case "height":
        this.#height(h, e.height, e.ts, false);
        break;
      case "reorg":
        this.reorgCount++;
        h.counters.reorgs++;
        this.maxReorgDepth = Math.max(this.maxReorgDepth, e.depth);
        this.reorgDepths.set(e.depth, (this.reorgDepths.get(e.depth) ?? 0) + 1);
        _push(
          this.forks,
          { ts: e.ts, kind: "reorg", height: e.height, depth: e.depth, host: e.host },
          this.#maxPoints,
        );
        break;
      case "tx_sent":
        h.counters.tx_sent++;
        this.#txSent.add(e.txid);
        this.#txPoint(e.ts);
        break;
      case "tx_confirmed":
        if (!this.#txConfirmed.has(e.txid)) {
          h.counters.tx_confirmed++;
          this.#txConfirmed.add(e.txid);
          this.#txPoint(e.ts);
        }
        break;
      case "agent":
        this.show(e.host);
        break;
      case "check": {
        const at = this.checks.findIndex((c) => c.check === e.check);
        const result = { check: e.check, pass: e.pass, detail: e.detail, ts: e.ts };
        // A check's later verdict replaces its earlier one; a failure is never replaced by a pass.
        if (at < 0) this.checks.push(result);
        else if (this.checks[at].pass) this.checks[at] = result;
        break;
      }
      default:
        break;
    }
  }

  #sawBlock(hash: string, height: number, ts: number, host: string): void {
    let hashes = this.#hashesAt.get(height);
    if (!hashes) this.#hashesAt.set(height, hashes = new Set());
    if (hashes.has(hash)) return;
    hashes.add(hash);
    if (hashes.size > 1) {
      this.forkCount++;
      _push(this.forks, { ts, kind: "fork", height, depth: 0, host }, this.#maxPoints);
    }
  }

  #height(h: _Host, height: number, ts: number, atLeast: boolean): void {
    // A received block only raises the height (greatest height wins); a `height` sample is
    // the node's own word.
    const next = atLeast && h.height !== null ? Math.max(h.height, height) : height;
    if (next === h.height) return;
    h.height = next;
    if (h.series) _push(h.series, [ts, next], this.#maxPoints);
    const top = this.maxSeries.at(-1)?.[1] ?? -1;
    if (next > top) _push(this.maxSeries, [ts, next], this.#maxPoints);
  }

  #txPoint(ts: number): void {
    _push(this.txSeries, [ts, this.#txSent.size, this.#txConfirmed.size], this.#maxPoints);
  }

  /** Number of distinct transactions sent and confirmed. */
  get tx(): { sent: number; confirmed: number } {
    return { sent: this.#txSent.size, confirmed: this.#txConfirmed.size };
  }

  /** Known heights: min and max over hosts that reported one. */
  heights(): { min: number | null; max: number | null } {
    let min: number | null = null;
    let max: number | null = null;
    for (const h of this.#hosts.values()) {
      if (h.height === null) continue;
      min = min === null ? h.height : Math.min(min, h.height);
      max = max === null ? h.height : Math.max(max, h.height);
    }
    return { min, max };
  }

  /** One host's height, last event time and counters. */
  hostInfo(
    name: string,
  ): { height: number | null; lastTs: number | null; counters: HostCounters } | null {
    const h = this.#hosts.get(name);
    return h ? { height: h.height, lastTs: h.lastTs, counters: { ...h.counters } } : null;
  }

  /** Host names in the order first seen (model order first). */
  hostNames(): string[] {
    return [...this.#hosts.keys()];
  }

  /** Propagation delays (seconds) in ascending order; the engine's t90s when no receipts. */
  delays(): number[] {
    if (!this.#delaysSorted) {
      this.#delays.sort((a, b) => a - b);
      this.#delaysSorted = true;
    }
    return this.#delays.length > 0 ? this.#delays : this.propagationT90;
  }

  /** What the delays are: per-node receipts or per-block t90 aggregates. */
  get delayKind(): "receipt" | "block_t90" {
    return this.#delays.length > 0 ? "receipt" : "block_t90";
  }

  /** Height series of the shown hosts. */
  heightSeries(): { host: string; points: [number, number][] }[] {
    const out: { host: string; points: [number, number][] }[] = [];
    for (const [host, h] of this.#hosts) if (h.series) out.push({ host, points: h.series });
    return out;
  }

  /** Event lines after `since` (at most `limit`), oldest first. */
  eventsSince(since: number, limit: number): string[] {
    return this.#log.since(since, limit);
  }

  /** Listeners now (event-stream clients). */
  get listening(): number {
    return this.#listeners.size;
  }

  /** Be told of new events at most five times a second; returns the unsubscribe. */
  listen(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Hand the pending lines to the listeners now. */
  flush(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const last = this.#log.last;
    if (last === this.#sent) return;
    this.#sent = last;
    for (const listener of this.#listeners) listener(last, false);
  }

  /** Mark the run over; listeners get the last lines and a final empty batch. */
  end(outcome: "finished" | "interrupted" | "failed"): void {
    this.outcome = outcome;
    this.finishedWall = performance.now();
    this.flush();
    for (const listener of [...this.#listeners]) listener(this.#log.last, true);
  }

  /** Stop timers (tests, shutdown). */
  close(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#listeners.clear();
  }
}

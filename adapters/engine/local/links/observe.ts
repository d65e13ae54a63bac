/**
 * What the links did to blocks, read back from the nodes' own logs: monerod writes a line
 * with a millisecond timestamp when it adds a block to its main chain (`+++++ BLOCK
 * SUCCESSFULLY ADDED`) or to an alternative chain (`BLOCK ADDED AS ALTERNATIVE`), each
 * followed by the block's `id:`. From each node's first arrival of each block this module
 * computes the same aggregates as the DES (`propagation.ndjson`: seconds until 50 %, 90 %,
 * 100 % of nodes had the block; orphans: blocks off the final main chain), so the two engines
 * can be compared on one scenario.
 *
 * @module
 */
import { LineSplitter } from "../../../../core/line_splitter.ts";

/** One block a node added, when (ms since the epoch, from the log's clock) and how. */
export interface BlockArrival {
  hash: string;
  ms: number;
  /** Height when the log says it (main-chain adds). */
  height?: number;
  main: boolean;
  /** A peer's `NOTIFY_NEW_FLUFFY_BLOCK` came in (the block reached the node, not yet added). */
  received?: boolean;
}

const _TIME = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/;
const _ID = /\bid:\s*<([0-9a-f]{64})>/;
const _HEIGHT = /\bHEIGHT (\d+)/;
const _NOTIFY = /Received NOTIFY_NEW_(?:FLUFFY_)?BLOCK <([0-9a-f]{64})>/;

function _ms(t: RegExpExecArray): number {
  return Date.UTC(+t[1], +t[2] - 1, +t[3], +t[4], +t[5], +t[6], +t[7]);
}

/**
 * Reads a monerod log one line at a time into block arrivals (notices and adds), in log order:
 * memory grows with the blocks the log names, never with the log's size.
 */
export class BlockArrivalReader {
  /** Arrivals so far. */
  readonly arrivals: BlockArrival[] = [];
  #pending: { ms: number; main: boolean; height?: number } | null = null;
  #last: BlockArrival | null = null;

  /** Take one line of the log. */
  line(line: string): void {
    const notify = line.includes("Received NOTIFY_NEW") ? _NOTIFY.exec(line) : null;
    const at = notify ? _TIME.exec(line) : null;
    if (notify && at) {
      this.arrivals.push({ hash: _detach(notify[1]), ms: _ms(at), main: false, received: true });
      return;
    }
    if (line.includes("BLOCK SUCCESSFULLY ADDED") || line.includes("BLOCK ADDED AS ALTERNATIVE")) {
      const t = _TIME.exec(line);
      if (!t) return;
      this.#pending = { ms: _ms(t), main: line.includes("SUCCESSFULLY") };
      const h = _HEIGHT.exec(line); // the alternative line names its height itself
      if (h) this.#pending.height = +h[1];
      this.#last = null;
      return;
    }
    const pending = this.#pending;
    const id = pending ? _ID.exec(line) : null;
    if (id && pending) {
      this.#last = { hash: _detach(id[1]), ...pending };
      this.arrivals.push(this.#last);
      this.#pending = null;
      return;
    }
    const last = this.#last;
    const h = last && last.height === undefined ? _HEIGHT.exec(line) : null;
    if (h && last) last.height = +h[1];
  }
}

/**
 * A copy of a matched part of a line that keeps neither the line nor the read chunk it was cut
 * from alive: V8 gives a substring its parent's memory, so every hash kept would hold a chunk of
 * the log.
 */
function _detach(s: string): string {
  return Array.from(s).join("");
}

/** Every block add in one monerod log, in log order. */
export function parseBlockArrivals(log: string): BlockArrival[] {
  const reader = new BlockArrivalReader();
  for (const line of log.split("\n")) reader.line(line);
  return reader.arrivals;
}

/** The main chain a node ended with (height -> hash), from its arrivals in order. */
export function finalMainChain(arrivals: readonly BlockArrival[]): Map<number, string> {
  const chain = new Map<number, string>();
  for (const a of arrivals) {
    if (!a.main || a.height === undefined) continue;
    // A block added at height h replaces h and drops every block above it (a reorg re-adds).
    for (const k of [...chain.keys()]) if (k > a.height) chain.delete(k);
    chain.set(a.height, a.hash);
  }
  return chain;
}

/** One block's spread, in the DES's `propagation.ndjson` terms (seconds). */
export interface ObservedPropagation {
  hash: string;
  /** The node that had it first (its miner). */
  origin: string;
  reached: number;
  nodes: number;
  t50_s: number | null;
  t90_s: number | null;
  t100_s: number | null;
}

/** What {@link observeBlocks} finds over a run. */
export interface ObservedBlocks {
  blocks: ObservedPropagation[];
  /** Distinct blocks seen (genesis excluded). */
  mined: number;
  /** Of those, blocks off the final main chain of the node with the longest chain. */
  orphaned: number;
}

/**
 * Per-block propagation and orphans over every node's arrivals (`byHost`: host -> arrivals).
 * Blocks first seen before `sinceMs` (set-up blocks) are left out. A node has a block from
 * its first notice of it (`at: "first"`, default: received from a peer or added), or only once
 * it added it (`at: "added"`: after validation, which a loaded machine stretches).
 */
export function observeBlocks(
  byHost: Record<string, readonly BlockArrival[]>,
  sinceMs = -Infinity,
  options: { at?: "first" | "added" } = {},
): ObservedBlocks {
  const addedOnly = options.at === "added";
  const hosts = Object.keys(byHost);
  const n = hosts.length;
  const first = new Map<string, Map<string, number>>(); // hash -> host -> ms
  for (const host of hosts) {
    for (const a of byHost[host]) {
      if (a.height === 0) continue; // genesis: each node writes it at its own start
      if (addedOnly && a.received) continue;
      let m = first.get(a.hash);
      if (!m) first.set(a.hash, m = new Map());
      if (!m.has(host)) m.set(host, a.ms);
    }
  }
  let best = new Map<number, string>();
  for (const host of hosts) {
    const chain = finalMainChain(byHost[host]);
    if (chain.size > best.size) best = chain;
  }
  const main = new Set(best.values());
  const blocks: ObservedPropagation[] = [];
  let orphaned = 0;
  for (const [hash, at] of first) {
    const times = [...at.entries()].sort((x, y) => x[1] - y[1]);
    const t0 = times[0][1];
    if (t0 < sinceMs) continue;
    const rel = (k: number) => times.length >= k ? (times[k - 1][1] - t0) / 1000 : null;
    blocks.push({
      hash,
      origin: times[0][0],
      reached: times.length,
      nodes: n,
      t50_s: rel(Math.ceil(n / 2)),
      t90_s: rel(Math.ceil((n * 9) / 10)),
      t100_s: rel(n),
    });
    if (!main.has(hash)) orphaned++;
  }
  return { blocks, mined: blocks.length, orphaned };
}

/**
 * Seconds each node took from a peer's notice of a block to adding it (validation and block
 * handling), over every node and block: what the DES calls the validation delay. With
 * `skipFirst`, each node's first figure is left out: a node sets RandomX up for verification on
 * the first block it receives, which takes seconds once and is not the steady delay.
 */
export function validationSeconds(
  byHost: Record<string, readonly BlockArrival[]>,
  options: { skipFirst?: boolean } = {},
): number[] {
  const out: number[] = [];
  for (const arrivals of Object.values(byHost)) {
    const seen = new Map<string, number>();
    // A block is validated once: notices that come after its first add (peers still relaying
    // it), and adds again on a reorg, are no validation.
    const added = new Set<string>();
    let skip = options.skipFirst === true;
    for (const a of arrivals) {
      if (added.has(a.hash)) continue;
      if (a.received) {
        if (!seen.has(a.hash)) seen.set(a.hash, a.ms);
      } else {
        added.add(a.hash);
        if (!seen.has(a.hash)) continue;
        if (skip) skip = false;
        else out.push((a.ms - seen.get(a.hash)!) / 1000);
      }
    }
  }
  return out;
}

/**
 * Read every host's `monerod.log` under a local run folder (`DIR/hosts/<host>/`), line by line.
 * A host without a log has no arrivals.
 */
export async function readRunArrivals(
  runDir: string,
  hosts: readonly string[],
): Promise<Record<string, BlockArrival[]>> {
  const out: Record<string, BlockArrival[]> = {};
  for (const host of hosts) {
    const dir = `${runDir}/hosts/${host}`;
    // monerod rotates its log: older parts first (monerod.log-<date>), then the live file.
    const parts: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) {
        if (e.name.startsWith("monerod.log-")) parts.push(e.name);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    parts.sort().push("monerod.log");
    const reader = new BlockArrivalReader();
    for (const p of parts) await _readLines(`${dir}/${p}`, (line) => reader.line(line));
    out[host] = reader.arrivals;
  }
  return out;
}

async function _readLines(path: string, onLine: (line: string) => void): Promise<void> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  const lines = file.readable.pipeThrough(new TextDecoderStream()).pipeThrough(
    new LineSplitter(),
  );
  for await (const line of lines) onLine(line);
}

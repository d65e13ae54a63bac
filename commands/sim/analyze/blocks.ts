/**
 * Block metrics of a run, as steps over its RunEvent records: which blocks exist and who mined
 * them, when each node first held each block (holding a block implies holding its ancestors),
 * the main chain with orphans and forks, and propagation delays to 90 % and all nodes.
 *
 * @module
 */
import type { RunEvent } from "../../../adapters/engine/types.ts";
import type { LoadedRun } from "./load.ts";
import type { AnalysisReport } from "./report.ts";
import { cdf, distribution, round3 } from "./stats.ts";

/** A block as the records show it. */
export interface SeenBlock {
  height: number;
  parent: string;
  /** When its miner made it (null: only receipts seen). */
  minedTs: number | null;
  firstSeen: number;
}

/** Blocks by hash, the hosts that reported any, and whether per-node receipts exist. */
export interface BlockIndex {
  blocks: Map<string, SeenBlock>;
  hosts: Set<string>;
  hasReceipts: boolean;
}

/** Collect blocks from `mined` and `block` records (and note `height` reporters). */
export function collectBlocks(events: readonly RunEvent[]): BlockIndex {
  const blocks = new Map<string, SeenBlock>();
  const hosts = new Set<string>();
  let hasReceipts = false;
  for (const e of events) {
    if (e.event === "mined" || e.event === "block") {
      hosts.add(e.host);
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
      hosts.add(e.host);
      hasReceipts = true;
    }
  }
  return { blocks, hosts, hasReceipts };
}

/** Receipt time of each block at each host; holding a block implies holding its ancestors. */
export function receiptTimes(
  events: readonly RunEvent[],
  blocks: ReadonlyMap<string, SeenBlock>,
): Map<string, Map<string, number>> {
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
  return recv;
}

/** The main chain (highest block, earliest seen on ties), orphans and fork heights. */
export function chainMetrics(blocks: ReadonlyMap<string, SeenBlock>): AnalysisReport["blocks"] {
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
  return {
    known: blocks.size,
    mined,
    main_chain_height: mainHeight,
    orphaned,
    orphan_rate: mined > 0 ? round3(orphaned / mined) : 0,
    fork_heights: forkHeights,
    fork_rate: mainHeight > 0 ? round3(forkHeights / mainHeight) : 0,
  };
}

/**
 * Propagation delay until every node (and 90 % of nodes) had each mined block: from receipts
 * when the run has them, else from the des engine's `propagation.ndjson`.
 */
export function propagationMetrics(
  run: LoadedRun,
  index: BlockIndex,
  nodes: number,
): AnalysisReport["propagation"] {
  let delays: number[] = [];
  let delays90: number[] = [];
  let source: AnalysisReport["propagation"]["source"] = "none";
  let measured = 0;
  let total = 0;
  const need90 = Math.max(1, Math.ceil(nodes * 0.9));
  if (index.hasReceipts) {
    source = "events";
    const recv = receiptTimes(run.events, index.blocks);
    for (const [hash, b] of index.blocks) {
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
  return {
    source,
    blocks_measured: measured,
    blocks_total: total,
    ...distribution(delays),
    cdf: cdf(delays),
    to_90pct: distribution(delays90),
  };
}

/**
 * The cross-validation comparison both the bench (`sim_crossval_bench.ts`, 12 real monerod
 * nodes) and its short test use: block propagation (seconds until 50 % and 90 % of nodes had
 * a block; median over blocks) and the orphan rate, from a local run's monerod logs and from
 * the DES on the same model, with the tolerance each figure must meet.
 *
 * @module
 */
import { simulateDes } from "../../adapters/engine/des/engine.ts";
import type { DesOptionsInput } from "../../adapters/engine/des/engine.ts";
import type { PropagationRecord, SimModel } from "../../adapters/engine/types.ts";
import type { ObservedBlocks } from "../../adapters/engine/local/links/observe.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../adapters/engine/local/rpc.ts";
import { z } from "zod";

/** Propagation and orphans of one engine's run. */
export interface CrossvalFigures {
  /** Blocks measured. */
  blocks: number;
  /** Median over blocks of the seconds until 50 % / 90 % / all nodes had it. */
  t50_s: number | null;
  t90_s: number | null;
  t100_s: number | null;
  orphan_rate: number;
}

/** The median of the non-null values, or null. */
export function median(values: ReadonlyArray<number | null>): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Figures of a local run, from {@link observeBlocks}. */
export function localFigures(observed: ObservedBlocks): CrossvalFigures {
  return {
    blocks: observed.mined,
    t50_s: median(observed.blocks.map((b) => b.t50_s)),
    t90_s: median(observed.blocks.map((b) => b.t90_s)),
    t100_s: median(observed.blocks.map((b) => b.t100_s)),
    orphan_rate: observed.mined > 0 ? observed.orphaned / observed.mined : 0,
  };
}

/** Figures of the DES on the same model (in-process, no files). */
export function desFigures(model: SimModel, options: DesOptionsInput): CrossvalFigures {
  const run = simulateDes({ model, options, sink: { event: () => {} } });
  const p: PropagationRecord[] = run.propagation;
  return {
    blocks: p.length,
    t50_s: median(p.map((r) => r.t50_s)),
    t90_s: median(p.map((r) => r.t90_s)),
    t100_s: median(p.map((r) => r.t100_s)),
    orphan_rate: run.summary.blocks_mined > 0
      ? run.summary.orphaned_blocks / run.summary.blocks_mined
      : 0,
  };
}

/** How far apart the engines may be: absolute seconds plus a share of the DES figure. */
export interface Tolerance {
  seconds: number;
  relative: number;
  /** Orphan rates: absolute difference. */
  orphanRate: number;
}

/** One row of the comparison: both figures, the gap, and whether it is within tolerance. */
export interface CrossvalRow {
  metric: string;
  local: number | null;
  des: number | null;
  gap: number | null;
  allowed: number;
  ok: boolean;
}

/** Compare the two engines' figures metric by metric. */
export function compareFigures(
  local: CrossvalFigures,
  des: CrossvalFigures,
  tol: Tolerance,
): CrossvalRow[] {
  const rows: CrossvalRow[] = [];
  for (const metric of ["t50_s", "t90_s"] as const) {
    const a = local[metric];
    const b = des[metric];
    const allowed = tol.seconds + tol.relative * (b ?? 0);
    const gap = a !== null && b !== null ? a - b : null;
    rows.push({
      metric,
      local: a,
      des: b,
      gap,
      allowed,
      ok: gap !== null && Math.abs(gap) <= allowed,
    });
  }
  const gap = local.orphan_rate - des.orphan_rate;
  rows.push({
    metric: "orphan_rate",
    local: local.orphan_rate,
    des: des.orphan_rate,
    gap,
    allowed: tol.orphanRate,
    ok: Math.abs(gap) <= tol.orphanRate,
  });
  return rows;
}

/** Where a local run placed a host (from `DIR/local_run.json`). */
export interface PlacedHost {
  name: string;
  rpcUrl: string;
}

/** Wait (bounded by `ms`) until the local run in `dir` has placed its hosts and all answer RPC. */
export async function waitLocalNodes(dir: string, ms: number): Promise<PlacedHost[]> {
  const end = Date.now() + ms;
  // Bounded by the deadline; one pass per 200 ms.
  while (Date.now() < end) {
    try {
      const run = JSON.parse(await Deno.readTextFile(`${dir}/local_run.json`)) as {
        hosts: PlacedHost[];
      };
      await Promise.all(
        run.hosts.map((h) => new MonerodRpc({ url: h.rpcUrl, timeoutMs: 2000 }).getInfo()),
      );
      return run.hosts;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`local nodes in ${dir} not answering after ${ms} ms`);
}

const _template = z.object({
  blocktemplate_blob: z.string(),
  seed_hash: z.string(),
  height: z.int(),
});

/**
 * Make a node build its RandomX cache now (calc_pow of its own block template): otherwise the
 * first block a node mines or verifies takes seconds, which would count as propagation delay.
 */
export async function warmUpRandomX(url: string): Promise<void> {
  const rpc = new MonerodRpc({ url, timeoutMs: 300_000 });
  let t: z.output<typeof _template> | undefined;
  // "Core is busy" until the node has a peer and counts itself synchronised: bounded retries.
  for (let tries = 0; !t; tries++) {
    try {
      t = await rpc.call(
        "get_block_template",
        { wallet_address: DEFAULT_MINER_ADDRESS, reserve_size: 0 },
        _template,
      );
    } catch (error) {
      if (tries >= 300) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await rpc.call("calc_pow", {
    major_version: parseInt(t.blocktemplate_blob.slice(0, 2), 16),
    height: t.height,
    block_blob: t.blocktemplate_blob,
    seed_hash: t.seed_hash,
  }, z.string());
}

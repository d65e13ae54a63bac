/**
 * Cross-validation of the two engines on one 12-node scenario with link latencies: real monerod
 * (`--engine local`, links through the engine's relays) against the DES with Monero's fluffy
 * relay. Compares block propagation (median over blocks of the seconds until 50 % and 90 % of
 * nodes had a block) and the orphan rate, and prints whether each is within tolerance, three
 * ways: the DES with a fixed 0.05 s validation delay, with the median delay the nodes' logs show
 * (receipt to add), and with `des.validation` a log-normal fitted to those delays (their spread
 * grows with the machine's load; `HIVE_CROSSVAL_KEEP=1` prints their quantiles).
 *
 * The local run mines through RPC (Poisson, by hashrate share, mean BLOCK_S wall seconds), after
 * warming RandomX up on every node (calc_pow, then one block every node verifies), so a cold
 * RandomX start (seconds to a minute under load) does not count as propagation. Block times come from each node's own log (`links/observe.ts`).
 *
 * A script run by hand, not a `deno bench` file (it runs 12 monerod for about 1.5 minutes):
 *   deno run -A tests/bench/sim_crossval.ts [BLOCKS] [BLOCK_S]
 */
import { fitValidation } from "../../adapters/engine/des/validation.ts";
import { percentile } from "../../commands/sim/analyze/stats.ts";
import { LocalEngine } from "../../adapters/engine/local/engine.ts";
import {
  observeBlocks,
  readRunArrivals,
  validationSeconds,
} from "../../adapters/engine/local/links/observe.ts";
import type { LinksRecord } from "../../adapters/engine/local/links/mod.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc } from "../../adapters/engine/local/rpc.ts";
import type { SimModel } from "../../adapters/engine/types.ts";
import { parseScenario } from "../../commands/sim/scenario/load.ts";
import { createLogger } from "../../core/logger.ts";
import {
  compareFigures,
  type CrossvalFigures,
  type CrossvalRow,
  desFigures,
  localFigures,
  median,
  type Tolerance,
  waitLocalNodes,
  warmUpRandomX,
} from "./sim_crossval_compare.ts";

/** The scenario both engines run: 12 nodes, 4 miners, 4 outbound peers, 50–150 ms links. */
export const CROSSVAL_SCENARIO = `name: crossval_12
general: { stop_time: 1h, seed: 1212 }
network:
  topology: random_regular(4)
  peer_mode: hardcoded
  latency: { uniform: [50 ms, 150 ms] }
  bandwidth: 100 Mbit
agents:
  miner-{1..4}: { kind: miner, hashrate: 25 }
  node-{1..8}: { kind: observer }
`;

/** How far the engines may differ: 0.25 s plus 50 % of the DES figure; orphans within 0.15. */
export const CROSSVAL_TOLERANCE: Tolerance = { seconds: 0.25, relative: 0.5, orphanRate: 0.15 };

const _MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Seconds a node spends on a block before relaying it, in the DES (regtest block, warm). */
const VALIDATION_S = 0.05;

/** What one cross-validation run found. */
export interface CrossvalResult {
  /** A node has a block from its first notice of it (a peer's fluffy block, or its own add). */
  local: CrossvalFigures;
  /** A node has a block once it added it (after validation). */
  localAdded: CrossvalFigures;
  des: CrossvalFigures;
  /** The DES (fluffy) with its validation delay set to the nodes' measured median. */
  desCalibrated: CrossvalFigures;
  /** Median seconds from a node's receipt of a block to adding it (the local run). */
  validationS: number;
  /** Comparison against the calibrated DES. */
  rowsCalibrated: CrossvalRow[];
  /** The DES (fluffy) with `des.validation` a log-normal fitted to the measured delays. */
  desDistributed: CrossvalFigures | null;
  /** The fitted distribution (milliseconds). */
  validationFit: ReturnType<typeof fitValidation>;
  /** 90th percentile of the measured delays, seconds. */
  validationP90S: number | null;
  /** Comparison against the DES with the fitted distribution. */
  rowsDistributed: CrossvalRow[];
  /** The DES's current push model on the same scenario, for reference. */
  desPush: CrossvalFigures;
  rows: CrossvalRow[];
  links: LinksRecord;
}

function _exp(mean: number, rnd: () => number): number {
  return -Math.log(1 - rnd()) * mean;
}

/** Run the scenario on 12 real monerod nodes, then the DES; compare. */
export async function crossval(blocks: number, blockS: number): Promise<CrossvalResult> {
  const loaded = await parseScenario(CROSSVAL_SCENARIO, { baseDir: ".", name: "crossval_12" });
  const model = loaded.model;
  // Locally every host is an observer: the bench mines itself, at the same shares.
  const localModel: SimModel = {
    ...model,
    stopTimeS: 3600,
    hosts: model.hosts.map((h) => ({ ...h, kind: "observer", hashrate: 0 })),
  };
  const dir = await Deno.makeTempDir({ prefix: "hive_crossval_" });
  const stop = new AbortController();
  try {
    const running = new LocalEngine({
      graceMs: 20_000,
      firstOctet: 90,
      settleS: 10,
      // The engine's children (its reaper) run hive itself, never this script.
      hiveArgv: [Deno.execPath(), "run", "-A", "--quiet", _MAIN],
    }).run({
      model: localModel,
      outDir: dir,
      logger: createLogger({ level: "error" }),
      signal: stop.signal,
    });
    running.catch(() => {});
    const hosts = await waitLocalNodes(dir, 120_000);
    await Promise.all(hosts.map((h) => warmUpRandomX(h.rpcUrl)));
    const miners = model.hosts.filter((h) => h.hashrate > 0);
    const rpc = new Map(
      hosts.map((h) => [h.name, new MonerodRpc({ url: h.rpcUrl, timeoutMs: 60_000 })]),
    );
    // RandomX for verification is set up on a node's first received block (calc_pow warms
    // only the mining side): one block to everyone first, outside the measurement.
    await _allAt(rpc, 1, DEFAULT_MINER_ADDRESS, miners[0].name, 600_000);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const since = Date.now();
    const pending: Promise<unknown>[] = [];
    // Bounded: `blocks` blocks, each after an exponential wait.
    for (let b = 0; b < blocks; b++) {
      await new Promise((r) => setTimeout(r, _exp(blockS, rnd) * 1000));
      let pick = rnd() * 100;
      const miner = miners.find((m) => (pick -= m.hashrate) < 0) ?? miners[0];
      pending.push(rpc.get(miner.name)!.generateBlocks(1, DEFAULT_MINER_ADDRESS).catch(() => {}));
    }
    await Promise.all(pending);
    await new Promise((r) => setTimeout(r, 5000)); // the last blocks spread
    stop.abort();
    const result = await running;
    const arrivals = await readRunArrivals(dir, model.hosts.map((h) => h.name));
    const local = localFigures(observeBlocks(arrivals, since - 1000));
    const localAdded = localFigures(observeBlocks(arrivals, since - 1000, { at: "added" }));
    const desOptions = {
      blockIntervalS: blockS,
      validationDelayS: VALIDATION_S,
      receiptEvents: false as const,
      maxBlocks: 2000,
    };
    const desModel = { ...model, stopTimeS: 2000 * blockS * 2 };
    const des = desFigures({ ...desModel, des: { relay: "fluffy" } }, desOptions);
    const desPush = desFigures(desModel, desOptions);
    // Only blocks of the measurement: the warm-up block sets RandomX up on every node first.
    const measured = validationSeconds(
      Object.fromEntries(
        Object.entries(arrivals).map(([h, a]) => [h, a.filter((x) => x.ms >= since)]),
      ),
    );
    const sorted = [...measured].sort((a, b) => a - b);
    if (Deno.env.get("HIVE_CROSSVAL_KEEP")) {
      const at = (p: number) => percentile(sorted, p);
      console.log(
        `validation delays (${sorted.length}): p10 ${at(10)} p50 ${at(50)} p75 ${at(75)} ` +
          `p90 ${at(90)} p99 ${at(99)} max ${sorted[sorted.length - 1]}`,
      );
    }
    const validationS = median(measured) ?? VALIDATION_S;
    const desCalibrated = desFigures({ ...desModel, des: { relay: "fluffy" } }, {
      ...desOptions,
      validationDelayS: validationS,
    });
    // Under load the delays spread far beyond their median: draw each from a fitted log-normal.
    const validationFit = fitValidation(measured);
    const { validationDelayS: _fixed, ...drawnOptions } = desOptions;
    const desDistributed = validationFit === null ? null : desFigures(
      { ...desModel, des: { relay: "fluffy", validation: validationFit } },
      drawnOptions,
    );
    const validationP90S = percentile(sorted, 90);
    return {
      local,
      localAdded,
      des,
      desPush,
      desCalibrated,
      validationS,
      // The DES counts a node as having a block once it validated it: compare "added".
      rows: compareFigures(localAdded, des, CROSSVAL_TOLERANCE),
      rowsCalibrated: compareFigures(localAdded, desCalibrated, CROSSVAL_TOLERANCE),
      desDistributed,
      validationFit,
      validationP90S,
      rowsDistributed: desDistributed === null
        ? []
        : compareFigures(localAdded, desDistributed, CROSSVAL_TOLERANCE),
      links: (result.summary as { links: LinksRecord }).links,
    };
  } finally {
    stop.abort();
    // HIVE_CROSSVAL_KEEP=1 keeps the run folder (monerod logs) to look into.
    if (Deno.env.get("HIVE_CROSSVAL_KEEP")) console.log(`run folder kept: ${dir}`);
    else await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function _allAt(
  rpc: Map<string, MonerodRpc>,
  height: number,
  address: string,
  miner: string,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  // Bounded: retried while monerod is busy, until the deadline.
  while ((await rpc.get(miner)!.generateBlocks(1, address)).status !== "OK") {
    if (Date.now() > end) throw new Error("warm-up block: monerod stayed busy");
    await new Promise((r) => setTimeout(r, 500));
  }
  // Bounded by the deadline; one pass per 500 ms.
  while (Date.now() < end) {
    const heights = await Promise.all(
      [...rpc.values()].map((r) => r.getInfo().then((i) => i.height - 1, () => -1)),
    );
    if (heights.every((h) => h >= height)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`warm-up block did not reach every node in ${ms / 1000} s`);
}

const _fixed3 = (x: number | null) => x === null ? "-" : x.toFixed(3);

/** Local (added) against one calibrated DES, a line per metric. */
function _printRows(rows: CrossvalRow[]): void {
  const f = _fixed3;
  for (const row of rows) {
    console.log(
      `${row.metric.padEnd(12)} local(added) ${f(row.local).padEnd(8)} des ${
        f(row.des).padEnd(8)
      } gap ${f(row.gap).padEnd(7)} allowed ${f(row.allowed).padEnd(7)} ${row.ok}`,
    );
  }
}

function _print(r: CrossvalResult): void {
  const f = _fixed3;
  console.log(`links: ${r.links.path} (${r.links.links} relays): ${r.links.message}`);
  console.log(
    "metric       local(first) local(added)  des(fluffy)  des(push)  gap     allowed  ok",
  );
  for (const row of r.rows) {
    const m = row.metric as keyof CrossvalFigures;
    console.log(
      `${row.metric.padEnd(12)} ${f(r.local[m]).padEnd(12)} ${f(row.local).padEnd(13)} ` +
        `${f(row.des).padEnd(12)} ${f(r.desPush[m]).padEnd(10)} ${f(row.gap).padEnd(7)} ` +
        `${f(row.allowed).padEnd(8)} ${row.ok}`,
    );
  }
  console.log(`blocks: local ${r.local.blocks}, des ${r.des.blocks}`);
  console.log(
    `measured validation (receipt -> added), median ${r.validationS.toFixed(3)} s; ` +
      "DES fluffy with that delay:",
  );
  _printRows(r.rowsCalibrated);
  console.log(
    `measured validation p90 ${f(r.validationP90S)} s; DES fluffy with des.validation ` +
      `${JSON.stringify(r.validationFit)} (ms):`,
  );
  _printRows(r.rowsDistributed);
}

if (import.meta.main) {
  const blocks = Number(Deno.args[0] ?? 40);
  const blockS = Number(Deno.args[1] ?? 1.5);
  const t0 = performance.now();
  _print(await crossval(blocks, blockS));
  console.log(`wall ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

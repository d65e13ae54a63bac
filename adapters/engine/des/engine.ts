/**
 * The embedded discrete-event engine (`hive sim run --engine des`): simulates a Monero network
 * of thousands of nodes in seconds. The simulation itself lives in `sim.ts` (network, blocks,
 * transactions) and `attacks/` (the four attacks); this file runs it as an {@link Engine}
 * and writes the run folder:
 *
 * - `events.ndjson`: {@link RunEvent} records (`mined`, `block` receipts unless turned off,
 *   `reorg`, `tx_*`, `attack` outcomes);
 * - `propagation.ndjson`: one line per block with the time to reach 50/90/100 % of nodes;
 * - `convergence.ndjson`: min/max height and distinct tips over time;
 * - `summary.json`: counts, options and wall time.
 *
 * @example
 * ```ts
 * import { DesEngine } from "./engine.ts";
 * import { createLogger } from "../../../core/logger.ts";
 * import type { SimModel } from "../types.ts";
 * declare const model: SimModel;
 * const engine = new DesEngine({ receiptEvents: false });
 * const result = await engine.run({ model, outDir: "out", logger: createLogger({}) });
 * console.log(result.summary.blocks_mined);
 * ```
 * @module
 */
import type { Engine, EngineRunOptions, EngineRunResult } from "../types.ts";
import type { RunEvent, SimModel } from "../types.ts";
import { type DesOptions, type DesOptionsInput, parseDesOptions } from "./options.ts";
import type { ConvergenceSample, PropagationRecord } from "../types.ts";
import type { DesSink } from "./network.ts";
import { type DesSimSummary, DesSimulation } from "./sim.ts";
import { DesControl } from "./control.ts";
import { describeNetwork, isolatedNodes, shortOutbound } from "./setup.ts";
import { warnLossCap } from "../link_loss.ts";

export { type DesOptions, type DesOptionsInput, desOptionsSchema } from "./options.ts";
export type { DesSimSummary } from "./sim.ts";
export type { DesSink } from "./network.ts";

/** Files a DES run writes into its output folder. */
export const DES_FILES = {
  events: "events.ndjson",
  propagation: "propagation.ndjson",
  convergence: "convergence.ndjson",
  summary: "summary.json",
} as const;

/** What {@link simulateDes} returns. */
export interface DesRunOutput {
  summary: DesSimSummary;
  propagation: PropagationRecord[];
  samples: ConvergenceSample[];
}

/** Options for {@link simulateDes}. */
export interface SimulateDesOptions {
  model: SimModel;
  /** Engine tunables (validated). */
  options?: DesOptionsInput;
  /** Receives every RunEvent. */
  sink: DesSink;
}

/**
 * Run a whole simulation synchronously into a sink: the engine's code path without files, for
 * embedding and for many small trials.
 */
export function simulateDes(options: SimulateDesOptions): DesRunOutput {
  const sim = new DesSimulation(
    options.model,
    parseDesOptions(options.options ?? {}),
    options.sink,
  );
  while (sim.step(1_000_000));
  const summary = sim.finish();
  return { summary, propagation: sim.propagation(), samples: sim.samples };
}

const _encoder = new TextEncoder();

/** Buffers NDJSON lines and writes them in large chunks. */
class _NdjsonFile implements DesSink {
  #file: Deno.FsFile | null;
  #parts: string[] = [];
  #chars = 0;
  /** Live watcher of every event (the orchestrator API). */
  onEvent: ((event: RunEvent, line: string) => void) | undefined;
  /** Told of each buffer written, with its line count (the watcher keeps it, not a copy). */
  onBytes: ((bytes: Uint8Array, lines: number) => void) | undefined;

  constructor(file: Deno.FsFile | null = null) {
    this.#file = file;
  }

  /** Set the file once it is open (lines buffer until then). */
  attach(file: Deno.FsFile): void {
    this.#file = file;
  }

  event(event: RunEvent): void {
    const line = JSON.stringify(event);
    // The watcher first: a flush in `line` hands it the bytes of the lines it has seen.
    this.onEvent?.(event, line);
    this.line(line);
  }

  line(text: string): void {
    this.#parts.push(text);
    this.#chars += text.length + 1;
    if (this.#chars > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.#parts.length === 0 || this.#file === null) return;
    const bytes = _encoder.encode(this.#parts.join("\n") + "\n");
    const lines = this.#parts.length;
    this.#parts = [];
    this.#chars = 0;
    let n = 0;
    while (n < bytes.length) n += this.#file.writeSync(bytes.subarray(n));
    this.onBytes?.(bytes, lines);
  }
}

async function _writeLines(path: string, rows: unknown[]): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const out = new _NdjsonFile(file);
    for (const row of rows) out.line(JSON.stringify(row));
    out.flush();
  } finally {
    file.close();
  }
}

function _attackLine(outcome: Record<string, unknown>): string {
  const { attack, ...fields } = outcome;
  const parts = Object.entries(fields).filter(([, v]) => v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${v}`);
  return `${attack}: ${parts.join(" ")}`;
}

/**
 * Process the events due by now at `pace` simulated seconds per wall second, sleeping when
 * none is due; false once the run is over.
 */
async function _pacedStep(sim: DesSimulation, pace: number, started: number): Promise<boolean> {
  const due = ((performance.now() - started) / 1000) * pace;
  for (let i = 0; i < 5000 && sim.queue.peekTime() <= due; i++) {
    if (!sim.step(1)) return false;
  }
  if (sim.queue.peekTime() > due) {
    // Nothing due: let time pass (the next event or 50 ms, whichever is sooner).
    const waitMs = Math.min(50, ((sim.queue.peekTime() - due) / pace) * 1000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
    if (sim.queue.peekTime() > sim.model.stopTimeS && due >= sim.model.stopTimeS) {
      return sim.step(1);
    }
  }
  return !sim.done;
}

/** The discrete-event engine. */
export class DesEngine implements Engine {
  /** Engine name. */
  readonly name = "des" as const;
  readonly #options: DesOptions;

  /** Options are validated here, so bad values fail before anything runs. */
  constructor(options: DesOptionsInput = {}) {
    this.#options = parseDesOptions(options);
  }

  /** The effective tunables. */
  get options(): DesOptions {
    return this.#options;
  }

  /** Run the model and write the run folder. */
  async run(options: EngineRunOptions): Promise<EngineRunResult> {
    const { model, outDir, logger, onProgress, signal, live } = options;
    const started = performance.now();
    // Build (and so validate) the simulation before anything is written.
    const sink = new _NdjsonFile();
    const sim = new DesSimulation(model, this.#options, sink);
    await Deno.mkdir(outDir, { recursive: true });
    const file = await Deno.open(`${outDir}/${DES_FILES.events}`, {
      write: true,
      create: true,
      truncate: true,
    });
    sink.attach(file);
    sink.onEvent = live?.onEvent?.bind(live);
    sink.onBytes = live?.onEventBytes?.bind(live);
    const control = new DesControl(sim);
    live?.onControl?.(control);
    const pace = this.#options.paceSimSPerWallS;
    let summary: DesSimSummary;
    let interrupted = false;
    try {
      logger.info("des run started", {
        nodes: sim.n,
        edges: sim.adjTo.length / 2,
        stop_time_s: model.stopTimeS,
        seed: model.seed,
        receipt_events: sim.receipts,
      });
      const alone = isolatedNodes(sim.setup);
      if (alone > 0) {
        logger.warn("des peers: nodes without any peer (inbound limits or hidden nodes)", {
          nodes: alone,
          of: sim.n,
        });
      }
      warnLossCap(model, logger, "des");
      const short = shortOutbound(sim.setup);
      if (short) {
        logger.warn(
          "des peers: nodes opened fewer outbound connections than asked (inbound limits, " +
            "hidden nodes or too few nodes)",
          { nodes: short.nodes, of: sim.n, asked: short.asked, fewest: short.fewest },
        );
      }
      let lastYield = performance.now();
      const total = model.stopTimeS;
      while (
        pace === undefined
          ? sim.step(20_000, performance.now() + 100)
          : await _pacedStep(sim, pace, started)
      ) {
        if (signal?.aborted) {
          sim.abort();
          interrupted = true;
          break;
        }
        const now = performance.now();
        // Yield now and then so Ctrl-C handlers and progress output get to run.
        if (now - lastYield > 100) {
          onProgress?.({ done: Math.min(sim.now, total), total, unit: "sim seconds" });
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        }
      }
      if (signal?.aborted && !interrupted) interrupted = true;
      summary = sim.finish();
      sink.flush();
    } finally {
      control.finish();
      file.close();
    }
    onProgress?.({ done: sim.now, total: model.stopTimeS, unit: "sim seconds" });
    await _writeLines(`${outDir}/${DES_FILES.propagation}`, sim.propagation());
    await _writeLines(`${outDir}/${DES_FILES.convergence}`, sim.samples);
    const wallS = (performance.now() - started) / 1000;
    const { blockIntervalS: _interval, blockSizeBytes: _size, ...tunables } = this.#options;
    const full: Record<string, unknown> = {
      engine: "des",
      scenario: model.name,
      seed: model.seed,
      ...summary,
      interrupted,
      receipt_events: sim.receipts,
      wall_s: Math.round(wallS * 1000) / 1000,
      queue_events_per_s: Math.round(summary.queue_events / Math.max(wallS, 1e-6)),
      network_model: describeNetwork(sim.setup),
      hosts: sim.names,
      // The block interval and size the run used (an option left unset has its default).
      options: {
        blockIntervalS: sim.setup.blockIntervalS,
        blockSizeBytes: sim.setup.blockSizeBytes,
        ...tunables,
        // null: drawn per node and block (network_model.validation_s has the distribution).
        validationDelayS: sim.setup.validation.fixedS,
      },
    };
    await Deno.writeTextFile(
      `${outDir}/${DES_FILES.summary}`,
      JSON.stringify(full, null, 2) + "\n",
    );
    logger.info("des run finished", {
      blocks: summary.blocks_mined,
      queue_events: summary.queue_events,
      wall_s: full.wall_s,
      interrupted,
    });
    const { hosts: _hosts, options: _opts, attacks: _attacks, network_model: _nm, ...rest } = full;
    // One line per attack keeps the run summary readable as text; summary.json has the objects.
    const brief = { ...rest, attacks: summary.attacks.map(_attackLine) };
    return {
      engine: "des",
      outDir,
      simulatedS: sim.now,
      wallS,
      interrupted,
      summary: brief,
    };
  }
}

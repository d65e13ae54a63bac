/**
 * The simulation engine port: something that runs a {@link SimModel} and leaves its logs and
 * `RunEvent` NDJSON in an output folder for `hive sim analyze`.
 *
 * Implementations, one file each: `shadow.ts` (runs Shadow on generated configs), `local.ts`
 * (real monerod processes on 127.0.0.x) and `des.ts` (the embedded discrete-event engine).
 *
 * @module
 */
import type { Logger } from "../../core/logger.ts";
import type { SimModel } from "../../commands/sim/model.ts";
import { DesEngine, type DesOptionsInput } from "./des.ts";
import { LocalEngine, type LocalEngineOptions } from "./local.ts";
import { ShadowEngine, type ShadowEngineOptions } from "./shadow.ts";

/** Names of the engines. */
export const ENGINE_NAMES = ["shadow", "local", "des"] as const;
/** An engine name. */
export type EngineName = typeof ENGINE_NAMES[number];

/** Progress of a long run, reported often enough to drive a progress bar. */
export interface EngineProgress {
  /** Units done (simulated seconds, events, hosts started...). */
  done: number;
  /** Units in all. */
  total: number;
  /** What is being counted, e.g. "sim seconds". */
  unit: string;
}

/** Options for {@link Engine.run}. */
export interface EngineRunOptions {
  model: SimModel;
  /** Output folder; created if missing. */
  outDir: string;
  logger: Logger;
  /** Called with progress updates. */
  onProgress?: (progress: EngineProgress) => void;
  /** Stops the run early but cleanly (Ctrl-C); what ran so far is kept. */
  signal?: AbortSignal;
}

/** What a finished run reports. */
export interface EngineRunResult {
  engine: EngineName;
  outDir: string;
  /** Simulated seconds covered. */
  simulatedS: number;
  /** Wall-clock seconds taken. */
  wallS: number;
  /** True when stopped early by the signal. */
  interrupted: boolean;
  /** Engine-specific counts (blocks, events, processes...). */
  summary: Record<string, unknown>;
}

/** A simulation engine. */
export interface Engine {
  readonly name: EngineName;
  run(options: EngineRunOptions): Promise<EngineRunResult>;
}

/** Settings the engines accept; each engine reads its own part. */
export interface CreateEngineOptions {
  /** Local engine: simulated seconds per wall second. */
  timeScale?: number;
  /** Local engine settings beyond the time scale. */
  local?: Omit<LocalEngineOptions, "timeScale">;
  /** Discrete-event engine tunables. */
  des?: DesOptionsInput;
  /** Shadow engine settings. */
  shadow?: ShadowEngineOptions;
}

/** Pick an engine implementation by name. */
export function createEngine(name: EngineName, options: CreateEngineOptions = {}): Engine {
  switch (name) {
    case "local":
      return new LocalEngine({ ...options.local, timeScale: options.timeScale });
    case "des":
      return new DesEngine(options.des);
    case "shadow":
      return new ShadowEngine(options.shadow);
  }
}

/**
 * The engine factory: picks an implementation of the {@link Engine} port (`types.ts`) by name.
 * Implementations sit beside it, one folder each with the same file names: `shadow/engine.ts`
 * (runs Shadow on generated configs), `local/engine.ts` (real monerod processes on 127.0.0.x)
 * and `des/engine.ts` (the embedded discrete-event engine).
 *
 * @example
 * ```ts
 * import { createEngine } from "./mod.ts";
 * const engine = createEngine("des", { des: { receiptEvents: false } });
 * ```
 * @module
 */
import type { Engine, EngineName } from "./types.ts";
import { DesEngine } from "./des/engine.ts";
import type { DesOptionsInput } from "./des/options.ts";
import { LocalEngine, type LocalEngineOptions } from "./local/engine.ts";
import { ShadowEngine, type ShadowEngineOptions } from "./shadow/engine.ts";

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

/**
 * The orchestrator API beside a live `hive sim run --api`: a {@link RunState} fed by the
 * engine's live hooks and progress, served by {@link startSimApi} until the run ends (and,
 * with `--api-linger`, a while after, so the finished run can still be looked at).
 *
 * @module
 */
import type {
  EngineLiveHooks,
  EngineProgress,
  EngineRunControl,
} from "../../../adapters/engine/types.ts";
import type { Logger } from "../../../core/logger.ts";
import { RunState } from "./state.ts";
import type { RunMeta } from "./state.ts";
import { type ApiAddress, type SimApi, startSimApi } from "./server.ts";

/** A live API and what the engine calls. */
export interface LiveApi {
  readonly state: RunState;
  readonly api: SimApi;
  /** Pass as the engine's `live`. */
  readonly hooks: EngineLiveHooks;
  /** Call from the engine's `onProgress`. */
  progress(p: EngineProgress): void;
  /** The run ended: the stream says so; the server keeps answering until `close()`. */
  end(outcome: "finished" | "interrupted" | "failed"): void;
  close(): Promise<void>;
}

/** Start serving a run that is about to start. */
export async function startLiveApi(options: {
  address: ApiAddress;
  token?: string;
  meta: RunMeta;
  logger: Logger;
}): Promise<LiveApi> {
  // The newest 65,536 events stay in memory (older ones are in the run folder): a larger log
  // costs a fast run more in garbage collection than the rest of the API together.
  const state = new RunState(options.meta, { maxEvents: 65_536 });
  let control: EngineRunControl | null = null;
  let over = false;
  const api = await startSimApi({
    ...options.address,
    token: options.token,
    state,
    // After the end the engine's handle only refuses: answer as for a finished run.
    control: () => over ? null : control,
    logger: options.logger,
  });
  return {
    state,
    api,
    hooks: {
      onEvent: (event, line) => state.record(event, line),
      onEventBytes: (bytes, lines) => state.adopt(bytes, lines),
      onControl: (c) => {
        control = c;
      },
    },
    progress: (p) => {
      if (p.phase !== state.progress?.phase) state.phaseStartedWall = performance.now();
      state.progress = p;
    },
    end: (outcome) => {
      over = true;
      state.end(outcome);
    },
    close: () => api.close(),
  };
}

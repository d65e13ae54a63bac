/**
 * The JSON documents of the orchestrator API, built from a {@link RunState} and, during a live
 * run, the engine's {@link EngineRunControl}: `/api/status`, `/api/agents[/{id}]` and the
 * dashboard's `/api/series`.
 *
 * @module
 */
import type { EngineAgent, EngineRunControl } from "../../../adapters/engine/types.ts";
import { quantile, type RunState } from "./state.ts";

/** One agent as `/api/agents` shows it. */
export interface AgentView {
  id: string;
  kind: string;
  host: string;
  state: string;
  height: number | null;
  last_event_ts: number | null;
  counters: Record<string, number>;
  last_error: string | null;
}

function _view(state: RunState, a: EngineAgent): AgentView {
  const info = state.hostInfo(a.host);
  return {
    id: a.id,
    kind: a.kind,
    host: a.host,
    state: a.state,
    height: a.height ?? info?.height ?? null,
    last_event_ts: info?.lastTs ?? null,
    counters: { ...(info?.counters ?? {}) },
    last_error: a.lastError,
  };
}

function _agents(state: RunState, control: EngineRunControl | null): EngineAgent[] {
  if (control) return control.agents();
  // A finished run (or one whose engine has not handed over control yet): the model's hosts.
  const over = state.outcome !== null;
  return state.meta.hosts.map((h) => ({
    id: h.name,
    kind: h.kind,
    host: h.name,
    state: over ? "exited" : "pending",
    height: null,
    lastError: null,
  }));
}

/** Every agent. */
export function agentViews(state: RunState, control: EngineRunControl | null): AgentView[] {
  return _agents(state, control).map((a) => _view(state, a));
}

/** One agent by id, or null. */
export function agentView(
  state: RunState,
  control: EngineRunControl | null,
  id: string,
): AgentView | null {
  const agent = _agents(state, control).find((a) => a.id === id);
  return agent ? _view(state, agent) : null;
}

function _round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `/api/status`. */
export function runStatus(
  state: RunState,
  control: EngineRunControl | null,
): Record<string, unknown> {
  const agents = _agents(state, control);
  const up = agents.filter((a) => a.state === "running").length;
  const wallEnd = state.finishedWall ?? performance.now();
  const wallS = (wallEnd - state.startedWall) / 1000;
  const simS = Math.max(control?.simTime() ?? 0, state.lastTs);
  const p = state.progress;
  const fraction = p && p.total > 0 ? Math.min(1, p.done / p.total) : state.outcome ? 1 : 0;
  // A phase's ETA from that phase's own pace: start-up is slower than the clock.
  const phaseS = (wallEnd - state.phaseStartedWall) / 1000;
  const etaS = state.outcome
    ? 0
    : fraction > 0.001 && fraction < 1
    ? _round((phaseS / fraction) * (1 - fraction), 1)
    : null;
  const heights = state.heights();
  return {
    engine: state.meta.engine,
    scenario: state.meta.scenario,
    seed: state.meta.seed,
    version: state.meta.version,
    state: state.outcome ?? (control ? "running" : "starting"),
    sim_time_s: _round(simS),
    stop_time_s: state.meta.stopTimeS,
    wall_s: _round(wallS),
    progress: {
      phase: p?.phase ?? "simulate",
      done: p ? _round(p.done) : 0,
      total: p?.total ?? state.meta.stopTimeS,
      unit: p?.unit ?? "sim seconds",
      percent: Math.round(fraction * 100),
      eta_s: etaS,
    },
    hosts: { total: agents.length, up, down: agents.length - up },
    heights,
    blocks_mined: state.blocksMined,
    forks: state.forkCount,
    reorgs: state.reorgCount,
    max_reorg_depth: state.maxReorgDepth,
    tx: state.tx,
    events: state.lastSeq,
    checks: {
      passed: state.checks.filter((c) => c.pass).length,
      failed: state.checks.filter((c) => !c.pass).length,
      results: state.checks,
    },
  };
}

/** The propagation CDF in at most `points` steps: `[seconds, fraction]`. */
export function cdfPoints(sorted: readonly number[], points = 200): [number, number][] {
  const n = sorted.length;
  if (n === 0) return [];
  const out: [number, number][] = [];
  const step = Math.max(1, Math.floor(n / points));
  for (let i = step - 1; i < n; i += step) out.push([sorted[i], (i + 1) / n]);
  if (out.at(-1)![1] !== 1) out.push([sorted[n - 1], 1]);
  return out;
}

/** `/api/series`: what the dashboard draws. */
export function seriesView(state: RunState): Record<string, unknown> {
  const delays = state.delays();
  return {
    meta: state.meta,
    now_s: state.lastTs,
    over: state.outcome !== null,
    heights: state.heightSeries(),
    max_height: state.maxSeries,
    forks: state.forks,
    tx: state.txSeries,
    propagation: {
      kind: state.delayKind,
      count: delays.length,
      p50: quantile(delays, 0.5),
      p90: quantile(delays, 0.9),
      cdf: cdfPoints(delays),
    },
    checks: state.checks,
  };
}

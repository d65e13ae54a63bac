/**
 * How a run went, for `hive sim analyze` to put beside its metrics: the engine and scenario,
 * whether the run finished, was interrupted (and at which simulated second) or failed, and for
 * the local engine its time scale and links path, which change how its figures read. Read from
 * the files `hive sim run` leaves in the folder (`hive_run.json`, `local_run.json`,
 * `links.json`); a folder without them (a Shadow run, a copied log) has none.
 *
 * @module
 */
import { z } from "zod";
import { readRunJson } from "../api/run_meta.ts";

/** What the run folder says about the run itself. */
export interface RunInfo {
  engine: string;
  scenario: string;
  /** How it ended; null when not recorded (the run was killed, or is still going). */
  outcome: "finished" | "interrupted" | "failed" | null;
  /** Simulated seconds it ran, when it ended. */
  simulated_s: number | null;
  stop_time_s: number;
  /** The local engine's simulated seconds per wall second. */
  time_scale: number | null;
  /** The local engine's links path (relay, netns, ideal) and the namespace path's leaf. */
  links: string | null;
}

const _meta = z.object({
  engine: z.string(),
  scenario: z.string(),
  stopTimeS: z.number().nonnegative(),
  outcome: z.enum(["finished", "interrupted", "failed"]).optional(),
  simulatedS: z.number().nonnegative().optional(),
}).loose();
const _local = z.object({ time_scale: z.number().positive() }).loose();
const _links = z.object({
  path: z.string(),
  netns: z.object({ leaf: z.string() }).loose().optional(),
}).loose();

async function _json<T extends z.ZodType>(path: string, schema: T): Promise<z.output<T> | null> {
  const parsed = schema.safeParse(await readRunJson(path));
  return parsed.success ? parsed.data : null;
}

/** The run's own record in `dir`, or null when the folder has no `hive_run.json`. */
export async function readRunInfo(dir: string): Promise<RunInfo | null> {
  const meta = await _json(`${dir}/hive_run.json`, _meta);
  if (!meta) return null;
  const local = await _json(`${dir}/local_run.json`, _local);
  const links = await _json(`${dir}/links.json`, _links);
  return {
    engine: meta.engine,
    scenario: meta.scenario,
    outcome: meta.outcome ?? null,
    simulated_s: meta.simulatedS ?? null,
    stop_time_s: meta.stopTimeS,
    time_scale: local?.time_scale ?? null,
    links: links ? (links.netns ? `${links.path} (${links.netns.leaf} leaf)` : links.path) : null,
  };
}

/**
 * One line for people.
 *
 * @example
 * ```ts
 * formatRunInfo({ engine: "local", scenario: "ring", outcome: "interrupted", simulated_s: 443,
 *   stop_time_s: 600, time_scale: 20, links: "relay" });
 * // "local, scenario ring: interrupted at 443 s of 600 s; time scale 20; links relay"
 * ```
 */
export function formatRunInfo(r: RunInfo): string {
  const ended = r.outcome === null
    ? "how it ended is not recorded (killed, or still running)"
    : r.outcome === "finished" && r.simulated_s !== null && r.simulated_s < r.stop_time_s
    ? `finished early (its attacks resolved) at ${r.simulated_s} s of ${r.stop_time_s} s`
    : r.outcome === "finished"
    ? `finished (${r.simulated_s ?? r.stop_time_s} s)`
    : `${r.outcome} at ${r.simulated_s ?? "?"} s of ${r.stop_time_s} s`;
  const parts = [`${r.engine}, scenario ${r.scenario}: ${ended}`];
  if (r.time_scale !== null) parts.push(`time scale ${r.time_scale}`);
  if (r.links !== null) parts.push(`links ${r.links}`);
  return parts.join("; ");
}

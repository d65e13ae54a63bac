/**
 * `hive_run.json`: what a run folder needs beside its events for the API, the dashboard and
 * the plots to show it later (`hive sim serve`, `analyze --plot`): engine, scenario, seed, hive
 * version, hosts and their kinds, attack windows. `hive sim run` writes it before the engine
 * starts, and again at the end with how the run ended (`outcome`, `simulatedS`).
 *
 * @module
 */
import { z } from "zod";
import type { SimModel } from "../../../adapters/engine/types.ts";
import type { AttackWindow, RunMeta } from "./state.ts";

/** File name in the run folder. */
export const RUN_META_FILE = "hive_run.json";

const _metaSchema = z.object({
  engine: z.string().max(32),
  scenario: z.string().max(256),
  seed: z.number(),
  version: z.string().max(64),
  stopTimeS: z.number().nonnegative(),
  hosts: z.array(z.object({ name: z.string().min(1), kind: z.string() })),
  attacks: z.array(z.object({
    kind: z.string(),
    label: z.string(),
    startS: z.number(),
    endS: z.number().nullable(),
  })),
  outcome: z.enum(["finished", "interrupted", "failed"]).optional(),
  simulatedS: z.number().nonnegative().optional(),
});

/** Attack windows of a model, for shading: start to end, or to the run's end. */
export function attackWindows(model: SimModel): AttackWindow[] {
  return model.attacks.map((a): AttackWindow => {
    switch (a.kind) {
      case "sybil":
        return { kind: a.kind, label: `sybil (${a.attackers.length})`, startS: 0, endS: null };
      case "eclipse":
        return { kind: a.kind, label: `eclipse ${a.victim}`, startS: a.startS, endS: null };
      case "partition":
        return { kind: a.kind, label: "partition", startS: a.startS, endS: a.endS };
      case "double_spend":
        return { kind: a.kind, label: `double spend q=${a.q}`, startS: a.startS, endS: null };
    }
  });
}

/** The meta of a model about to run. */
export function runMetaOf(model: SimModel, engine: string, version: string): RunMeta {
  return {
    engine,
    scenario: model.name,
    seed: model.seed,
    version,
    stopTimeS: model.stopTimeS,
    hosts: model.hosts.map((h) => ({ name: h.name, kind: h.kind })),
    attacks: attackWindows(model),
  };
}

/** Write `hive_run.json` into `dir`. */
export async function writeRunMeta(dir: string, meta: RunMeta): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/${RUN_META_FILE}`, JSON.stringify(meta, null, 2) + "\n");
}

/**
 * A JSON file of a run folder, or null when it is missing or not JSON (a file a killed run left
 * half-written reads as absent, not as an error).
 */
export async function readRunJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/**
 * Read a run folder's meta: `hive_run.json`, else what `summary.json` has (runs made before
 * the file existed), else null.
 */
export async function readRunMeta(dir: string): Promise<RunMeta | null> {
  const read = (name: string) => readRunJson(`${dir}/${name}`);
  const meta = _metaSchema.safeParse(await read(RUN_META_FILE));
  if (meta.success) return meta.data;
  const summary = await read("summary.json") as Record<string, unknown> | null;
  if (!summary || typeof summary !== "object") return null;
  const hosts = Array.isArray(summary.hosts)
    ? summary.hosts.filter((h) => typeof h === "string")
    : [];
  return {
    engine: String(summary.engine ?? "unknown"),
    scenario: String(summary.scenario ?? "unknown"),
    seed: typeof summary.seed === "number" ? summary.seed : 0,
    version: "unknown",
    stopTimeS: typeof summary.simulated_s === "number" ? summary.simulated_s : 0,
    hosts: hosts.map((name) => ({ name, kind: "node" })),
    attacks: [],
  };
}

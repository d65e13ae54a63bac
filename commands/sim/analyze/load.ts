/**
 * Loading for `hive sim analyze`: read a run folder from any engine into RunEvent records.
 *
 * Every line is validated; bad lines are collected with `file:line` and skipped, never fatal.
 *
 * Where events come from:
 * - `DIR/events.ndjson` (des engine; any engine may write it);
 * - `DIR/hosts/<host>/*.ndjson` (local engine: monitor, miner and other agents);
 * - `DIR/shadow.data/hosts/<host>/*.stdout` (Shadow: agents print RunEvent NDJSON to stdout;
 *   lines that do not start with `{` are other program output and are counted, not reported).
 *
 * The des engine's aggregates `propagation.ndjson` and `convergence.ndjson` are read too, for
 * runs made without per-node receipt events. The run's hosts come from `hive_run.json` (which
 * `hive sim run` writes for every engine), else from a des `summary.json`.
 *
 * @module
 */
import { z } from "zod";
import { formatIssues, UsageError } from "../../../core/errors.ts";
import {
  type ConvergenceSample,
  convergenceSampleSchema,
  type PropagationRecord,
  propagationRecordSchema,
  type RunEvent,
  runEventSchema,
} from "../../../adapters/engine/types.ts";

/** A line that was skipped. */
export interface LineProblem {
  file: string;
  line: number;
  message: string;
}

/** One file read. */
export interface SourceInfo {
  file: string;
  kind: "events" | "host_log" | "shadow_stdout" | "propagation" | "convergence" | "checks";
  lines: number;
  records: number;
  bad: number;
  /** Non-JSON program output (Shadow stdout only). */
  ignored: number;
}

/** Everything read from a run folder. */
export interface LoadedRun {
  dir: string;
  sources: SourceInfo[];
  events: RunEvent[];
  /** First problems (at most `maxProblems`); `problemCount` has them all. */
  problems: LineProblem[];
  problemCount: number;
  propagation: PropagationRecord[];
  convergence: ConvergenceSample[];
  /** Host names from `summary.json` when an engine wrote them. */
  hosts: string[] | null;
  /**
   * Every host of the run, from `hive_run.json`, else `summary.json`'s `hosts`; null when
   * neither names them. Height convergence counts each of them, at genesis until its first
   * block, even one that never logs a record.
   */
  runHosts: string[] | null;
  /** Verdicts of the run's checks (`checks.ndjson`), in the order made. */
  checks: RunEvent[];
  /** Node count from `summary.json` when given without names. */
  nodeCount: number | null;
}

/** The local engine's time scale (`local_run.json`), 1 for other engines. */
async function _localTimeScale(dir: string): Promise<number> {
  try {
    const data = JSON.parse(await Deno.readTextFile(`${dir}/local_run.json`));
    const scale = Number(data?.time_scale);
    return Number.isFinite(scale) && scale > 0 ? scale : 1;
  } catch {
    return 1;
  }
}

/** Options for {@link loadRun}. */
export interface LoadRunOptions {
  /** Run folder. */
  dir: string;
  /** Problems kept in detail (all are counted). Default 100. */
  maxProblems?: number;
}

async function _isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function _listFiles(dir: string, suffix: string): Promise<string[]> {
  if (!(await _isDir(dir))) return [];
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(suffix)) out.push(`${dir}/${entry.name}`);
  }
  return out.sort();
}

async function _hostFiles(base: string, suffix: string): Promise<string[]> {
  if (!(await _isDir(base))) return [];
  const hosts: string[] = [];
  for await (const entry of Deno.readDir(base)) if (entry.isDirectory) hosts.push(entry.name);
  const files: string[] = [];
  for (const h of hosts.sort()) files.push(...(await _listFiles(`${base}/${h}`, suffix)));
  return files;
}

async function _exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

class _Reader {
  readonly problems: LineProblem[] = [];
  problemCount = 0;
  readonly #max: number;
  readonly #dir: string;

  constructor(dir: string, max: number) {
    this.#dir = dir;
    this.#max = max;
  }

  problem(file: string, line: number, message: string): void {
    this.problemCount++;
    if (this.problems.length < this.#max) {
      const rel = file.startsWith(this.#dir + "/") ? file.slice(this.#dir.length + 1) : file;
      this.problems.push({ file: rel, line, message });
    }
  }

  async read<T>(
    file: string,
    kind: SourceInfo["kind"],
    schema: z.ZodType<T>,
    into: T[],
  ): Promise<SourceInfo> {
    const text = await Deno.readTextFile(file);
    const info: SourceInfo = {
      file: file.startsWith(this.#dir + "/") ? file.slice(this.#dir.length + 1) : file,
      kind,
      lines: 0,
      records: 0,
      bad: 0,
      ignored: 0,
    };
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i].trim();
      if (raw === "") continue;
      info.lines++;
      if (kind === "shadow_stdout" && !raw.startsWith("{")) {
        info.ignored++;
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch {
        info.bad++;
        this.problem(file, i + 1, `not JSON: ${raw.length > 60 ? raw.slice(0, 57) + "..." : raw}`);
        continue;
      }
      const parsed = schema.safeParse(data, { reportInput: true });
      if (!parsed.success) {
        info.bad++;
        this.problem(file, i + 1, formatIssues(parsed.error.issues).join("; "));
        continue;
      }
      into.push(parsed.data);
      info.records++;
    }
    return info;
  }
}

// Only the des engine's summary names the hosts; other engines' summaries are not read.
const _summarySchema = z.object({
  engine: z.literal("des"),
  hosts: z.array(z.string().min(1)).optional(),
  nodes: z.int().positive().optional(),
}).loose();

const _runMetaHostsSchema = z.object({
  hosts: z.array(z.object({ name: z.string().min(1) }).loose()),
}).loose();

/** Host names of `hive_run.json`, or null when it is missing or does not list them. */
async function _runMetaHosts(dir: string): Promise<string[] | null> {
  let data: unknown;
  try {
    data = JSON.parse(await Deno.readTextFile(`${dir}/hive_run.json`));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof SyntaxError) return null;
    throw error;
  }
  const parsed = _runMetaHostsSchema.safeParse(data);
  return parsed.success ? parsed.data.hosts.map((h) => h.name) : null;
}

/** Read every event source in a run folder. Throws UsageError when the folder is missing. */
export async function loadRun(options: LoadRunOptions): Promise<LoadedRun> {
  const dir = options.dir.replace(/\/+$/, "") || "/";
  if (!(await _isDir(dir))) {
    throw new UsageError(`DIR: ${JSON.stringify(options.dir)} is not a folder`, {
      code: "not_found",
    });
  }
  const reader = new _Reader(dir, options.maxProblems ?? 100);
  const events: RunEvent[] = [];
  const propagation: PropagationRecord[] = [];
  const convergence: ConvergenceSample[] = [];
  const sources: SourceInfo[] = [];
  const eventSchema = runEventSchema as unknown as z.ZodType<RunEvent>;
  if (await _exists(`${dir}/events.ndjson`)) {
    sources.push(await reader.read(`${dir}/events.ndjson`, "events", eventSchema, events));
  }
  for (const f of await _hostFiles(`${dir}/hosts`, ".ndjson")) {
    sources.push(await reader.read(f, "host_log", eventSchema, events));
  }
  for (const f of await _hostFiles(`${dir}/shadow.data/hosts`, ".stdout")) {
    sources.push(await reader.read(f, "shadow_stdout", eventSchema, events));
  }
  if (await _exists(`${dir}/propagation.ndjson`)) {
    sources.push(
      await reader.read(
        `${dir}/propagation.ndjson`,
        "propagation",
        propagationRecordSchema,
        propagation,
      ),
    );
  }
  if (await _exists(`${dir}/convergence.ndjson`)) {
    sources.push(
      await reader.read(
        `${dir}/convergence.ndjson`,
        "convergence",
        convergenceSampleSchema,
        convergence,
      ),
    );
  }
  const checks: RunEvent[] = [];
  if (await _exists(`${dir}/checks.ndjson`)) {
    sources.push(await reader.read(`${dir}/checks.ndjson`, "checks", eventSchema, checks));
  }
  let hosts: string[] | null = null;
  let nodeCount: number | null = null;
  if (await _exists(`${dir}/summary.json`)) {
    let data: unknown = null;
    try {
      data = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    } catch {
      reader.problem(`${dir}/summary.json`, 1, "not JSON");
    }
    const parsed = _summarySchema.safeParse(data);
    if (parsed.success) {
      hosts = parsed.data.hosts ?? null;
      nodeCount = parsed.data.nodes ?? null;
    }
  }
  // Local agents stamp wall seconds; the run's time scale makes them simulated seconds.
  const scale = await _localTimeScale(dir);
  if (scale !== 1) {
    for (const e of [...events, ...checks]) e.ts = Math.round(e.ts * scale * 1e3) / 1e3;
  }
  // Sources are read in a fixed order; a stable sort by time keeps ties in that order.
  events.sort((a, b) => a.ts - b.ts);
  return {
    dir,
    sources,
    events,
    problems: reader.problems,
    problemCount: reader.problemCount,
    propagation,
    convergence,
    checks: checks.filter((e) => e.event === "check"),
    hosts,
    runHosts: (await _runMetaHosts(dir)) ?? hosts,
    nodeCount,
  };
}

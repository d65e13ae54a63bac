/**
 * What `hive sim run` writes around a run: the checks on its output folder and the result as a
 * document (`--json`) or as text.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { EngineRunResult } from "../../../adapters/engine/types.ts";
import { UsageError } from "../../../core/errors.ts";
import { formatRecord } from "../../../core/output.ts";

/** Files that mark a folder as an earlier run's, which `--force` may replace. */
const _RUN_MARKERS = ["hive_run.json", "summary.json", "events.ndjson"];

/**
 * Refuse to run into a folder that already holds something: runs never mix. With `force`, an
 * earlier run's folder is emptied first; a folder that holds anything else is never removed.
 */
export async function checkOutDir(dir: string, force = false): Promise<void> {
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    if (names.length === 0) return;
    if (!force) {
      throw new UsageError(
        `--out: folder ${JSON.stringify(dir)} exists and is not empty; choose a new one, ` +
          `or add --force to replace an earlier run`,
      );
    }
    if (!names.some((n) => _RUN_MARKERS.includes(n))) {
      throw new UsageError(
        `--out: folder ${JSON.stringify(dir)} is not an earlier run's (no ${
          _RUN_MARKERS.join(", ")
        }); --force replaces only run folders`,
      );
    }
    for (const name of names) await Deno.remove(`${dir}/${name}`, { recursive: true });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof Deno.errors.NotADirectory) {
      const blocker = _notAFolderOnPath(dir);
      throw new UsageError(
        `--out: ${JSON.stringify(blocker.path)} is ${
          blocker.file ? "a file" : "not a folder"
        }, expected a folder`,
      );
    }
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new UsageError(
        `--out: cannot read folder ${JSON.stringify(dir)}: ${(error as Error).message}`,
      );
    }
    await _canMake(dir);
  }
}

/**
 * Make `dir` and take it away again, so a path that cannot hold a folder is named before the
 * run starts anything, and a run that fails before writing leaves nothing behind.
 */
async function _canMake(dir: string): Promise<void> {
  let top = dir.replace(/\/+$/, "");
  for (let up = dirname(top); up !== top && !existsSync(up); up = dirname(up)) top = up;
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    await Deno.remove(top, { recursive: true }).catch(() => {}); // what it made before failing
    throw new UsageError(
      `--out: cannot make folder ${JSON.stringify(dir)}: ${(error as Error).message}`,
    );
  }
  await Deno.remove(top, { recursive: true });
}

/** `dir` or the first of its parents that exists and is not a folder (what makes `dir` impossible). */
function _notAFolderOnPath(dir: string): { path: string; file: boolean } {
  const parts = dir.split("/");
  for (let k = 1; k <= parts.length; k++) {
    const path = parts.slice(0, k).join("/");
    if (path === "") continue;
    try {
      const info = Deno.statSync(path);
      if (!info.isDirectory) return { path, file: info.isFile };
    } catch { /* keep looking */ }
  }
  return { path: dir, file: true };
}

/** What `hive sim run --json` prints: the run result with snake_case keys, like every document. */
export function runDocument(r: EngineRunResult) {
  return {
    engine: r.engine,
    out_dir: r.outDir,
    simulated_s: r.simulatedS,
    wall_s: r.wallS,
    interrupted: r.interrupted,
    summary: r.summary,
  };
}

/** The run result for people: rounded numbers, the final state one host a line. */
export function runText(r: ReturnType<typeof runDocument>): string {
  const { final, events, ...rest } = r.summary as Record<string, unknown>;
  const record: Record<string, unknown> = {
    engine: r.engine,
    out: r.out_dir,
    simulated_s: r.simulated_s,
    wall_s: r.wall_s,
    interrupted: r.interrupted,
    ...rest,
    ...(events ? { events } : {}),
  };
  // formatRecord rounds numbers for people; the JSON document keeps every digit.
  let text = formatRecord(record);
  if (final && typeof final === "object") {
    text += "\nfinal state:\n";
    for (const [host, state] of Object.entries(final as Record<string, unknown>)) {
      text += `  ${host}: ${_stateText(state)}\n`;
    }
  }
  return text;
}

/** One host's final state for people: `height 106, top_hash ae6b4ac46b34…, peers 4`. */
function _stateText(state: unknown): string {
  if (state === null || typeof state !== "object") return String(state);
  return Object.entries(state as Record<string, unknown>).map(([key, value]) => {
    // A 64-digit hash is told apart by its start; the JSON document keeps all of it.
    const shown = typeof value === "string" && /^[0-9a-f]{64}$/.test(value)
      ? `${value.slice(0, 12)}…`
      : typeof value === "object" && value !== null
      ? formatRecord(value as Record<string, unknown>).trim().replaceAll("\n", ", ")
      : String(value);
    return `${key} ${shown}`;
  }).join(", ");
}

/**
 * `generate` as a function: scenario file -> folder with `shadow.yaml` and `network.gml`,
 * written atomically (a temporary folder beside the target, renamed into place; on any error
 * nothing is left behind).
 *
 * @module
 */
import { HiveError, UsageError } from "../../../core/errors.ts";
import { selfCommand } from "../../../core/self.ts";
import { type LoadedScenario, loadScenario } from "../scenario/load.ts";
import { GML_FILE, shadowParts, type ShadowSummary, shadowYamlHeader } from "./config.ts";
import { fileWriter, writeGmlFile, writeShadowYaml } from "./stream.ts";

/** Name of the Shadow config file in the output folder. */
export const SHADOW_FILE = "shadow.yaml";

/** Options for {@link generateShadowDir}. */
export interface GenerateOptions {
  /** Scenario file. */
  scenarioPath: string;
  /** Output folder; must not exist or be empty unless `force`. */
  outDir: string;
  /** `hive` path written into agent processes (default: {@link defaultHiveBin}). */
  hiveBin?: string;
  monerodBin?: string;
  walletRpcBin?: string;
  /** Replace a non-empty output folder. */
  force?: boolean;
  /** Progress callback: phase name, done, total. */
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** What {@link generateShadowDir} wrote. */
export interface GenerateResult extends ShadowSummary {
  scenario: string;
  name: string;
  seed: number;
  out: string;
  files: string[];
}

/**
 * The `hive` Shadow should run: `$HIVE_BIN` or this executable when compiled, else `hive` from
 * Shadow's PATH (from source, "this program" is deno plus a script, which Shadow cannot run).
 */
export function defaultHiveBin(): string {
  const self = selfCommand();
  return self.args.length === 0 ? self.cmd : "hive";
}

async function _exists(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

async function _isEmptyDir(path: string): Promise<boolean> {
  for await (const _ of Deno.readDir(path)) return false;
  return true;
}

function _split(path: string): { parent: string; base: string } {
  const trimmed = path.replace(/\/+$/, "") || "/";
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return { parent: ".", base: trimmed };
  return { parent: trimmed.slice(0, slash) || "/", base: trimmed.slice(slash + 1) };
}

/** Create `dir` and missing parents; return the topmost folder created (to undo), or null. */
async function _mkdirs(dir: string): Promise<string | null> {
  if (await _exists(dir)) return null;
  const { parent } = _split(dir);
  const top = parent !== dir ? await _mkdirs(parent) : null;
  await Deno.mkdir(dir);
  return top ?? dir;
}

/** Expand the scenario and write the Shadow folder. */
export async function generateShadowDir(options: GenerateOptions): Promise<GenerateResult> {
  const progress = options.onProgress ?? (() => {});
  progress("expand", 0, 1);
  const loaded: LoadedScenario = await loadScenario(options.scenarioPath);
  progress("expand", 1, 1);
  // Hosts are built as they are written (see stream.ts): memory stays flat as hosts grow.
  const parts = shadowParts(loaded, {
    hiveBin: options.hiveBin ?? defaultHiveBin(),
    monerodBin: options.monerodBin,
    walletRpcBin: options.walletRpcBin,
    onHost: (done, total) => progress("hosts", done, total),
  });

  const out = options.outDir;
  const existing = await _exists(out);
  if (existing && !existing.isDirectory) {
    throw new UsageError(`--out ${out}: exists and is not a folder`);
  }
  if (existing && !options.force && !(await _isEmptyDir(out))) {
    throw new UsageError(`--out ${out}: folder is not empty (use --force to replace it)`);
  }
  const { parent, base } = _split(out);
  const createdTop = await _mkdirs(parent);
  let temp: string | null = null;
  let old: string | null = null;
  try {
    temp = await Deno.makeTempDir({ dir: parent, prefix: `.${base}.tmp-` });
    // makeTempDir is private (0700); the result is an ordinary folder others may read.
    await Deno.chmod(temp, 0o755);
    const file = await Deno.open(`${temp}/${SHADOW_FILE}`, { write: true, createNew: true });
    try {
      await writeShadowYaml(parts, { header: shadowYamlHeader(loaded), write: fileWriter(file) });
    } finally {
      file.close();
    }
    progress("write", 1, 2);
    await writeGmlFile(loaded.network.graph, `${temp}/${GML_FILE}`);
    progress("write", 2, 2);
    if (existing) {
      // Move the old folder aside first: rename cannot replace a non-empty folder.
      old = `${temp}.old`;
      await Deno.rename(out, old);
    }
    await Deno.rename(temp, out);
    temp = null;
    if (old) await Deno.remove(old, { recursive: true });
    old = null;
  } catch (error) {
    if (old && !(await _exists(out))) await Deno.rename(old, out).catch(() => {});
    if (temp) await Deno.remove(temp, { recursive: true }).catch(() => {});
    if (createdTop) await Deno.remove(createdTop, { recursive: true }).catch(() => {});
    throw new HiveError(`cannot write ${out}: ${(error as Error).message}`, {
      code: "write_failed",
      cause: error,
    });
  }
  return {
    scenario: options.scenarioPath,
    name: loaded.model.name,
    seed: loaded.model.seed,
    out,
    files: [SHADOW_FILE, GML_FILE],
    ...parts.summary(),
  };
}

/** Options for {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Where to draw (stderr). */
  write: (text: string) => void;
  /** Bar width in characters. */
  width?: number;
  /** Minimum milliseconds between redraws. */
  intervalMs?: number;
  /** Clock (for tests). */
  now?: () => number;
}

/** A one-line progress bar redrawn in place with `\r`; `done()` ends the line. */
export function createProgressBar(options: ProgressBarOptions): {
  update: (phase: string, done: number, total: number) => void;
  done: () => void;
} {
  const width = options.width ?? 30;
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  let last = -Infinity;
  let drawn = false;
  return {
    update(phase, done, total) {
      const t = now();
      if (t - last < interval && done < total) return;
      last = t;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const fill = Math.round(frac * width);
      const pct = String(Math.round(frac * 100)).padStart(3);
      options.write(
        `\r\x1b[2K${phase.padEnd(6)} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${pct}% ` +
          `${done}/${total}`,
      );
      drawn = true;
    },
    done() {
      if (drawn) options.write("\n");
      drawn = false;
    },
  };
}

/** Options for {@link writeShadowFiles}. */
export interface WriteShadowFilesOptions {
  /** `hive` path written into agent processes (default: {@link defaultHiveBin}). */
  hiveBin?: string;
  monerodBin?: string;
  walletRpcBin?: string;
}

/**
 * Write `shadow.yaml` and `network.gml` for an already loaded scenario into an existing folder
 * (for the shadow engine, which owns its run folder) and return the path of `shadow.yaml`.
 */
export async function writeShadowFiles(
  loaded: LoadedScenario,
  dir: string,
  options: WriteShadowFilesOptions = {},
): Promise<string> {
  const parts = shadowParts(loaded, {
    hiveBin: options.hiveBin ?? defaultHiveBin(),
    monerodBin: options.monerodBin,
    walletRpcBin: options.walletRpcBin,
  });
  await writeGmlFile(loaded.network.graph, `${dir}/${GML_FILE}`);
  using file = await Deno.open(`${dir}/${SHADOW_FILE}`, {
    write: true,
    create: true,
    truncate: true,
  });
  await writeShadowYaml(parts, { header: shadowYamlHeader(loaded), write: fileWriter(file) });
  return `${dir}/${SHADOW_FILE}`;
}

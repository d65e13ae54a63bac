/**
 * The Shadow engine: writes the Shadow configuration for a model (`shadow.yaml` +
 * `network.gml`, via the `generate` code) into the output folder and runs `shadow` on it, when
 * Shadow is installed. Shadow keeps per-host process output under `DIR/shadow.data/hosts/`,
 * where `hive sim analyze` finds the agents' RunEvent lines.
 *
 * Shadow cannot be installed on every machine (it builds from source on Linux); without it the
 * run fails at once with instructions, before anything is written.
 *
 * Shadow's stdout (its log) goes to `DIR/shadow.log` and its stderr to `DIR/shadow.stderr.log`;
 * both are read on the way for progress (`progress.ts`): the run reports simulated seconds as
 * the local engine's `simulate` phase does, and Shadow's other stderr lines are shown.
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";
import type { SimModel } from "../types.ts";
import type { Engine, EngineRunOptions, EngineRunResult } from "../types.ts";
import { ShadowProgress } from "./progress.ts";

/** Where to get Shadow, shown when it is missing. */
export const SHADOW_INSTALL_HINT =
  "Shadow is not installed (no `shadow` on PATH). Shadow builds from source on Linux: see " +
  "https://shadow.github.io/docs/guide/install_shadow.html (git clone " +
  "https://github.com/shadow/shadow.git && cd shadow && ./setup build --clean && ./setup " +
  "install, then add ~/.local/bin to PATH). Meanwhile use `hive sim generate` to write the " +
  "config for another machine, or run with --engine local (real monerod) or --engine des.";

/** Writes the Shadow config files for a model into a folder; returns the config path. */
export type ShadowConfigWriter = (model: SimModel, outDir: string) => Promise<string>;

/** Options for {@link ShadowEngine}. */
export interface ShadowEngineOptions {
  /** The `shadow` executable: a path, or a name looked up on PATH. Default `shadow`. */
  shadowBin?: string;
  /** Writes `shadow.yaml` + `network.gml`. Required to run (the `generate` code). */
  writeConfig?: ShadowConfigWriter;
  /** Environment to read PATH from (tests). */
  env?: Record<string, string>;
}

/** Find an executable: a path with a slash is checked as is; a bare name is searched on PATH. */
export async function findExecutable(
  name: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<string | null> {
  const candidates = name.includes("/")
    ? [name]
    : (env.PATH ?? "").split(":").filter(Boolean).map((dir) => `${dir}/${name}`);
  for (const path of candidates) {
    try {
      const info = await Deno.stat(path);
      if (info.isFile && info.mode !== null && (info.mode & 0o111) !== 0) return path;
    } catch { /* not there */ }
  }
  return null;
}

/** Runs a model under Shadow. */
export class ShadowEngine implements Engine {
  readonly name = "shadow" as const;
  readonly #options: ShadowEngineOptions;

  constructor(options: ShadowEngineOptions = {}) {
    this.#options = options;
  }

  /** Generate the config and run `shadow`; fails with install instructions when it is missing. */
  async run(options: EngineRunOptions): Promise<EngineRunResult> {
    const { model, outDir, logger, signal } = options;
    const bin = await findExecutable(this.#options.shadowBin ?? "shadow", this.#options.env);
    if (!bin) throw new HiveError(SHADOW_INSTALL_HINT, { code: "shadow_missing" });
    const writeConfig = this.#options.writeConfig;
    if (!writeConfig) {
      throw new HiveError("shadow engine: no config writer given", { code: "shadow_config" });
    }
    const started = Date.now();
    await Deno.mkdir(outDir, { recursive: true });
    const config = await writeConfig(model, outDir);
    const dataDir = `${outDir}/shadow.data`;
    logger.info("running shadow", { shadow: bin, config, data: dataDir });
    const log = await Deno.open(`${outDir}/shadow.log`, { append: true, create: true });
    const errLog = await Deno.open(`${outDir}/shadow.stderr.log`, { append: true, create: true });
    const child = new Deno.Command(bin, {
      args: ["--progress=true", `--data-directory=${dataDir}`, config],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Shadow's status line becomes the run's own progress; its other stderr lines are shown.
    const progress = new ShadowProgress({
      totalS: model.stopTimeS,
      onProgress: options.onProgress,
      onFailedProcesses: (count) => logger.warn("shadow: managed processes failed", { count }),
    });
    const onAbort = () => {
      try {
        child.kill("SIGINT");
      } catch { /* already gone */ }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    let status: Deno.CommandStatus;
    try {
      await Promise.all([
        _follow(child.stdout, (bytes, text) => {
          progress.stdout(text);
          return _writeAll(log, bytes);
        }).finally(() => log.close()),
        _follow(child.stderr, async (bytes, text) => {
          await _writeAll(errLog, bytes);
          const lines = progress.stderr(text);
          if (lines.length > 0) {
            await Deno.stderr.write(new TextEncoder().encode(lines.join("\n") + "\n"));
          }
        }).finally(() => errLog.close()),
      ]);
      status = await child.status;
      if (status.success) progress.finish();
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    const interrupted = signal?.aborted ?? false;
    if (!status.success && !interrupted) {
      throw new HiveError(
        `shadow exited with code ${status.code}; see ${outDir}/shadow.log and ${dataDir}`,
        { code: "shadow_failed" },
      );
    }
    return {
      engine: "shadow",
      outDir,
      simulatedS: model.stopTimeS,
      wallS: (Date.now() - started) / 1000,
      interrupted,
      summary: {
        hosts: model.hosts.length,
        config,
        data_dir: dataDir,
        exit_code: status.code,
        failed_processes: progress.failedProcesses,
      },
    };
  }
}

/** Read a stream to its end, handing each chunk (bytes and text) to `onChunk` in order. */
async function _follow(
  stream: ReadableStream<Uint8Array>,
  onChunk: (bytes: Uint8Array, text: string) => Promise<unknown>,
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const bytes of stream) await onChunk(bytes, decoder.decode(bytes, { stream: true }));
}

async function _writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await file.write(bytes.subarray(off));
}

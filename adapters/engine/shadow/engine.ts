/**
 * The Shadow engine: writes the Shadow configuration for a model (`shadow.yaml` +
 * `network.gml`, via the `generate` code) into the output folder and runs `shadow` on it, when
 * Shadow is installed. Shadow keeps per-host process output under `DIR/shadow.data/hosts/`,
 * where `hive sim analyze` finds the agents' RunEvent lines.
 *
 * Shadow cannot be installed on every machine (it builds from source on Linux); without it the
 * run fails at once with instructions, before anything is written.
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";
import type { SimModel } from "../types.ts";
import type { Engine, EngineRunOptions, EngineRunResult } from "../types.ts";

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
    const child = new Deno.Command(bin, {
      args: ["--progress=true", `--data-directory=${dataDir}`, config],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const onAbort = () => {
      try {
        child.kill("SIGINT");
      } catch { /* already gone */ }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    let status: Deno.CommandStatus;
    try {
      await child.stdout.pipeTo(log.writable);
      status = await child.status;
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
      summary: { hosts: model.hosts.length, config, data_dir: dataDir, exit_code: status.code },
    };
  }
}

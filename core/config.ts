/**
 * Configuration: YAML from `--config`, `$HIVE_CONFIG` or `~/.config/hive/config.yaml`, then
 * `HIVE_*` environment overrides, validated with zod. Every field has a default.
 *
 * @example
 * ```ts
 * import { baseConfigShape, loadConfig } from "./config.ts";
 * import { z } from "zod";
 * const { config } = await loadConfig(z.strictObject(baseConfigShape), {});
 * console.log(config.ports.http); // 8787 unless overridden
 * ```
 * @module
 */
import { z } from "zod";
import { ConfigError, describeValue, formatIssues } from "./errors.ts";
import { LOG_LEVELS } from "./logger.ts";

/** An integer in `lo..hi` whose error says so. */
export function intRange(lo: number, hi: number): z.ZodInt {
  const error = `expected integer ${lo}..${hi}`;
  return z.int({ error }).min(lo, { error }).max(hi, { error });
}

/** Home directory, or the current one when HOME is unset. */
export function homeDir(): string {
  return Deno.env.get("HOME") ?? Deno.cwd();
}

/** Where hive keeps identities, tokens and data by default. */
export function defaultDataDir(): string {
  const xdg = Deno.env.get("XDG_DATA_HOME");
  return xdg ? `${xdg}/hive` : `${homeDir()}/.local/share/hive`;
}

/** Sections every subcommand shares. Subcommands add their own next to these. */
export const baseConfigShape = {
  log: z.strictObject({
    level: z.enum(LOG_LEVELS).default("info"),
    // auto: pretty lines when stderr is a terminal, NDJSON otherwise (pipes, files, supervisors).
    format: z.enum(["auto", "json", "pretty"]).default("auto"),
    file: z.string().min(1).nullable().default(null),
    max_bytes: intRange(1024, 2 ** 40).default(10 * 1024 * 1024),
    max_files: intRange(1, 100).default(5),
  }).prefault({}),
  ports: z.strictObject({
    http: intRange(0, 65535).default(8787),
  }).prefault({}),
  data_dir: z.string().min(1).default(() => defaultDataDir()),
};

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Explicit file (from `--config`); must exist. */
  path?: string;
  /** Environment to read `HIVE_*` and `HIVE_CONFIG` from. Default: the process environment. */
  env?: Record<string, string>;
}

/** A loaded configuration and where it came from. */
export interface LoadedConfig<T> {
  config: T;
  /** File that was read, or null when only defaults and env applied. */
  source: string | null;
  /** Env variables that were applied, by name. */
  envApplied: string[];
  /** `HIVE_*` variables that look like a misspelt setting, each with the name it resembles. */
  envMisspelt: { name: string; suggestion: string }[];
}

interface _Leaf {
  path: string[];
  isString: boolean;
}

function _unwrap(schema: z.ZodType): z.ZodType {
  let current = schema as z.ZodType & { _zod: { def: Record<string, unknown> } };
  for (let i = 0; i < 10; i++) {
    const def = current._zod.def;
    if (
      ["default", "prefault", "optional", "nullable", "pipe", "readonly"].includes(
        def.type as string,
      ) && (def.innerType || def.in)
    ) {
      current = (def.innerType ?? def.in) as typeof current;
    } else break;
  }
  return current;
}

function _leaves(schema: z.ZodType, prefix: string[] = []): _Leaf[] {
  const inner = _unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape).flatMap(([key, child]) =>
      _leaves(child as z.ZodType, [...prefix, key])
    );
  }
  return [{ path: prefix, isString: inner instanceof z.ZodString }];
}

/** Env variable name for a config path, e.g. `ports.http` -> `HIVE_PORTS_HTTP`. */
export function envNameFor(path: readonly string[]): string {
  return "HIVE_" + path.join("_").toUpperCase();
}

function _setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== "object" || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

async function _readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`config file ${path}: not found`);
    }
    throw new ConfigError(`config file ${path}: cannot read (${(error as Error).message})`);
  }
  try {
    // yaml is loaded only when there is YAML to read: most runs have no config file.
    const { parse: parseYaml } = await import("yaml");
    const data = parseYaml(text);
    if (data === null || data === undefined) return {};
    if (typeof data !== "object" || Array.isArray(data)) {
      throw new ConfigError(
        `config file ${path}: expected a mapping at the top level, got ${describeValue(data)}`,
      );
    }
    return data;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const { YAMLParseError } = await import("yaml");
    const where = error instanceof YAMLParseError && error.linePos
      ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
      : "";
    // yaml ends its first line with the same position; say it once.
    const reason = (error as Error).message.split("\n")[0].replace(
      / at line \d+, column \d+:?$/,
      "",
    );
    throw new ConfigError(`config file ${path}: invalid YAML${where}: ${reason}`);
  }
}

/**
 * Load and validate configuration. Errors are `ConfigError`s naming the path and value, e.g.
 * `ports.http: expected integer 0..65535, got "abc"`.
 */
export async function loadConfig<T extends z.ZodType>(
  schema: T,
  options: LoadConfigOptions = {},
): Promise<LoadedConfig<z.output<T>>> {
  const env = options.env ?? Deno.env.toObject();
  let source: string | null = null;
  let raw: unknown = {};
  const explicit = options.path ?? env.HIVE_CONFIG;
  if (explicit) {
    source = explicit;
    raw = await _readYaml(explicit);
  } else {
    const fallback = `${env.HOME ?? homeDir()}/.config/hive/config.yaml`;
    try {
      await Deno.stat(fallback);
      source = fallback;
      raw = await _readYaml(fallback);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }

  const data = structuredClone(raw) as Record<string, unknown>;
  const envApplied: string[] = [];
  const leaves = new Map(_leaves(schema).map((leaf) => [envNameFor(leaf.path), leaf]));
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("HIVE_") || name === "HIVE_CONFIG") continue;
    const leaf = leaves.get(name);
    if (!leaf) continue;
    let parsed: unknown = value;
    if (!leaf.isString) {
      try {
        parsed = (await import("yaml")).parse(value);
      } catch {
        parsed = value;
      }
    }
    _setPath(data, leaf.path, parsed);
    envApplied.push(name);
  }

  const what = source ? `config ${source}` : "config";
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(_configProblems(result.error.issues, what, leaves, env));
  }
  const config = result.data;
  const envMisspelt = Object.keys(env).filter((name) =>
    name.startsWith("HIVE_") && !leaves.has(name)
  ).flatMap((name) => {
    const suggestion = closestName(name, [...leaves.keys()]);
    return suggestion ? [{ name, suggestion }] : [];
  });
  return { config, source, envApplied, envMisspelt };
}

/**
 * Problems as the user wrote them: a value that came from `HIVE_PORTS_HTTP` is named by that
 * variable, one from the file by its field path.
 */
function _configProblems(
  issues: readonly z.core.$ZodIssue[],
  what: string,
  leaves: Map<string, _Leaf>,
  env: Record<string, string>,
): string {
  const fromEnv = new Map(
    [...leaves].filter(([name]) => env[name] !== undefined).map(([name, leaf]) => [
      leaf.path.join("."),
      name,
    ]),
  );
  const lines = issues.map((issue) => {
    const envName = fromEnv.get(issue.path.map(String).join("."));
    const [line] = formatIssues([issue]);
    return envName ? `${envName}${line.slice(line.indexOf(":"))}` : `${what}: ${line}`;
  });
  return lines.join("; ");
}

/**
 * The candidate within edit distance 2 of `name` (the closest), or undefined. Used to point at
 * misspelt settings: `HIVE_PORT_HTTP` -> `HIVE_PORTS_HTTP`.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = _editDistance(name, candidate, bestDistance);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function _editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

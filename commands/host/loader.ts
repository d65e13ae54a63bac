/**
 * Loads agent modules from a folder (`--agents-dir`). A module exports either `createAgent()`
 * (a fresh agent per start) or an `agent` object. A module that fails to import, exports neither,
 * or exports something that is not an agent is reported as a broken agent and skipped.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { ConfigError, formatIssues } from "../../core/errors.ts";
import { type Agent, agentShapeSchema } from "./agent.ts";
import type { AgentFactory } from "./agents.ts";

/** File endings treated as agent modules. */
export const AGENT_MODULE_PATTERN = /\.(ts|js|mjs)$/;

/** One module's outcome. */
export type LoadedAgent =
  | { ok: true; name: string; source: string; factory: AgentFactory }
  | { ok: false; name: string; source: string; error: string };

const _moduleShape = z.looseObject({
  createAgent: z.custom<() => unknown>((v) => typeof v === "function", {
    error: "expected a function",
  }).optional(),
  agent: z.unknown().optional(),
}).refine((m) => m.createAgent !== undefined || m.agent !== undefined, {
  error: "expected an export named createAgent (function) or agent (object)",
});

/** A name for a module that never told us its own: the file name, made URL-safe. */
function _nameFromFile(file: string): string {
  return file.replace(AGENT_MODULE_PATTERN, "").toLowerCase().replace(/[^a-z0-9_-]/g, "-")
    .replace(/^[^a-z0-9]+/, "").slice(0, 64) || "agent";
}

function _within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Import one module and check it describes an agent. Never throws. */
export async function loadAgentModule(path: string, timeoutMs = 10_000): Promise<LoadedAgent> {
  const file = path.slice(path.lastIndexOf("/") + 1);
  const fallback = _nameFromFile(file);
  let mod: unknown;
  try {
    mod = await _within(timeoutMs, `import ${file}`, import(pathToFileURL(path).href));
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    return { ok: false, name: fallback, source: path, error: `import failed: ${reason}` };
  }
  const shape = _moduleShape.safeParse(mod, { reportInput: true });
  if (!shape.success) {
    return {
      ok: false,
      name: fallback,
      source: path,
      error: formatIssues(shape.error.issues).join("; "),
    };
  }
  const exports = shape.data;
  const factory: AgentFactory = exports.createAgent
    ? () => exports.createAgent!() as Agent
    : () => exports.agent as Agent;
  let sample: unknown;
  try {
    sample = factory();
  } catch (error) {
    return { ok: false, name: fallback, source: path, error: `createAgent() threw: ${error}` };
  }
  const agent = agentShapeSchema.safeParse(sample, { reportInput: true });
  if (!agent.success) {
    return {
      ok: false,
      name: fallback,
      source: path,
      error: formatIssues(agent.error.issues, exports.createAgent ? "createAgent()" : "agent")
        .join("; "),
    };
  }
  // The sample is used for the first start so a module-level `agent` object is not made twice.
  let first: Agent | null = sample as Agent;
  return {
    ok: true,
    name: agent.data.name,
    source: path,
    factory: () => {
      const next = first ?? factory();
      first = null;
      return next;
    },
  };
}

/** Load every agent module in `dir` (sorted by file name). */
export async function loadAgentsDir(dir: string): Promise<LoadedAgent[]> {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && AGENT_MODULE_PATTERN.test(entry.name)) files.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`--agents-dir ${dir}: no such folder`);
    }
    throw new ConfigError(`--agents-dir ${dir}: ${(error as Error).message}`);
  }
  files.sort();
  const absolute = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  const results: LoadedAgent[] = [];
  for (const file of files) results.push(await loadAgentModule(`${absolute}/${file}`));
  return results;
}

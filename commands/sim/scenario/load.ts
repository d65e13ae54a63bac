/**
 * Scenario files: YAML -> validated {@link ScenarioFile} -> expanded {@link SimModel}. This
 * module reads and parses; `validate.ts` checks, `hosts.ts` expands names, `expand.ts` expands
 * the rest as named steps and `model.ts` assembles the model.
 *
 * Problems are reported as `path: message, got value` lines, all at once where possible.
 *
 * @example
 * ```ts
 * import { loadScenario } from "./load.ts";
 * const { model } = await loadScenario("fixtures/scenarios/ring.yaml");
 * console.log(model.hosts.length, model.edges.length);
 * ```
 * @module
 */
import { parse as parseYaml, YAMLParseError } from "yaml";
import { ConfigError } from "../../../core/errors.ts";
import type { SimModel } from "../../../adapters/engine/types.ts";
import { expandScenario, type LoadedScenario, type ParseScenarioOptions } from "./expand.ts";
import { expandAgents } from "./hosts.ts";
import type { Addressing } from "./model.ts";
import { Problems } from "./problems.ts";
import type { ScenarioFile } from "./schema.ts";
import { checkHashrates, checkTimes, validateAttacks, validateScenario } from "./validate.ts";

export { expandRange, MAX_HOSTS } from "./hosts.ts";
export { P2P_PORT, RPC_PORT, WALLET_RPC_PORT } from "./model.ts";
export { sampleDist } from "./physical.ts";
export type { Addressing, LoadedScenario, ParseScenarioOptions, ScenarioFile, SimModel };
export type { PhysicalNetwork } from "./physical.ts";

/** Read and expand a scenario file. */
export async function loadScenario(
  path: string,
  options: Pick<ParseScenarioOptions, "addressing" | "engine"> = {},
): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`scenario ${path}: cannot read: ${(error as Error).message}`, {
      code: "scenario_unreadable",
    });
  }
  const slash = path.lastIndexOf("/");
  const baseDir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  const file = path.slice(slash + 1);
  const name = file.replace(/\.(ya?ml|json)$/i, "");
  return await parseScenario(text, { baseDir, name, source: path, ...options });
}

/** Validate scenario text and expand it into a {@link SimModel}. */
export async function parseScenario(
  text: string,
  options: ParseScenarioOptions,
): Promise<LoadedScenario> {
  const problems = new Problems(options.source ?? options.name);
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0];
      const at = where ? ` at line ${where.line}, column ${where.col}` : "";
      throw new ConfigError(
        `scenario ${problems.source}: YAML syntax error${at}: ${
          error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")
        }`,
        { code: "scenario_invalid" },
      );
    }
    // The parser's own refusals that are no syntax error: aliases expanding past its limit.
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new ConfigError(`scenario ${problems.source}: YAML refused: ${error.message}`, {
        code: "scenario_invalid",
      });
    }
    throw error;
  }
  const parts = validateScenario(data, problems);
  const attacks = validateAttacks(parts.attacks, problems);
  if (!parts.scenario) {
    // The file failed the schema: still check what passed, so one pass reports everything.
    const agents = expandAgents({ agents: parts.agents }, problems, {
      leftOut: parts.agentsLeftOut,
    });
    // A hashrate of an entry left out is missing from the sum.
    if (parts.hashratesLeftOut) agents.incomplete = true;
    checkHashrates(agents, problems);
    if (parts.general) checkTimes(parts.general, agents, problems);
    problems.check();
  }
  const scenario = parts.scenario as ScenarioFile;
  const agents = expandAgents(scenario, problems);
  return await expandScenario(scenario, attacks, agents, options, problems);
}

/**
 * Test support for the scenario loader: the fixtures folder, parse options, a small scenario
 * builder and a helper that expects a ConfigError (exit code 2) and returns its message, shared
 * by the tests under `tests/commands/sim/scenario/`.
 *
 * @module
 */
import { equal } from "@std/assert";
import { ConfigError } from "../../../core/errors.ts";
import { parseScenario, type ParseScenarioOptions } from "../../../commands/sim/scenario/load.ts";
import { rejection } from "../../_helpers.ts";

/** Absolute path of `fixtures/scenarios/`, with a trailing slash. */
export const FIXTURES: string = new URL("../../../fixtures/scenarios/", import.meta.url).pathname;

/** Parse options for inline scenarios: relative files resolve in {@link FIXTURES}; name "t". */
export const OPTS: ParseScenarioOptions = { baseDir: FIXTURES, name: "t" };

/** Four miners of equal hashrate, as an `agents:` block. */
export const MINERS = "  miner-{1..4}: { kind: miner, hashrate: 25 }";

/** A small valid scenario with `extra` YAML appended. */
export function scenario(network: string, agents: string, extra = ""): string {
  return `general: { stop_time: 1h, seed: 4 }\nnetwork: ${network}\nagents:\n${agents}\n${extra}`;
}

/** Parse `text`, expecting a ConfigError with exit code 2; returns its message. */
export async function problem(text: string, options = OPTS): Promise<string> {
  const error = await rejection(parseScenario(text, options), ConfigError);
  equal(error.exitCode, 2);
  return error.message;
}

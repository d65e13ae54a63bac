/**
 * Test support for the `hive sim` subcommands run from source: `hive` and `hiveEnv` wrappers
 * over `runHive`, a temporary folder that is always removed, the fixtures folder and a
 * scenario that fails validation, shared by the tests under `tests/commands/sim/cli/`.
 *
 * @module
 */
import { type HiveRun, runHive, withTempDir } from "../../_helpers.ts";

/** Absolute path of `fixtures/scenarios/`, with a trailing slash. */
export const FIXTURES: string = new URL("../../../fixtures/scenarios/", import.meta.url).pathname;

/** A three-miner ring scenario that `sim` rejects with exit code 2. */
export const BAD = "general: { stop_time: 1h }\nnetwork: { topology: ring }\nagents:\n" +
  "  miner-{1..3}: { kind: miner, hashrate: 30 }\n";

/** Run `hive ARGS...` from source to completion. */
export async function hive(...args: string[]): Promise<HiveRun> {
  return await hiveEnv({}, ...args);
}

/** Run `hive ARGS...` from source with `env` added to the environment. */
export function hiveEnv(env: Record<string, string>, ...args: string[]): Promise<HiveRun> {
  return runHive(args, { env });
}

/** Run `fn` with a fresh temporary folder, removed afterwards whatever `fn` does. */
export function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  return withTempDir(fn, "hive-sim-cli-");
}

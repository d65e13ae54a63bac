/**
 * Which checks a run makes and their bounds: a `checks:` document (in its own YAML file given
 * with `hive sim run --checks FILE`, or under `checks:` in the scenario once its schema takes
 * it). Every check is off unless named.
 *
 * ```yaml
 * checks:
 *   convergence: { within: 5m }   # honest nodes agree on one tip within 5 min of the last block
 *   disconnected: { max: 10m }    # no node offline or without peers for longer than 10 min
 *   tx_in_chain: true             # every confirmed transaction is in the final chain
 *   reorg_depth: { max: 3 }       # no reorganisation deeper than 3 blocks
 * ```
 *
 * @module
 */
import { z } from "zod";
import { parse as parseYaml } from "yaml";
import { parseWith, UsageError } from "../../../core/errors.ts";
import { durationSchema } from "../scenario/units.ts";

/** Schema of the checks section. */
export const checksSchema = z.strictObject({
  convergence: z.strictObject({ within: durationSchema }).optional(),
  disconnected: z.strictObject({ max: durationSchema }).optional(),
  tx_in_chain: z.boolean().optional(),
  reorg_depth: z.strictObject({ max: z.int().min(0).max(10_000) }).optional(),
});

/** The checks of a run, bounds in seconds and blocks. */
export type ChecksConfig = z.output<typeof checksSchema>;

/** Names of the checks, as in `check` events. */
export const CHECK_NAMES = ["convergence", "disconnected", "tx_in_chain", "reorg_depth"] as const;

/** Validate a checks section; errors name the field and value. */
export function parseChecks(input: unknown, what = "checks"): ChecksConfig {
  return parseWith(checksSchema, input ?? {}, { what, makeError: (m) => new UsageError(m) });
}

/** Read a checks file: YAML or JSON, the section itself or a document with `checks:` in it. */
export async function loadChecksFile(path: string): Promise<ChecksConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new UsageError(`--checks: no file ${JSON.stringify(path)}`);
    }
    throw error;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--checks: ${path}: not YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const section = doc && typeof doc === "object" && "checks" in doc
    ? (doc as { checks: unknown }).checks
    : doc;
  return parseChecks(section, `--checks ${path}`);
}

/** True when no check is configured. */
export function noChecks(config: ChecksConfig): boolean {
  return Object.values(config).every((v) => v === undefined || v === false);
}

/**
 * The checks of a run: `--checks FILE`, else the scenario's `checks:` section, else null (also
 * when nothing is configured).
 */
export async function checksForRun(
  file: string | undefined,
  scenario: unknown,
): Promise<ChecksConfig | null> {
  const section = (scenario as { checks?: unknown } | null)?.checks;
  const config = file !== undefined
    ? await loadChecksFile(file)
    : section !== undefined
    ? parseChecks(section, "scenario checks")
    : null;
  return config && !noChecks(config) ? config : null;
}

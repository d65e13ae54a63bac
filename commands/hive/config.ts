/**
 * Settings of `hive hive`: the `hive` section of `config.yaml` (`HIVE_HIVE_*` in the
 * environment). Flags beat these.
 *
 * @module
 */
import { z } from "zod";
import { intRange } from "../../core/config.ts";

/** The `hive` section; every field has a default. */
export const hiveFleetConfigSchema = z.strictObject({
  /** Lightning backend: `simnet` (embedded) or `cln` (next issue). */
  backend: z.enum(["simnet", "cln"]).default("simnet"),
  /** Where simnet keeps the fleet between commands; default `<data_dir>/hive-simnet`. */
  simnet_dir: z.string().min(1).nullable().default(null),
  /** Nodes a new simnet workspace gets. */
  simnet_nodes: intRange(1, 200).default(10),
  /** Seed of a new simnet workspace (keys, latency). */
  simnet_seed: intRange(0, 2 ** 31 - 1).default(1),
  governance_mode: z.enum(["advisor", "autonomous", "oracle"]).default("advisor"),
  budget_sats_per_day: intRange(0, 2 ** 40).default(1_000_000),
  actions_per_hour: intRange(0, 10_000).default(2),
  oracle_url: z.url({ protocol: /^https?$/, error: "expected an http(s):// URL" }).nullable()
    .default(null),
  oracle_timeout_ms: intRange(10, 600_000).default(5000),
  heartbeat_seconds: intRange(0, 86_400).default(300),
  intent_hold_seconds: intRange(1, 3600).default(60),
}).prefault({});

/** A loaded `hive` section. */
export type HiveFleetConfig = z.output<typeof hiveFleetConfigSchema>;

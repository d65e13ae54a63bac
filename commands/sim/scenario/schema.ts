/**
 * The zod schema of a scenario file. Quantities are parsed here (durations to seconds, latency
 * to milliseconds, bandwidth to bits/s); cross-field rules (ranges, hashrate sum, references,
 * connectivity) are checked during expansion in `scenario.ts`, where the names exist.
 *
 * @module
 */
import { z } from "zod";
import { checksSchema } from "../checks/config.ts";
import { intRange } from "../../../core/config.ts";
import {
  bandwidthSchema,
  bandwidthSpreadSchema,
  durationSchema,
  formatBandwidth,
  formatLatency,
  latencySchema,
} from "./units.ts";
import { desNetModelSchema } from "../../../adapters/engine/des/netmodel.ts";

/** Agent kinds. */
export const AGENT_KINDS = ["miner", "user", "observer", "monitor", "attacker"] as const;
/** Attack kinds. */
export const ATTACK_KINDS = ["sybil", "eclipse", "partition", "double_spend"] as const;
/** Peer discovery modes. */
export const PEER_MODES = ["dynamic", "hardcoded", "hybrid"] as const;

/** The forms of a distribution, as messages list them (keep in step with `_dist`). */
const _DIST_FORMS = "a fixed value, {uniform: [a, b]} or {normal: {mean, stddev}}";

/**
 * The message of a value that is none of a distribution's forms. `validate.ts` shows it when
 * the value is no attempt at any form (an object whose keys no form knows, or another type);
 * otherwise it narrows to the form meant and shows that form's own problem.
 */
function _notADist(issue: { input?: unknown }): string {
  const v = issue.input;
  const keys = typeof v === "object" && v !== null && !Array.isArray(v) ? Object.keys(v) : [];
  if (keys.length === 0) return `expected ${_DIST_FORMS}`;
  return `unknown distribution ${keys.map((k) => JSON.stringify(k)).join(", ")} (${_DIST_FORMS})`;
}

/**
 * A value drawn per host or per link: fixed, uniform between two bounds (low first), or
 * normal. `spread` checks the normal's stddev; `format` writes a value back for messages.
 */
function _dist<T extends z.ZodType<number>, S extends z.ZodType>(
  quantity: T,
  example: string,
  spread: S,
  format: (n: number) => string,
) {
  const bounds = z.tuple([quantity, quantity]).check((ctx) => {
    const [low, high] = ctx.value as [number, number];
    if (low <= high) return;
    // The values as units, not the bits/s or ms they were parsed into.
    const input = [format(low), format(high)];
    ctx.issues.push({ code: "custom", message: "the low bound is above the high bound", input });
  });
  return z.union([
    quantity,
    z.strictObject({ uniform: bounds }).describe(
      `uniform between two bounds, low first, e.g. {uniform: ["${example}", ...]}`,
    ),
    z.strictObject({
      normal: z.strictObject({ mean: quantity, stddev: spread }),
    }).describe("normal, truncated at zero"),
  ], { error: _notADist });
}

/** A latency distribution in milliseconds (each value at most 1 h). */
export const latencyDistSchema = _dist(latencySchema, "20 ms", latencySchema, formatLatency);
/**
 * A bandwidth distribution in bits per second: values above 0 and at most 1 Tbit (a stddev may
 * be 0).
 */
export const bandwidthDistSchema = _dist(
  bandwidthSchema,
  "50 Mbit",
  bandwidthSpreadSchema,
  formatBandwidth,
);
/** A parsed distribution. */
export type Dist = z.output<typeof latencyDistSchema>;
/** One region of a generated topology. */
export type RegionSpec = z.output<typeof regionSchema>;

const _probability = z.number().min(0).max(1);

/** One region of a generated topology. */
export const regionSchema = z.strictObject({
  weight: z.number().positive().default(1).describe(
    "share of hosts without an explicit region placed here",
  ),
  latency: latencyDistSchema.optional().describe("link latency inside the region"),
  jitter: latencySchema.optional().describe("jitter of links inside the region (see network)"),
  bandwidth: bandwidthDistSchema.optional().describe("host bandwidth (down, and up by default)"),
  bandwidth_up: bandwidthDistSchema.optional().describe("host upload bandwidth"),
  packet_loss: _probability.optional(),
});

/** `network`: physical graph (switch, GML or generated) plus the peer topology and peer mode. */
export const networkSchema = z.strictObject({
  type: z.literal("1_gbit_switch").optional().describe("Shadow's built-in one-node switch"),
  gml: z.string().min(1).optional().describe("GML network graph, relative to the scenario"),
  topology: z.string().optional().describe(
    "peer graph: star | ring | mesh | dag(k) | random_regular(k) | scale_free(m) | regions(k)",
  ),
  peer_mode: z.enum(PEER_MODES).default("hardcoded").describe(
    "hardcoded: --add-exclusive-node per neighbour; hybrid: --add-priority-node per neighbour " +
      "plus --seed-node; dynamic: --seed-node only",
  ),
  seed_nodes: z.array(z.string().min(1)).default([]).describe("hosts used as --seed-node"),
  fallback_seeds: z.array(z.string().min(1)).default([]).describe(
    "reachability: hosts every other node falls back to for peer addresses when it has too " +
      "few (--seed-node; monerod ignores it beside exclusive peers, so not in hardcoded mode). " +
      "Monerosim's general.fallback_seeds hosts monerod's built-in seed IPs; hive names hosts",
  ),
  dns_server: z.boolean().default(false).describe(
    "reachability: monerod's DNS lookups on (checkpoints, --enable-dns-blocklist) and kept " +
      "inside the simulation (Shadow's resolver; the local engine points them at loopback). " +
      "Off (default): --disable-dns-checkpoints. Regtest nodes make no mainnet seed lookups",
  ),
  latency: latencyDistSchema.prefault("50 ms"),
  inter_region_latency: latencyDistSchema.optional().describe(
    "link latency between regions (default: one draw from each side's region, added)",
  ),
  bandwidth: bandwidthDistSchema.prefault("100 Mbit"),
  bandwidth_up: bandwidthDistSchema.optional(),
  packet_loss: _probability.default(0),
  jitter: latencySchema.optional().describe(
    "local engine: standard deviation of a normal delay its link relays add to each chunk " +
      "(between regions, the two regions' jitters combine as independent draws). The des " +
      "engine refuses it (des.latency draws per-message latency); Shadow's graph has no jitter",
  ),
  regions: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/), regionSchema).optional(),
});

const _flags = z.array(
  z.string().regex(/^--[a-z0-9][a-z0-9-]*(=.*)?$/, {
    error: 'expected a monerod flag like "--out-peers=8"',
  }),
);

const _amount = z.union([
  z.number().positive(),
  z.strictObject({ min: z.number().positive(), max: z.number().positive() }),
]);

/** One upgrade of a group: at `at` (plus the member's stagger) its monerod is replaced. */
const _upgrade = z.strictObject({
  at: durationSchema.describe("when the first member's monerod is stopped and replaced"),
  stagger: durationSchema.default(0).describe("member i upgrades i × stagger later"),
  daemon_binary: z.string().min(1).optional().describe("the new monerod"),
  daemon_args: _flags.default([]).describe("flags of the new one, merged over the old"),
});

/** A parsed upgrade entry. */
export type UpgradeSpec = z.output<typeof _upgrade>;

/** A group's upgrades as a list, in the order written (one entry when it wrote an object). */
export function upgradeList(spec: { upgrade?: UpgradeSpec | UpgradeSpec[] }): UpgradeSpec[] {
  return spec.upgrade === undefined ? [] : [spec.upgrade].flat();
}

/** One entry of `agents`; its key may hold a range like `miner-{001..050}`. */
export const agentSchema = z.strictObject({
  kind: z.enum(AGENT_KINDS),
  hashrate: z.union([z.number().min(0).max(100), z.array(z.number().min(0).max(100)).min(1)])
    .optional().describe(
      "percent of total hashrate (miners, hashing attackers); all must sum to 100. A list " +
        "gives each member of a range its own, in order",
    ),
  region: z.string().optional(),
  network_node_id: z.int().min(0).optional().describe("GML node for this host (gml only)"),
  start_time: durationSchema.default(0),
  start_time_stagger: z.union([
    durationSchema,
    z.strictObject({ every: durationSchema, batch: z.int().min(1).default(1) }),
  ]).optional().describe(
    "range members start this much apart (member i at start_time + i × stagger), or " +
      "{every, batch}: batch members at a time, every apart",
  ),
  daemon_args: _flags.default([]).describe(
    "monerod flags for these hosts, merged by name over daemon_defaults and hive's own",
  ),
  interval_mean: durationSchema.optional().describe("user: mean time between transfers"),
  amount: _amount.optional().describe("user: XMR per transfer, fixed or {min, max}"),
  interval_kind: z.enum(["exponential", "fixed"]).default("exponential").describe(
    "user: exponential (Poisson sends of mean interval_mean) or fixed (one every interval_mean)",
  ),
  tx_send_probability: _probability.default(1).describe(
    "user: chance each due transfer is sent (Monerosim's tx_send_probability)",
  ),
  activity_start_time: durationSchema.optional().describe(
    "user: simulated time from which it sends (default: from its start, once funded)",
  ),
  behavior: z.string().min(1).optional().describe(
    "a behaviour plugin run in place of the kind's agent: constant_miner, standard_sync, " +
      "observer, mining_wallet, transaction_bot, hodler, or ./module.ts (exports configSchema " +
      "and run(ctx))",
  ),
  behavior_config: z.record(z.string(), z.unknown()).optional().describe(
    "settings of the behaviour, checked against its configSchema",
  ),
  fund_blocks: z.union([z.literal("auto"), intRange(1, 10_000)]).default("auto").describe(
    "user: blocks mined to its wallet before it sends, one spendable output each; auto: " +
      "enough for the transfers of one 10-block unlock window (20 min), at most the plan's total",
  ),
  interval: z.union([z.literal("auto"), durationSchema]).optional().describe(
    "monitor: polling interval; auto: 1 s per 100 hosts (at least 1 s), about 100 RPC calls/s",
  ),
  zmq: z.boolean().default(false).describe(
    "monitor: also follow every node's ZMQ publisher (monerod --zmq-pub, as Monerosim's " +
      "monitor does): a node is read as soon as its chain changes, not only at each poll",
  ),
  daemon_binary: z.string().min(1).optional().describe(
    "monerod executable of these hosts (path, or a name on PATH): another version per group",
  ),
  wallet_args: _flags.default([]).describe(
    "monero-wallet-rpc flags of these hosts (users), merged by name over wallet_defaults",
  ),
  wallet_binary: z.string().min(1).optional().describe(
    "monero-wallet-rpc executable of these hosts (users)",
  ),
  upgrade: z.union([_upgrade, z.array(_upgrade).min(1).max(100)]).optional().describe(
    "switch these hosts' monerod to another binary or flag set at a time (on the same data); " +
      "a list upgrades them several times, in order of `at`",
  ),
  hidden: z.boolean().default(false).describe(
    "reachability: the node does not advertise its port (--hide-my-port), so peers never " +
      "connect to it; it still connects out",
  ),
});

const _selectors = z.array(z.string().min(1)).min(1).describe(
  'host names, ranges like "miner-{001..010}", "region:NAME" or "kind:KIND"',
);

/** Attack schemas, by kind. */
export const attackSchemas = {
  sybil: z.strictObject({ kind: z.literal("sybil"), attackers: _selectors }),
  eclipse: z.strictObject({
    kind: z.literal("eclipse"),
    victim: z.string().min(1),
    attackers: _selectors,
    behaviour: z.enum(["delay", "withhold"]).default("delay"),
    delay: durationSchema.default(30),
    start: durationSchema.default(0),
  }),
  partition: z.strictObject({
    kind: z.literal("partition"),
    group_a: _selectors,
    group_b: _selectors.optional().describe("default: every host not in group_a"),
    start: durationSchema,
    end: durationSchema,
  }),
  double_spend: z.strictObject({
    kind: z.literal("double_spend"),
    attacker: z.string().min(1),
    victim: z.string().min(1),
    confirmations: intRange(1, 1000).default(6),
    start: durationSchema.default(0),
  }),
} as const;

/** A parsed attack entry. */
export type AttackSpec = z.output<(typeof attackSchemas)[keyof typeof attackSchemas]>;

const _general = z.strictObject({
  stop_time: durationSchema.describe("simulated time at which the run ends"),
  // z.int() is bounded to safe integers (2^53 - 1) already: a second max would say it twice.
  seed: z.int().min(0).default(1),
  parallelism: intRange(1, 1024).default(1),
  bootstrap_end_time: z.union([z.literal("auto"), durationSchema]).default(0).describe(
    "Shadow's bootstrap end (no bandwidth limits or loss before it); auto: 20 % after the last " +
      "process starts",
  ),
});

/** `shadow`: Shadow options written into the generated `shadow.yaml` as they are. */
export const shadowSectionSchema = z.strictObject({
  log_level: z.enum(["error", "warning", "info", "debug", "trace"]).optional().describe(
    "Shadow's general.log_level",
  ),
  progress: z.boolean().optional().describe("Shadow's general.progress"),
  runahead: latencySchema.optional().describe(
    "Shadow's experimental.runahead (e.g. 100 ms): larger runs faster, coarser timing",
  ),
  model_unblocked_syscall_latency: z.boolean().default(true).describe(
    "Shadow's general.model_unblocked_syscall_latency (monerod needs it on)",
  ),
  process_threads: intRange(0, 256).optional().describe(
    "threads of every monerod (--max-concurrency, --prep-blocks-threads) and wallet RPC " +
      "(--max-concurrency); 1 keeps runs repeatable, 0 the programs' defaults (Monerosim's " +
      "process_threads). A group's daemon_args or wallet_args override them",
  ),
  native_preemption: z.boolean().optional().describe(
    "Shadow's experimental.native_preemption_enabled: faster, but runs are not repeatable",
  ),
  environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional()
    .describe("environment variables of every process"),
});

const _scenarioShape = {
  name: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  description: z.string().optional(),
  general: _general,
  shadow: shadowSectionSchema.prefault({}).describe("options of generated Shadow configs"),
  wallet_defaults: _flags.default([]).describe(
    "monero-wallet-rpc flags of every user; a group's wallet_args override them by name",
  ),
  daemon_defaults: _flags.default([]).describe(
    "monerod flags for every host; a group's daemon_args override them by flag name",
  ),
  network: networkSchema,
  agents: z.record(z.string(), agentSchema),
  checks: checksSchema.optional().describe(
    "checks made while the run goes (hive sim run exits 1 when one fails)",
  ),
  des: desNetModelSchema.optional().describe(
    "network model of the des engine: relay protocol, per-message latency by region pair, " +
      "monerod-like peer degrees, mining power (other engines ignore it)",
  ),
};

/**
 * The scenario as validated on load. Attacks are left as written here: `validateAttacks` checks
 * each on its own, kind first, then against its kind's schema, so an unknown kind gets a precise
 * message instead of a union error and one bad attack hides nothing of the others.
 */
export const scenarioSchema = z.strictObject({
  ..._scenarioShape,
  attacks: z.array(z.unknown()).default([]),
});

/** What an attack entry must be before its kind's schema applies: an object with a known kind. */
export const attackKindSchema = z.looseObject({ kind: z.enum(ATTACK_KINDS) });

/** The same scenario with attacks spelled out: the source of `hive sim schema`. */
export const scenarioDocSchema = z.strictObject({
  ..._scenarioShape,
  attacks: z.array(
    z.discriminatedUnion("kind", [
      attackSchemas.sybil,
      attackSchemas.eclipse,
      attackSchemas.partition,
      attackSchemas.double_spend,
    ]),
  ).default([]),
}).describe("hive sim scenario");

/** A scenario after schema validation (before expansion). */
export type ScenarioFile = z.output<typeof scenarioSchema>;
/** One agent entry after schema validation. */
export type AgentSpec = z.output<typeof agentSchema>;

/** The JSON Schema of scenario files (input side: what a person writes). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioDocSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}

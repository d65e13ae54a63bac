/**
 * The network model of a discrete-event run, as a scenario's `des:` section sets it: how blocks
 * relay (`relay`), how long each message takes (`latency`, a distribution per region pair),
 * how peers connect (`peers`, monerod-like degrees), who mines how much (`mining`) and how long a
 * node spends on a block before relaying it (`validation`, `validation.ts`). A
 * `preset: simblock` fills what is not set from SimBlock's published Bitcoin settings
 * (`simblock.ts`).
 *
 * Every key is optional: a scenario without a `des:` section runs exactly as before (whole-block
 * push over the scenario's links, each link with its own fixed latency, hashrates as written).
 * Keys are snake_case because they are written in scenario files; latencies are milliseconds.
 *
 * @example
 * ```ts
 * import { parseDesNetModel } from "./netmodel.ts";
 * const m = parseDesNetModel({
 *   relay: "fluffy",
 *   latency: { default: { lognormal: { median: 80, sigma: 0.5 } } },
 *   peers: { outbound: 12, inbound: 64 },
 * });
 * ```
 * @module
 */
import { z } from "zod";
import { parseWith } from "../../../core/errors.ts";

/** Block relay protocols. */
export const DES_RELAYS = ["push", "fluffy", "simblock"] as const;
/** A block relay protocol. */
export type DesRelay = typeof DES_RELAYS[number];
/** Distribution kinds of a per-message latency. */
export const DES_DISTRIBUTIONS = ["fixed", "normal", "lognormal", "pareto", "uniform"] as const;

/** A latency distribution, in milliseconds (see {@link desDistSchema}). */
export type DesDist =
  | { fixed: number }
  | { normal: { mean: number; stddev: number } }
  | { lognormal: { median: number; sigma: number } }
  | { pareto: { mean: number; shape: number } }
  | { uniform: [number, number] };

/**
 * Longest latency a scenario may give, in milliseconds: one hour. A link or a message slower
 * than that is no network a run can model, and values like `1e308` overflow the engines' clocks.
 * Every latency of a scenario is bounded by it: the network's and regions' (`network.latency`,
 * jitter) and each parameter of a `des.latency` distribution that is in milliseconds.
 */
export const MAX_LATENCY_MS = 3_600_000;

/**
 * A distribution schema whose numbers are in `unit` (errors name it): the kind is picked by
 * its one key first, and only that kind's fields are checked, so `{normal: {mean: 60}}` is
 * reported as a missing `normal.stddev`, not as a mismatch against every other kind. With
 * `max`, every value in `unit` is at most that (latencies: {@link MAX_LATENCY_MS}); `max` names
 * a latency bound in its message.
 */
function _distSchema(unit: string, describe: string, max?: number): z.ZodType<DesDist> {
  const bounded = (n: z.ZodNumber, what: string) =>
    max === undefined ? n : n.max(max, {
      error: `expected ${unit} <= ${max} (${what}; a latency is at most 1 h)`,
    });
  const nonneg = (what: string) =>
    bounded(
      z.number({ error: `expected ${unit} (${what})` }).finite().nonnegative({
        error: `expected ${unit} >= 0 (${what})`,
      }),
      what,
    );
  const pos = (what: string) =>
    bounded(
      z.number({ error: `expected a number (${what})` }).finite().positive({
        error: `expected a number > 0 (${what})`,
      }),
      what,
    );
  const suffix = unit === "milliseconds" ? " ms" : "";
  // Every key optional: the check before it lets exactly one known key through.
  const kinds = z.strictObject({
    fixed: nonneg("fixed").optional(),
    normal: z.strictObject({ mean: nonneg("mean"), stddev: nonneg("stddev") }).optional(),
    lognormal: z.strictObject({
      median: pos(`median${suffix}`),
      sigma: z.number({ error: "expected a number (sigma of the log)" }).finite().nonnegative({
        error: "expected a number >= 0 (sigma of the log)",
      }),
    }).optional(),
    pareto: z.strictObject({
      mean: pos(`mean${suffix}`),
      shape: z.number({ error: "expected a number (shape)" }).finite().gt(1, {
        error: "expected shape > 1 (a finite mean)",
      }),
    }).optional(),
    uniform: z.tuple([nonneg("min"), nonneg("max")], {
      error: `expected [min, max] (${unit})`,
    }).refine(([a, b]) => a <= b, { error: "expected [min, max] with min <= max" }).optional(),
  });
  const schema = z.preprocess(
    (v) => typeof v === "number" ? { fixed: v } : v,
    z.custom<Record<string, unknown>>((v) => {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
      const keys = Object.keys(v);
      return keys.length === 1 && (DES_DISTRIBUTIONS as readonly string[]).includes(keys[0]);
    }, {
      error: (issue) => {
        const v = issue.input;
        const keys = typeof v === "object" && v !== null ? Object.keys(v) : [];
        const what = keys.length === 1
          ? `unknown distribution ${JSON.stringify(keys[0])}`
          : "expected one distribution";
        return `${what}: expected one of ${DES_DISTRIBUTIONS.join(", ")} (${unit})`;
      },
    }).pipe(kinds),
  ).describe(describe);
  // The check above guarantees one kind per value, which the object type cannot say.
  return schema as unknown as z.ZodType<DesDist>;
}

/**
 * One latency distribution, in milliseconds: `{fixed: 50}`, `{normal: {mean, stddev}}`
 * (clipped at 0), `{lognormal: {median, sigma}}` (sigma of the log), `{pareto: {mean, shape}}`
 * (SimBlock's form: scale = mean (shape - 1) / shape, shape > 1) or `{uniform: [min, max]}`. A
 * plain number is `fixed`.
 */
export const desDistSchema: z.ZodType<DesDist> = _distSchema(
  "milliseconds",
  "latency distribution, milliseconds: a number (fixed), {normal: {mean, stddev}}, " +
    "{lognormal: {median, sigma}}, {pareto: {mean, shape}} or {uniform: [min, max]}; at most " +
    "3600000 (1 h)",
  MAX_LATENCY_MS,
);

/** A distribution of relative weights (mining power); the same kinds as {@link desDistSchema}. */
export const desWeightDistSchema: z.ZodType<DesDist> = _distSchema(
  "a relative weight",
  "each mining node draws its weight from this distribution (units are relative)",
);

/** Per-message latency: a default and/or a full region-to-region matrix. */
export const desLatencySchema = z.strictObject({
  default: desDistSchema.optional().describe(
    "distribution of every message between regions the matrix does not name",
  ),
  matrix: z.record(z.string().min(1), z.record(z.string().min(1), desDistSchema)).optional()
    .describe(
      "matrix[FROM][TO]: one distribution per region pair; without a default it must name " +
        "every pair of the scenario's regions",
    ),
}).refine((l) => l.default !== undefined || l.matrix !== undefined, {
  error: "set default, matrix or both",
});

/** Peer connections built like monerod's: outbound per node, inbound up to a limit. */
export const desPeersSchema = z.strictObject({
  outbound: z.int().min(1).max(1000).default(12).describe(
    "outbound connections each node opens (monerod 0.18 --out-peers default: 12)",
  ),
  inbound: z.int().min(0).max(100_000).default(64).describe(
    "most inbound connections a node accepts (monerod --in-peers); hidden nodes accept none",
  ),
  hidden: z.number().min(0).max(1).default(0).describe(
    "share of nodes, drawn at random, that accept no inbound (on top of hosts with hidden: true)",
  ),
});

/** Mining power beyond equal shares. */
export const desMiningSchema = z.strictObject({
  nodes: z.enum(["miners", "all"]).default("miners").describe(
    "who mines: the scenario's miners (hosts with hashrate), or every node (as SimBlock)",
  ),
  shares: z.array(z.number().finite().nonnegative()).min(1, {
    error: "expected at least one share",
  })
    .optional().describe(
      "one weight per mining node in order (e.g. published pool shares); nodes past the list " +
        "do not mine",
    ),
  distribution: desWeightDistSchema.optional(),
}).refine((m) => !(m.shares && m.distribution), {
  error: "set shares or distribution, not both",
});

/** Schema of {@link DesNetModel}. */
export const desNetModelSchema = z.strictObject({
  preset: z.enum(["simblock"]).optional().describe(
    "simblock: SimBlock's Bitcoin defaults (six regions and their latency and bandwidth " +
      "tables, Pareto latency, outbound degree distribution, normal mining power, 535 kB " +
      "blocks every 600 s, inv/getdata/compact relay) for what this section does not set",
  ),
  relay: z.enum(DES_RELAYS).optional().describe(
    "push: whole blocks to every peer (default, as before); fluffy: Monero's fluffy blocks " +
      "(header + tx hashes, the receiver requests the txs missing from its pool); simblock: " +
      "inv/getdata/block with compact blocks",
  ),
  header_bytes: z.int().min(1).default(2_000).describe(
    "fluffy: bytes of a fluffy block without its txs (header, miner tx, hash list framing)",
  ),
  latency: desLatencySchema.optional().describe(
    "per-message latency by region pair (replaces each link's fixed latency)",
  ),
  peers: desPeersSchema.optional().describe(
    "build the peer graph inside the engine like monerod (replaces the scenario's topology)",
  ),
  mining: desMiningSchema.optional(),
  validation: desDistSchema.optional().describe(
    "milliseconds a node spends on a block before relaying it, drawn once per node and block " +
      "(push and fluffy relays; without it every node takes --validation-delay, default 100 ms)",
  ),
  compact: z.strictObject({
    usage: z.number().min(0).max(1).default(0.964).describe("share of nodes using compact blocks"),
    churn: z.number().min(0).max(1).default(0.976).describe("share of churning nodes"),
    failure_control: z.number().min(0).max(1).default(0.13),
    failure_churn: z.number().min(0).max(1).default(0.27),
    bytes: z.int().min(1).default(18_000).describe("compact block size"),
  }).optional().describe("simblock relay: compact block relay (SimBlock's defaults)"),
}).superRefine((m, ctx) => {
  if (m.validation === undefined || desRelayOf(m) !== "simblock") return;
  ctx.addIssue({
    code: "custom",
    path: ["validation"],
    input: m.validation,
    message: "the simblock relay has no validation delay (SimBlock relays a block as soon as " +
      "it arrives): drop des.validation, or set des.relay to push or fluffy",
  });
});

/** The network model (defaults applied). */
export type DesNetModel = z.output<typeof desNetModelSchema>;
/** The network model as written. */
export type DesNetModelInput = z.input<typeof desNetModelSchema>;

/** The relay a model uses: the one it names, else SimBlock's under its preset, else `push`. */
export function desRelayOf(net: { relay?: DesRelay; preset?: "simblock" }): DesRelay {
  return net.relay ?? (net.preset === "simblock" ? "simblock" : "push");
}

/** Whether the engine draws its own peer graph (`peers`, or SimBlock's preset). */
export function desDrawsPeers(net: DesNetModel): boolean {
  return net.peers !== undefined || net.preset === "simblock";
}

/** Validate a `des:` section; errors name the field and the value. */
export function parseDesNetModel(input: unknown = {}): DesNetModel {
  return parseWith(desNetModelSchema, input ?? {}, { what: "des network model", prefix: "des" });
}

/**
 * Region pairs a latency matrix lacks, as `FROM -> TO`, for the regions a scenario has. Empty
 * when the model has a default (it covers the rest) or no matrix.
 */
export function missingLatencyPairs(
  latency: z.output<typeof desLatencySchema> | undefined,
  regions: readonly string[],
): string[] {
  if (!latency?.matrix || latency.default) return [];
  const out: string[] = [];
  for (const a of regions) {
    for (const b of regions) {
      if (latency.matrix[a]?.[b] === undefined) out.push(`${a} -> ${b}`);
    }
  }
  return out;
}

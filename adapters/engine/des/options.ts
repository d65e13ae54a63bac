/**
 * Tunables of the discrete-event engine, validated with zod so values from flags or config
 * files fail with the field path and the value.
 *
 * Defaults follow monerod where it has a number: 120 s block target, Dandelion++ fluff
 * probability 20 %, embargo mean 39 s, fluff flush mean 5 s and 10 min epochs
 * (`cryptonote_config.h`).
 *
 * @module
 */
import { z } from "zod";
import { parseWith } from "../../../core/errors.ts";
import type { SimModel } from "../types.ts";

const _positive = (what: string) =>
  z.number({ error: `expected a number (${what})` }).positive({
    error: `expected a number > 0 (${what})`,
  });
const _nonNegative = (what: string) =>
  z.number({ error: `expected a number (${what})` }).nonnegative({
    error: `expected a number >= 0 (${what})`,
  });

/** Receipt lines above which `receiptEvents: "auto"` turns receipts off (about 250 MB). */
export const DES_AUTO_RECEIPT_LIMIT = 2_000_000;

/** Schema of {@link DesOptions}. */
export const desOptionsSchema = z.strictObject({
  /**
   * Mean seconds between blocks for the whole network. Unset: 120, or SimBlock's 600 under
   * `des.preset: simblock` (`setup.ts`); a value given is used as given.
   */
  blockIntervalS: _positive("seconds").optional(),
  /**
   * Bytes sent per block relay. Unset: 100 kB, in the range of current full Monero mainnet
   * blocks (tens to a few hundred kB), or SimBlock's 535 kB under `des.preset: simblock`.
   */
  blockSizeBytes: _positive("bytes").optional(),
  /** Bytes of one transaction (a 2-in/2-out RingCT tx is about 1.5 kB). */
  txSizeBytes: _positive("bytes").default(1_500),
  /**
   * Seconds a node spends verifying one block before it relays it. Unset: drawn per node and
   * block from the scenario's `des.validation`, else 0.1 (`validation.ts`).
   */
  validationDelayS: _nonNegative("seconds").optional(),
  /**
   * Write one `block` event per node per block and one `tx_seen` per node per tx. `auto`
   * (default): on unless nodes x (expected blocks + expected txs) exceeds
   * {@link DES_AUTO_RECEIPT_LIMIT}. Off, only the first `tx_seen` of each tx is written and
   * analyze uses `propagation.ndjson` and `convergence.ndjson`, which are always written.
   */
  receiptEvents: z.union([z.boolean(), z.literal("auto")]).default("auto"),
  /** Chance that a stem hop turns into fluff (diffusion). */
  fluffProbability: z.number().min(0).max(1).default(0.2),
  /** Mean of the per-peer exponential delay before a fluffed tx is sent on. */
  fluffDelayMeanS: _nonNegative("seconds").default(5),
  /** Mean embargo: the originator fluffs its own tx if nobody did by then. */
  embargoMeanS: _positive("seconds").default(39),
  /** Seconds per Dandelion++ epoch (stem routes are re-drawn each epoch). */
  dandelionEpochS: _positive("seconds").default(600),
  /** Seconds between height-convergence samples. */
  sampleIntervalS: _positive("seconds").default(30),
  /** A double-spend attacker gives up when this many blocks behind. */
  doubleSpendGiveUp: z.int().min(1).max(1000).default(30),
  /** Stop mining after this many blocks (the run still lets them propagate). */
  maxBlocks: z.int().min(1).optional(),
  /** End the run early once every double-spend and partition attack has an outcome. */
  stopWhenAttacksResolved: z.boolean().default(false),
  /**
   * Simulated seconds per wall second, to watch a run live (`--api`); unset runs as fast as
   * it can. Results do not depend on it: only when events are processed does.
   */
  paceSimSPerWallS: _positive("simulated seconds per wall second").optional(),
});

/** Engine tunables (all optional on input). */
export type DesOptionsInput = z.input<typeof desOptionsSchema>;
/** Engine tunables with defaults applied. */
export type DesOptions = z.output<typeof desOptionsSchema>;

/** Validate options and fill defaults; errors name the field and value. */
export function parseDesOptions(input: unknown = {}): DesOptions {
  return parseWith(desOptionsSchema, input ?? {}, { what: "des engine options" });
}

/**
 * Whether a run writes per-node receipt events: the option, or for `auto` whether nodes x
 * (expected blocks + expected txs) stays within {@link DES_AUTO_RECEIPT_LIMIT}, at the run's
 * block interval (the option's, or its default).
 */
export function receiptsOn(
  model: SimModel,
  options: DesOptions,
  blockIntervalS: number,
): boolean {
  if (options.receiptEvents !== "auto") return options.receiptEvents;
  const expectedBlocks = Math.min(options.maxBlocks ?? Infinity, model.stopTimeS / blockIntervalS);
  let expectedTxs = 0;
  for (const h of model.hosts) {
    if (h.tx) expectedTxs += model.stopTimeS / Math.max(1e-3, h.tx.intervalMeanS);
  }
  return model.hosts.length * (expectedBlocks + expectedTxs) <= DES_AUTO_RECEIPT_LIMIT;
}

/** A scenario setting the DES does not model: where it is set, and why it has no meaning. */
export interface DesUnmodelled {
  /** `network` for a network setting, else the first host that has it. */
  host: string | null;
  /** The scenario field, as a person writes it. */
  field: string;
  why: string;
}

/**
 * Settings of a model the DES would otherwise ignore in silence: validate and run refuse them
 * with `--engine des`, naming the field. (monerod and wallet flags and binaries are the real
 * engines' plumbing; the DES models none of them but `--hide-my-port`.)
 */
export function desUnmodelled(model: SimModel): DesUnmodelled[] {
  const out: DesUnmodelled[] = [];
  const first = (field: string, why: string, has: (h: SimModel["hosts"][number]) => boolean) => {
    const h = model.hosts.find(has);
    if (h) out.push({ host: h.name, field, why });
  };
  first("upgrade", "DES nodes run no monerod binary or flags to upgrade", (h) => !!h.upgrades);
  first(
    "behavior",
    "behaviour plugins drive monerod's RPC, which DES nodes do not have",
    (h) => !!h.behavior,
  );
  const sends = "the DES sends every user's transfers at exponential intervals from its start";
  first("interval_kind", sends, (h) => h.tx?.intervalKind === "fixed");
  first("tx_send_probability", sends, (h) => (h.tx?.sendProbability ?? 1) !== 1);
  first("activity_start_time", sends, (h) => h.tx?.activityStartS !== undefined);
  first("zmq", "DES nodes publish no ZMQ notifications", (h) => h.kind === "monitor" && !!h.zmq);
  if (model.edges.some((e) => (e.jitterMs ?? 0) > 0)) {
    out.push({
      host: null,
      field: "jitter",
      why: "DES links have no per-chunk jitter; des.latency draws each message's latency " +
        "(normal, log-normal, Pareto) per region pair",
    });
  }
  if (model.dnsServer) {
    out.push({ host: null, field: "dns_server", why: "DES nodes make no DNS lookups" });
  }
  if ((model.fallbackSeeds ?? []).length > 0) {
    out.push({
      host: null,
      field: "fallback_seeds",
      why: "DES peers are the topology's edges; it models no --seed-node discovery",
    });
  }
  return out;
}

/**
 * How long a node of a discrete-event run spends on a block before it relays it: one fixed
 * delay (`--validation-delay`, default 0.1 s), or a draw per (node, block) from the scenario's
 * `des.validation` distribution.
 *
 * A node validates a block once, whichever copy reaches it first, so the draw belongs to the
 * pair, not to a message: it is the distribution's quantile at a hash of (seed, node, block).
 * Every copy of a block a node is sent then meets the same delay, the relay's "only the earliest
 * delivery counts" stays exact, and the draws do not depend on the order events run in (the
 * run's random stream is not touched, so a run without `des.validation` is unchanged).
 *
 * @example
 * ```ts
 * import { DesValidation } from "./validation.ts";
 * const v = DesValidation.of({ lognormal: { median: 280, sigma: 0.6 } }, undefined, 7);
 * v.seconds(3, 12); // the same value every time for node 3 and block 12
 * ```
 * @module
 */
import type { DesDist } from "./netmodel.ts";
import { normalQuantile } from "./latency.ts";

/** Validation delay when neither the flag nor the scenario sets one, seconds. */
export const DEFAULT_VALIDATION_S = 0.1;

/** A distribution's quantile at p in (0, 1), in its own units (milliseconds for delays). */
export function distQuantile(d: DesDist, p: number): number {
  if ("fixed" in d) return d.fixed;
  if ("normal" in d) return Math.max(0, d.normal.mean + d.normal.stddev * normalQuantile(p));
  if ("lognormal" in d) return d.lognormal.median * Math.exp(d.lognormal.sigma * normalQuantile(p));
  if ("pareto" in d) {
    const { mean, shape } = d.pareto;
    return (mean * (shape - 1)) / shape / Math.pow(1 - p, 1 / shape);
  }
  return d.uniform[0] + (d.uniform[1] - d.uniform[0]) * p;
}

/**
 * A `des.validation` (milliseconds) for delays measured in seconds, e.g. on real monerod: a
 * log-normal through their median and 90th percentile. Quantile matching, so a few stalls far
 * out do not pull the whole fit as a moment fit would. Null without measurements.
 *
 * @example
 * ```ts
 * fitValidation([0.2, 0.25, 0.3, 0.9]); // { lognormal: { median: 275, sigma: ... } }
 * ```
 */
export function fitValidation(
  seconds: readonly number[],
): { lognormal: { median: number; sigma: number } } | null {
  const v = seconds.filter((x) => Number.isFinite(x) && x >= 0).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))];
  const mid = v.length >> 1;
  // A receipt and an add in the same logged millisecond read as 0: the fit starts at 1 ms.
  const p50 = Math.max(0.001, v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2);
  const p90 = Math.max(p50, at(0.9));
  // 1.2816 is the standard normal's 90th percentile.
  const sigma = Math.log(p90 / p50) / 1.2815515655446004;
  return {
    lognormal: { median: Math.round(p50 * 1e6) / 1e3, sigma: Math.round(sigma * 1e4) / 1e4 },
  };
}

/** Validation delays of a run. */
export class DesValidation {
  /** The one delay every node takes, seconds; null when drawn per (node, block). */
  readonly fixedS: number | null;
  /** The distribution drawn from (milliseconds), or null. */
  readonly dist: DesDist | null;
  readonly #seed: number;

  private constructor(fixedS: number | null, dist: DesDist | null, seed: number) {
    this.fixedS = fixedS;
    this.dist = dist;
    this.#seed = seed >>> 0;
  }

  /**
   * The delays in force: `flagS` (`--validation-delay`) when given, else the scenario's
   * distribution, else {@link DEFAULT_VALIDATION_S}. A fixed distribution is a fixed delay.
   */
  static of(dist: DesDist | undefined, flagS: number | undefined, seed: number): DesValidation {
    if (flagS !== undefined) return new DesValidation(flagS, null, seed);
    if (dist === undefined) return new DesValidation(DEFAULT_VALIDATION_S, null, seed);
    if ("fixed" in dist) return new DesValidation(dist.fixed / 1000, null, seed);
    return new DesValidation(null, dist, seed);
  }

  /** Seconds node `node` spends on block `block`: the same for every copy it is sent. */
  seconds(node: number, block: number): number {
    if (this.fixedS !== null) return this.fixedS;
    return distQuantile(this.dist!, this.#uniform(node, block)) / 1000;
  }

  /** A uniform in (0, 1) from (seed, node, block): murmur3's 32-bit finaliser, twice. */
  #uniform(node: number, block: number): number {
    const h = _fmix(_fmix(this.#seed ^ Math.imul(node + 1, 0x9e3779b1)) ^ (block + 1));
    return ((h >>> 0) + 0.5) / 4294967296;
  }

  /** How the summary records it: seconds, or the distribution (milliseconds). */
  describe(): number | { per_node_and_block_ms: DesDist } {
    return this.fixedS !== null ? this.fixedS : { per_node_and_block_ms: this.dist! };
  }
}

function _fmix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Per-message latency of a discrete-event run: each message between two nodes draws its own
 * delay from the distribution of their region pair (`des.latency` of the scenario), with the
 * run's seeded PRNG, so a seed still gives one result. Distributions are compiled into typed
 * arrays indexed by `from * regions + to`, so a draw is a few array reads and one or two
 * `Math` calls.
 *
 * @module
 */
import { ConfigError } from "../../../core/errors.ts";
import type { DesDist, DesNetModel } from "./netmodel.ts";
import type { DesRandom } from "./random.ts";

const _FIXED = 0;
const _NORMAL = 1;
const _LOGNORMAL = 2;
const _PARETO = 3;
const _UNIFORM = 4;

/** Region names and the region index of every node. */
export interface DesRegions {
  names: string[];
  of: Uint16Array;
}

/** Index the regions of a list of per-node region names. */
export function indexRegions(regionOfNode: readonly string[]): DesRegions {
  const names: string[] = [];
  const at = new Map<string, number>();
  const of = new Uint16Array(regionOfNode.length);
  regionOfNode.forEach((r, i) => {
    let k = at.get(r);
    if (k === undefined) {
      k = names.length;
      at.set(r, k);
      names.push(r);
    }
    of[i] = k;
  });
  return { names, of };
}

/** Quantile cells per distribution table. */
const _CELLS = 4096;
/** Region pairs up to which quantile tables are built (32 kB each). */
const _MAX_TABLES = 256;

/** Draws per-message latencies (seconds) by region pair. */
export class DesLatency {
  readonly #rng: DesRandom;
  readonly #r: number;
  readonly #kind: Uint8Array;
  readonly #a: Float64Array;
  readonly #b: Float64Array;
  /** Per pair, quantiles at k / 4096 (k = 0..4096), or null for exact draws. */
  readonly #table: (Float64Array | null)[];
  /** Region index of every node. */
  readonly regionOf: Uint16Array;
  /** Mean of each pair's distribution, seconds (for reports and tests). */
  readonly mean: Float64Array;

  constructor(latency: NonNullable<DesNetModel["latency"]>, regions: DesRegions, rng: DesRandom) {
    this.#rng = rng;
    this.regionOf = regions.of;
    const r = regions.names.length;
    this.#r = r;
    this.#kind = new Uint8Array(r * r);
    this.#a = new Float64Array(r * r);
    this.#b = new Float64Array(r * r);
    this.mean = new Float64Array(r * r);
    this.#table = new Array(r * r).fill(null);
    // Pairs with the same distribution share one table (32 kB each), so fewer cache lines
    // compete with the relay's per-node arrays.
    const shared = new Map<string, Float64Array>();
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        const from = regions.names[i];
        const to = regions.names[j];
        const dist = latency.matrix?.[from]?.[to] ?? latency.default;
        if (dist === undefined) {
          throw new ConfigError(
            `des.latency.matrix: missing region pair ${from} -> ${to} (and no default)`,
          );
        }
        this.#set(i * r + j, dist);
        if (r * r <= _MAX_TABLES && this.#kind[i * r + j] !== _FIXED) {
          const k = i * r + j;
          const key = `${this.#kind[k]}:${this.#a[k]}:${this.#b[k]}`;
          let table = shared.get(key);
          if (table === undefined) {
            table = this.#quantiles(k);
            shared.set(key, table);
          }
          this.#table[k] = table;
        }
      }
    }
  }

  /** Quantiles of pair k at k/4096; the two end cells are drawn exactly (tails stay exact). */
  #quantiles(k: number): Float64Array {
    const t = new Float64Array(_CELLS + 1);
    const a = this.#a[k];
    const b = this.#b[k];
    for (let c = 1; c < _CELLS; c++) {
      const p = c / _CELLS;
      switch (this.#kind[k]) {
        case _NORMAL:
          t[c] = Math.max(0, a + b * normalQuantile(p));
          break;
        case _LOGNORMAL:
          t[c] = Math.exp(a + b * normalQuantile(p));
          break;
        case _PARETO:
          t[c] = a / Math.pow(1 - p, b);
          break;
        default:
          t[c] = a + b * p;
      }
    }
    return t;
  }

  #set(k: number, d: DesDist): void {
    if ("fixed" in d) {
      this.#kind[k] = _FIXED;
      this.#a[k] = d.fixed / 1000;
      this.mean[k] = d.fixed / 1000;
    } else if ("normal" in d) {
      this.#kind[k] = _NORMAL;
      this.#a[k] = d.normal.mean / 1000;
      this.#b[k] = d.normal.stddev / 1000;
      this.mean[k] = d.normal.mean / 1000;
    } else if ("lognormal" in d) {
      this.#kind[k] = _LOGNORMAL;
      this.#a[k] = Math.log(d.lognormal.median / 1000);
      this.#b[k] = d.lognormal.sigma;
      this.mean[k] = (d.lognormal.median / 1000) * Math.exp(d.lognormal.sigma ** 2 / 2);
    } else if ("pareto" in d) {
      this.#kind[k] = _PARETO;
      const { mean, shape } = d.pareto;
      this.#a[k] = (mean * (shape - 1)) / shape / 1000; // scale (the minimum)
      this.#b[k] = 1 / shape;
      this.mean[k] = mean / 1000;
    } else {
      this.#kind[k] = _UNIFORM;
      this.#a[k] = d.uniform[0] / 1000;
      this.#b[k] = (d.uniform[1] - d.uniform[0]) / 1000;
      this.mean[k] = (d.uniform[0] + d.uniform[1]) / 2000;
    }
  }

  /** One message's latency in seconds from node `from` to node `to`. */
  sample(from: number, to: number): number {
    return this.samplePair(this.regionOf[from] * this.#r + this.regionOf[to]);
  }

  /** The region pair of a message from node `from` to node `to` (for {@link samplePair}). */
  pair(from: number, to: number): number {
    return this.regionOf[from] * this.#r + this.regionOf[to];
  }

  /**
   * One message's latency for region pair `k` (from {@link pair}): the relay keeps each link's
   * pair beside the link, so a draw reads no per-node region at a random peer.
   */
  samplePair(k: number): number {
    const table = this.#table[k];
    if (table !== null) {
      // Inverse-CDF draw: one 32-bit number picks a cell (high 12 bits) and a point in it.
      const u = this.#rng.uint32();
      const cell = u >>> 20;
      if (cell !== 0 && cell !== _CELLS - 1) {
        const lo = table[cell];
        return lo + (table[cell + 1] - lo) * ((u & 0xfffff) / 0x100000);
      }
      return this.#exact(k, cell === 0 ? (u & 0xfffff) / 0x100000 / _CELLS : -1);
    }
    return this.#exact(k, -1);
  }

  /**
   * An exact draw for pair k; `p` >= 0 forces the quantile p (the lowest cell), else the draw
   * is conditioned on the top cell when a table exists.
   */
  #exact(k: number, p: number): number {
    const a = this.#a[k];
    if (this.#table[k] !== null) {
      // Lowest or highest cell: the quantile at p, or a tail draw above 1 - 1/4096.
      const q = p >= 0 ? p : 1 - (1 - this.#rng.next()) / _CELLS;
      const b = this.#b[k];
      switch (this.#kind[k]) {
        case _NORMAL:
          return Math.max(0, a + b * normalQuantile(q));
        case _LOGNORMAL:
          return Math.exp(a + b * normalQuantile(q));
        case _PARETO:
          return a / Math.pow(1 - q, b);
        default:
          return a + b * q;
      }
    }
    switch (this.#kind[k]) {
      case _FIXED:
        return a;
      case _NORMAL: {
        const v = a + this.#b[k] * this.#gauss();
        return v > 0 ? v : 0;
      }
      case _LOGNORMAL:
        return Math.exp(a + this.#b[k] * this.#gauss());
      case _PARETO:
        // Inverse CDF: scale / U^(1/shape), U in (0, 1].
        return a / Math.pow(1 - this.#rng.next(), this.#b[k]);
      default:
        return a + this.#b[k] * this.#rng.next();
    }
  }

  #spare = 0;
  #hasSpare = false;

  /** A standard normal draw (Marsaglia polar method, one spare kept). */
  #gauss(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    const rng = this.#rng;
    let u: number, v: number, s: number;
    do {
      u = 2 * rng.next() - 1;
      v = 2 * rng.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * m;
    this.#hasSpare = true;
    return u * m;
  }
}

/** One draw of a distribution in its own units (not scaled), truncated at 0. */
export function drawDist(d: DesDist, rng: DesRandom): number {
  const gauss = () => {
    // Box-Muller: one normal from two uniforms (setup only, not a hot path).
    const u = 1 - rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  if ("fixed" in d) return d.fixed;
  if ("normal" in d) return Math.max(0, d.normal.mean + d.normal.stddev * gauss());
  if ("lognormal" in d) return d.lognormal.median * Math.exp(d.lognormal.sigma * gauss());
  if ("pareto" in d) {
    const { mean, shape } = d.pareto;
    return (mean * (shape - 1)) / shape / Math.pow(1 - rng.next(), 1 / shape);
  }
  return d.uniform[0] + (d.uniform[1] - d.uniform[0]) * rng.next();
}

/**
 * The standard normal quantile (inverse CDF) at p in (0, 1): Acklam's rational approximation
 * (relative error below 1.2e-9); +-Infinity at the ends.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

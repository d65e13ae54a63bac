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

/** Draws per-message latencies (seconds) by region pair. */
export class DesLatency {
  readonly #rng: DesRandom;
  readonly #r: number;
  readonly #kind: Uint8Array;
  readonly #a: Float64Array;
  readonly #b: Float64Array;
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
      }
    }
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
    const k = this.regionOf[from] * this.#r + this.regionOf[to];
    const a = this.#a[k];
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

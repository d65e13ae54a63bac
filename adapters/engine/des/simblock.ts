/**
 * SimBlock's published Bitcoin settings (dsg-titech/simblock, `NetworkConfiguration` and
 * `SimulationConfiguration`), as data for `des.preset: simblock`, so a hive run can be set
 * beside SimBlock's figures. Only the published numbers are taken (tables, rates, sizes); the
 * engine's own code runs them.
 *
 * - Six regions; nodes placed by the 2019 Bitcoin region distribution.
 * - Latency: the 2019 mean latency table (ms), each message drawn from a Pareto distribution
 *   with that mean and shape 0.2 x mean (SimBlock's "20 % variance": scale = mean - 5 ms).
 * - Bandwidth: a transfer from region A to B runs at min(upload[A], download[B]) (2019 table).
 * - Outbound degree per node from the 2015 Bitcoin degree distribution (1..20); inbound
 *   unlimited.
 * - Every node mines; mining power normal(400,000, 100,000).
 * - 535,000-byte blocks every 600 s; compact blocks of 18 kB used by 96.4 % of nodes, failing
 *   for 13 % (stable nodes) or 27 % (churning nodes, 97.6 % of them) of receptions.
 *
 * @module
 */
import type { DesDist, DesNetModel } from "./netmodel.ts";
import type { DesRandom } from "./random.ts";

/** SimBlock's regions, in its table order. */
export const SIMBLOCK_REGIONS = [
  "north_america",
  "europe",
  "south_america",
  "asia_pacific",
  "japan",
  "australia",
] as const;

/** Mean latency (ms) between regions, SimBlock's 2019 table. */
export const SIMBLOCK_LATENCY_MS: readonly (readonly number[])[] = [
  [32, 124, 184, 198, 151, 189],
  [124, 11, 227, 237, 252, 294],
  [184, 227, 88, 325, 301, 322],
  [198, 237, 325, 85, 58, 198],
  [151, 252, 301, 58, 12, 126],
  [189, 294, 322, 198, 126, 16],
];

/** Upload bandwidth (bit/s) per region, SimBlock's 2019 table. */
export const SIMBLOCK_UPLOAD_BPS = [19.2e6, 20.7e6, 5.8e6, 15.7e6, 10.2e6, 11.3e6] as const;
/** Download bandwidth (bit/s) per region, SimBlock's 2019 table. */
export const SIMBLOCK_DOWNLOAD_BPS = [52e6, 40e6, 18e6, 22.8e6, 22.8e6, 29.9e6] as const;
/** Share of nodes per region, Bitcoin 2019. */
export const SIMBLOCK_REGION_SHARE = [0.3316, 0.4998, 0.009, 0.1177, 0.0224, 0.0195] as const;
/** Cumulative distribution of the outbound degree (index + 1), Bitcoin 2015. */
export const SIMBLOCK_DEGREE_CDF = [
  0.025,
  0.05,
  0.075,
  0.1,
  0.2,
  0.3,
  0.4,
  0.5,
  0.6,
  0.7,
  0.8,
  0.85,
  0.9,
  0.95,
  0.97,
  0.97,
  0.98,
  0.99,
  0.995,
  1.0,
] as const;

/** SimBlock's block size and interval. */
export const SIMBLOCK_BLOCK_BYTES = 535_000;
/** SimBlock's mean block interval, seconds. */
export const SIMBLOCK_INTERVAL_S = 600;
/** Milliseconds SimBlock adds to every control message (inv, getdata, getblocktxn). */
export const SIMBLOCK_CONTROL_MS = 10;
/** Milliseconds of processing SimBlock adds to every block message. */
export const SIMBLOCK_PROCESSING_MS = 2;

/** The latency section of the preset: one Pareto distribution per region pair. */
export function simblockLatency(): NonNullable<DesNetModel["latency"]> {
  const matrix: Record<string, Record<string, DesDist>> = {};
  SIMBLOCK_REGIONS.forEach((a, i) => {
    matrix[a] = {};
    SIMBLOCK_REGIONS.forEach((b, j) => {
      const mean = SIMBLOCK_LATENCY_MS[i][j];
      matrix[a][b] = { pareto: { mean, shape: 0.2 * mean } };
    });
  });
  return { matrix };
}

/** Draw an index from cumulative shares. */
function _pick(cum: readonly number[], u: number): number {
  for (let k = 0; k < cum.length; k++) if (u < cum[k]) return k;
  return cum.length - 1;
}

/** Region of each of n nodes, drawn by SimBlock's region shares. */
export function simblockRegions(n: number, rng: DesRandom): string[] {
  const cum: number[] = [];
  let s = 0;
  for (const share of SIMBLOCK_REGION_SHARE) cum.push(s += share);
  const total = s;
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = SIMBLOCK_REGIONS[_pick(cum, rng.next() * total)];
  return out;
}

/** Outbound degree of each of n nodes, drawn from SimBlock's degree distribution. */
export function simblockOutbound(n: number, rng: DesRandom): Uint16Array {
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = _pick(SIMBLOCK_DEGREE_CDF, rng.next()) + 1;
  return out;
}

/**
 * Fraction of a block a node re-fetches after a failed compact block: SimBlock's measured
 * distributions, summarised: 1 % for stable nodes; for churning nodes 1 % in 56 % of failures,
 * else log-uniform between 2 % and 96 % (mean about 0.11, SimBlock's table about 0.09).
 */
export function simblockFailedFraction(churn: boolean, rng: DesRandom): number {
  if (!churn || rng.next() < 0.56) return 0.01;
  return 0.02 * Math.pow(48, rng.next());
}

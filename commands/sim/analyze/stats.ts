/**
 * Summary statistics for `hive sim analyze`: percentiles, distributions, CDF points.
 *
 * @module
 */

/** Percentile summary of a list of seconds. */
export interface Distribution {
  count: number;
  p50_s: number | null;
  p90_s: number | null;
  p99_s: number | null;
  mean_s: number | null;
  max_s: number | null;
}

/** Round to milliseconds (3 decimals) for stable report numbers. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** p50/p90/p99/mean/max of values (seconds). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const r = (x: number | null) => (x === null ? null : round3(x));
  return {
    count: n,
    p50_s: r(percentile(sorted, 50)),
    p90_s: r(percentile(sorted, 90)),
    p99_s: r(percentile(sorted, 99)),
    mean_s: n > 0 ? round3(sorted.reduce((a, b) => a + b, 0) / n) : null,
    max_s: n > 0 ? round3(sorted[n - 1]) : null,
  };
}

/** A distribution for people: `p50 0.3 s, p90 0.4 s, p99 0.4 s (n=5, max 0.4 s)`, or `-`. */
export function formatDistribution(d: Distribution): string {
  if (d.count === 0) return "-";
  return `p50 ${d.p50_s} s, p90 ${d.p90_s} s, p99 ${d.p99_s} s (n=${d.count}, max ${d.max_s} s)`;
}

/** CDF points [value, fraction of values], at most `points` of them. */
export function cdf(values: readonly number[], points = 200): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(n / points));
  const out: [number, number][] = [];
  for (let i = step - 1; i < n; i += step) out.push([round3(sorted[i]), round3((i + 1) / n)]);
  if (out[out.length - 1][1] !== 1) out.push([round3(sorted[n - 1]), 1]);
  return out;
}

/** At most `max` items of `xs`, evenly spaced, first and last kept. */
export function downsample<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const step = (xs.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(xs[Math.round(i * step)]);
  return out;
}

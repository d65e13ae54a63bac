/**
 * Quantities in scenario files: durations (`90s`, `2h`, `1d`), latencies (`50 ms`) and
 * bandwidths (`100 Mbit`), as zod schemas that turn text into numbers, and the formatting that
 * writes them back in the units Shadow's config spec accepts.
 *
 * @example
 * ```ts
 * import { parseDuration, formatBandwidth } from "./units.ts";
 * parseDuration("2h"); // 7200
 * formatBandwidth(1e9); // "1 Gbit"
 * ```
 * @module
 */
import { z } from "zod";
import { DURATION_UNITS } from "../../../core/duration.ts";

const _BANDWIDTH_UNITS: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  kibit: 1024,
  mibit: 1024 ** 2,
  gibit: 1024 ** 3,
  b: 8,
  kb: 8e3,
  mb: 8e6,
  gb: 8e9,
  kib: 8 * 1024,
  mib: 8 * 1024 ** 2,
  gib: 8 * 1024 ** 3,
};

const _QUANTITY = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

function _quantity(
  text: string,
  units: Readonly<Record<string, number>>,
  bare: number,
): number | null {
  const m = _QUANTITY.exec(text);
  if (!m) return null;
  let unit = m[2].toLowerCase();
  if (unit === "") return Number(m[1]) * bare;
  // Shadow allows plural units ("5 Mbits") and we also accept "Mbps"-style rates.
  if (unit.endsWith("ps")) unit = unit.slice(0, -2) === "b" ? "bit" : unit.slice(0, -2) + "it";
  const factor = units[unit] ?? units[unit.replace(/s$/, "")];
  return factor === undefined ? null : Number(m[1]) * factor;
}

/** Parse a duration (`90s`, `2 h`, `1d`, `500ms`, or plain seconds) into seconds, or null. */
export function parseDuration(text: string): number | null {
  return _quantity(text, DURATION_UNITS, 1);
}

/** Parse a latency (`50 ms`, `1 s`, or plain milliseconds) into milliseconds, or null. */
export function parseLatencyMs(text: string): number | null {
  const s = _quantity(text, DURATION_UNITS, 0.001);
  return s === null ? null : s * 1000;
}

/** Parse a bandwidth (`100 Mbit`, `1 Gbit`, `10 MiB`, or plain bits/s) into bits/s, or null. */
export function parseBandwidthBps(text: string): number | null {
  return _quantity(text, _BANDWIDTH_UNITS, 1);
}

/**
 * Longest duration a scenario may hold, in seconds: Shadow keeps times as unsigned 64-bit
 * nanoseconds (at most 18,446,744,073 s, about 584 years), and a larger value written to its
 * config is refused or wraps.
 */
export const MAX_DURATION_S = 18_446_744_073;

function _quantitySchema(
  parse: (text: string) => number | null,
  expected: string,
  numberMeans: (n: number) => number,
  max = Infinity,
  tooLarge = "",
) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const out = typeof value === "number" ? numberMeans(value) : parse(value);
    if (out === null || !Number.isFinite(out) || out < 0) {
      ctx.issues.push({ code: "custom", message: expected, input: value });
      return z.NEVER;
    }
    if (out > max) {
      ctx.issues.push({ code: "custom", message: tooLarge, input: value });
      return z.NEVER;
    }
    return out;
  });
}

/** A duration in seconds: `90s`, `2h`, `1d`, `500ms`, or a plain number of seconds. */
export const durationSchema = _quantitySchema(
  parseDuration,
  'expected a duration like "90s", "30m", "2h", "1d" or seconds',
  (n) => n,
  MAX_DURATION_S,
  `expected at most ${MAX_DURATION_S} s (Shadow counts time in 64-bit nanoseconds)`,
).describe('a duration: "90s", "30m", "2h", "1d", "500ms", or a number of seconds');

/** A latency in milliseconds: `50 ms`, `0.2 s`, or a plain number of milliseconds. */
export const latencySchema = _quantitySchema(
  parseLatencyMs,
  'expected a latency like "50 ms" or milliseconds',
  (n) => n,
).describe('a latency: "50 ms", "0.2 s", or a number of milliseconds');

/** A bandwidth in bits per second: `100 Mbit`, `1 Gbit`, or a plain number of bits/s. */
export const bandwidthSchema = _quantitySchema(
  parseBandwidthBps,
  'expected a bandwidth like "100 Mbit", "1 Gbit" or bits per second',
  (n) => n,
).describe('a bandwidth: "100 Mbit", "1 Gbit", "10 MiB", or a number of bits per second');

/** Seconds as Shadow writes time: `"90 s"`, or `"1500 ms"` when not whole seconds. */
export function formatSeconds(seconds: number): string {
  if (Number.isInteger(seconds)) return `${seconds} s`;
  const ms = Math.round(seconds * 1000);
  return Number.isInteger(ms / 1000) ? `${ms / 1000} s` : `${ms} ms`;
}

/** Milliseconds as a Shadow latency: `"50 ms"`, or `"12345 us"` below millisecond precision. */
export function formatLatency(ms: number): string {
  const us = Math.round(ms * 1000);
  return us % 1000 === 0 ? `${us / 1000} ms` : `${us} us`;
}

/** Bits/s as a Shadow bandwidth, in the largest decimal unit that divides it exactly. */
export function formatBandwidth(bps: number): string {
  const n = Math.round(bps);
  for (const [unit, f] of [["Tbit", 1e12], ["Gbit", 1e9], ["Mbit", 1e6], ["Kbit", 1e3]] as const) {
    if (n >= f && n % f === 0) return `${n / f} ${unit}`;
  }
  return `${n} bit`;
}

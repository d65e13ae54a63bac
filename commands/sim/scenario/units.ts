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
import { MAX_LATENCY_MS } from "../../../adapters/engine/des/netmodel.ts";

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

/** Bounds of one kind of quantity, and how its errors read. */
interface _QuantityRules {
  /** `expected a duration like ...`: the text for a value that does not parse. */
  expected: string;
  /** What the quantity is (`a duration`), for the range messages. */
  what: string;
  /** An example for the range messages (`"90s"`). */
  example: string;
  /** True when 0 is refused too (bandwidth). */
  positive?: boolean;
  max?: number;
  /** The message for a value above `max`. */
  tooLarge?: string;
  /** What is taken before units apply (default: a number or a text). */
  accepts?: z.ZodType<number | string>;
}

function _quantitySchema(
  parse: (text: string) => number | null,
  numberMeans: (n: number) => number,
  rules: _QuantityRules,
) {
  const { expected, what, example, positive = false, max = Infinity, tooLarge = "" } = rules;
  const range = `expected ${what} ${positive ? "> 0" : ">= 0"} (like ${example})`;
  const accepts = rules.accepts ?? z.union([z.number(), z.string()]);
  return accepts.transform((value, ctx) => {
    let out = typeof value === "number" ? numberMeans(value) : parse(value);
    // "-5 ms" does not parse, but it is a quantity below 0, not an unknown form.
    if (out === null && typeof value === "string" && /^\s*-/.test(value)) {
      const magnitude = parse(value.replace(/^\s*-/, ""));
      if (magnitude !== null) out = -magnitude;
    }
    if (out === null || Number.isNaN(out)) {
      ctx.issues.push({ code: "custom", message: expected, input: value });
      return z.NEVER;
    }
    if (out < 0 || (positive && out === 0)) {
      ctx.issues.push({ code: "custom", message: range, input: value });
      return z.NEVER;
    }
    if (out > max) {
      ctx.issues.push({ code: "custom", message: tooLarge, input: value });
      return z.NEVER;
    }
    if (!Number.isFinite(out)) {
      ctx.issues.push({ code: "custom", message: expected, input: value });
      return z.NEVER;
    }
    return out;
  });
}

/** A duration in seconds: `90s`, `2h`, `1d`, `500ms`, or a plain number of seconds. */
export const durationSchema = _quantitySchema(parseDuration, (n) => n, {
  expected: 'expected a duration like "90s", "30m", "2h", "1d" or seconds',
  what: "a duration",
  example: '"90s"',
  max: MAX_DURATION_S,
  tooLarge: `expected at most ${MAX_DURATION_S} s (Shadow counts time in 64-bit nanoseconds)`,
}).describe('a duration: "90s", "30m", "2h", "1d", "500ms", or a number of seconds');

const _LATENCY_RULES = {
  expected: 'expected a latency like "50 ms" or milliseconds',
  what: "a latency",
  example: '"50 ms"',
  max: MAX_LATENCY_MS,
  tooLarge: `expected a latency of at most 1 h (${MAX_LATENCY_MS} ms)`,
};

/**
 * A latency in milliseconds: `50 ms`, `0.2 s`, or a plain number of milliseconds; at most
 * {@link MAX_LATENCY_MS} (one hour).
 */
export const latencySchema = _quantitySchema(parseLatencyMs, (n) => n, _LATENCY_RULES).describe(
  'a latency: "50 ms", "0.2 s", or a number of milliseconds (at most 1 h)',
);

const _withUnit = 'expected a latency with its unit, like "50 ms"';

/**
 * The latency of an edge of a GML file, in milliseconds: text with its unit (Shadow reads a bare
 * number as seconds, hive as milliseconds, so neither is guessed), above 0 (Shadow refuses a
 * latency of 0) and at most {@link MAX_LATENCY_MS}.
 */
export const gmlLatencySchema = _quantitySchema(parseLatencyMs, (n) => n, {
  ..._LATENCY_RULES,
  positive: true,
  accepts: z.string({ error: _withUnit }).regex(/[a-z]\s*$/i, { error: _withUnit }),
});

/**
 * Highest bandwidth of one host, in bits/s: 1 Tbit/s. The fastest network cards sold are below
 * it (800 Gbit/s), so a larger value is a slip (`1e30`); it also keeps every bandwidth an exact
 * integer far inside 2^53, which `formatBandwidth` needs to write `1 Tbit` rather than
 * `1e+30 bit`, and inside Shadow's 64-bit bits/s.
 */
export const MAX_BANDWIDTH_BPS = 1e12;

const _BANDWIDTH_RULES = {
  expected: 'expected a bandwidth like "100 Mbit", "1 Gbit" or bits per second',
  what: "a bandwidth",
  max: MAX_BANDWIDTH_BPS,
  tooLarge: `expected a bandwidth of at most 1 Tbit (${MAX_BANDWIDTH_BPS} bits per second)`,
};

/**
 * A bandwidth in bits per second, above 0 and at most {@link MAX_BANDWIDTH_BPS}: `100 Mbit`,
 * `1 Gbit`, or a plain number of bits/s.
 */
export const bandwidthSchema = _quantitySchema(parseBandwidthBps, (n) => n, {
  ..._BANDWIDTH_RULES,
  example: '"100 Mbit"',
  positive: true,
}).describe(
  'a bandwidth above 0 and at most 1 Tbit: "100 Mbit", "1 Gbit", "10 MiB", or a number of ' +
    "bits per second",
);

/**
 * The spread of a bandwidth distribution (`normal.stddev`): bits per second like
 * {@link bandwidthSchema}, but 0 (every host the same) is fine.
 */
export const bandwidthSpreadSchema = _quantitySchema(parseBandwidthBps, (n) => n, {
  ..._BANDWIDTH_RULES,
  example: '"10 Mbit"',
}).describe(
  'a bandwidth: "10 Mbit", or a number of bits per second (0: no spread; at most 1 Tbit)',
);

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

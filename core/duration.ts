/**
 * Durations as people write them on the command line (`500ms`, `10s`, `2m`, `1h`, `1.5d`), one
 * unit table for every flag and file, so `--timeout` means the same thing in every subcommand.
 * A bare number is refused rather than guessed: seconds in one tool and milliseconds in another
 * is exactly the confusion this removes.
 *
 * Written here: the npm `ms` package reads a bare number as milliseconds and accepts no space
 * before the unit, and scenario files write `30 s`.
 *
 * @example
 * ```ts
 * import { parseDurationMs } from "./duration.ts";
 * parseDurationMs("10s"); // 10000
 * parseDurationMs("250 ms"); // 250
 * parseDurationMs("10"); // null: a unit is required
 * ```
 * @module
 */
import { z } from "zod";

/** Seconds in one of each unit, by every name it may be written with. */
export const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 0.001,
  msec: 0.001,
  millisecond: 0.001,
  milliseconds: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
};

const _DURATION = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i;

/** Seconds in `text` (`90s`, `2 h`, `500ms`), or null when it is not a duration with a unit. */
export function parseDurationSeconds(text: string): number | null {
  const match = _DURATION.exec(text);
  if (!match) return null;
  const unit = DURATION_UNITS[match[2].toLowerCase()];
  return unit === undefined ? null : Number(match[1]) * unit;
}

/** Milliseconds in `text`, rounded, or null. */
export function parseDurationMs(text: string): number | null {
  const seconds = parseDurationSeconds(text);
  return seconds === null ? null : Math.round(seconds * 1000);
}

/**
 * A zod schema for a duration flag: text in, milliseconds out, within `[minMs, maxMs]`.
 *
 * @example
 * ```ts
 * const timeout = durationFlag({ minMs: 100, maxMs: 3_600_000 });
 * timeout.parse("10s"); // 10000
 * ```
 */
export function durationFlag(options: { minMs: number; maxMs: number }): z.ZodType<number, string> {
  return z.string().max(32).transform((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === null) {
      ctx.addIssue({
        code: "custom",
        message: "expected a duration with a unit, e.g. 500ms, 10s, 2m",
      });
      return z.NEVER;
    }
    if (ms < options.minMs || ms > options.maxMs) {
      ctx.addIssue({
        code: "custom",
        message: `expected a duration from ${_human(options.minMs)} to ${_human(options.maxMs)}`,
        input: text,
      });
      return z.NEVER;
    }
    return ms;
  });
}

function _human(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

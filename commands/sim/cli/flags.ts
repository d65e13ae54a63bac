/**
 * Flag parsing shared by the `hive sim` subcommands: commander's options keyed by flag name,
 * zod schemas for numbers, URLs, host names and `NAME=URL` targets, the flags every agent
 * takes, and the commander setup that declares them.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import { parseWith, UsageError } from "../../../core/errors.ts";
import { durationFlag } from "../../../core/duration.ts";

/** A decimal number as typed on the command line. */
export const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A number flag; `check` adds bounds to the parsed number. `what` names the unit in the
 * error (`expected a number (seconds)`).
 */
export function numberFlag(check: (n: z.ZodNumber) => z.ZodNumber = (n) => n, what?: string) {
  const error = what ? `expected a number (${what})` : "expected a number";
  return z.string().trim().regex(NUMBER_PATTERN, { error }).transform(Number).pipe(
    check(what ? z.number({ error }) : z.number()),
  );
}

/**
 * Commander's options (camelCase keys) keyed by their flag names, the input the flag schemas
 * validate, so errors name the flag a user typed.
 *
 * @example
 * ```ts
 * flagInput({ walletRpc: "http://127.0.0.2:18083" }); // { "--wallet-rpc": "http://..." }
 * ```
 */
export function flagInput(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    out[`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`] = value;
  }
  return out;
}

/** Validate flags; errors name the command (`what`, e.g. `hive sim run`) and the flag, exit 2. */
export function parseFlags<T extends z.ZodType>(
  what: string,
  schema: T,
  input: unknown,
): z.output<T> {
  return parseWith(schema, input, { what, makeError: (m) => new UsageError(m) });
}

/**
 * A whole number flag (digits only) in `lo..hi`; `error` is the one message for every way it
 * can be wrong, e.g. `expected a whole number 1..1000`.
 */
export function wholeFlag(error: string, lo: number, hi: number = Number.MAX_SAFE_INTEGER) {
  return z.string().regex(/^\d+$/, { error }).transform(Number).pipe(
    z.int().min(lo, { error }).max(hi, { error }),
  );
}

/** An integer flag in `lo..hi`. */
export const intFlag = (lo: number, hi: number = Number.MAX_SAFE_INTEGER) =>
  numberFlag((n) => n.int({ error: "expected an integer" }).min(lo).max(hi));

/** A number flag > 0. */
export const positiveFlag = numberFlag((n) => n.positive({ error: "expected a number > 0" }));

/** Longest duration an agent flag takes: ten years, far past any run. */
const _MAX_DURATION_MS = 10 * 365 * 86_400_000;

/**
 * A duration flag (`10s`, `500ms`, `2m`; a bare number is refused, as everywhere in hive) in
 * seconds; `positive` refuses `0s`.
 *
 * @example
 * ```ts
 * secondsFlag().parse("2m"); // 120
 * ```
 */
export function secondsFlag(options: { positive?: boolean } = {}) {
  return durationFlag({ minMs: options.positive ? 1 : 0, maxMs: _MAX_DURATION_MS })
    .transform((ms) => ms / 1000);
}

/** A duration flag > 0, in seconds. */
export const positiveSecondsFlag = secondsFlag({ positive: true });

/** An http(s) URL. */
export const urlFlag = z.url({ protocol: /^https?$/, error: "expected an http:// URL" });

/** A host name as written into events. */
export const hostNameFlag = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, {
  error: "expected a host name of letters, digits, . _ - (at most 64)",
});

/** A base58 Monero address. */
export const moneroAddressFlag = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{95,106}$/, {
  error: "expected a base58 Monero address",
});

/** `URL` or `NAME=URL`; a bare URL is named after its host:port. */
export const targetFlag = z.string().transform((text, ctx) => {
  const eq = text.indexOf("=");
  const name = eq > 0 ? text.slice(0, eq) : null;
  const url = eq > 0 ? text.slice(eq + 1) : text;
  const parsedUrl = urlFlag.safeParse(url);
  if (!parsedUrl.success) {
    ctx.addIssue({ code: "custom", message: "expected URL or NAME=URL with an http:// URL" });
    return z.NEVER;
  }
  if (name !== null && !hostNameFlag.safeParse(name).success) {
    ctx.addIssue({ code: "custom", message: "bad host name before '='" });
    return z.NEVER;
  }
  return { host: name ?? new URL(url).host.replace(/[^A-Za-z0-9_.-]/g, "_"), url };
});

/** A comma-separated list of {@link targetFlag}s, at least one. */
export const targetsFlag = z.string().transform((t) =>
  t.split(",").map((s) => s.trim()).filter(Boolean)
).pipe(z.array(targetFlag).min(1, { error: "expected at least one URL" }));

/**
 * `NAME=IP[,NAME=IP...]`: other addresses peers see a host at (the link relays of the
 * namespace path); a host may be named more than once. Maps each name to its addresses.
 */
export const seenAsFlag = z.string().transform((text, ctx) => {
  const out = new Map<string, string[]>();
  for (const item of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf("=");
    const name = item.slice(0, Math.max(eq, 0));
    const ip = item.slice(eq + 1);
    if (eq <= 0 || !hostNameFlag.safeParse(name).success || !z.ipv4().safeParse(ip).success) {
      ctx.addIssue({ code: "custom", message: `expected NAME=IPv4 items, got "${item}"` });
      return z.NEVER;
    }
    out.set(name, [...out.get(name) ?? [], ip]);
  }
  return out;
});

/** Schema shape of the flags every agent shares. */
export const commonFlagsShape = {
  "--host": hostNameFlag.optional(),
  "--seed": intFlag(0).default(1),
  "--time-scale": positiveFlag.default(1),
  "--t0": intFlag(0).optional(),
  "--duration": positiveSecondsFlag.optional(),
  "--out": z.string().min(1).optional(),
};

/** The shared flags after validation. */
export type CommonFlags = z.output<z.ZodObject<typeof commonFlagsShape>>;

/** Validate an agent's flags; errors name `hive sim agent KIND` and the flag, and exit 2. */
export function parseAgentFlags<T extends z.ZodType>(
  kind: string,
  schema: T,
  input: unknown,
): z.output<T> {
  return parseFlags(`hive sim agent ${kind}`, schema, input);
}

/** Declare the shared flags on an agent subcommand. */
export function addCommonFlags<C extends Command<[], Record<string, unknown>>>(cmd: C) {
  return cmd
    .option("--host <name>", "host name written into every event (default: from the URL)")
    .option("--seed <n>", "run seed; with the host name it fixes the random times (default 1)")
    .option(
      "--time-scale <x>",
      "simulated seconds per wall second: 60 makes a 120 s block interval last 2 s (default 1)",
    )
    .option(
      "--t0 <epoch-ms>",
      "run start (epoch milliseconds) event times count from (default: now; under Shadow, " +
        "whose clock starts at 2000-01-01, the simulation start)",
    )
    .option("--duration <d>", "stop after this wall time, e.g. 90s (default: until SIGINT/SIGTERM)")
    .option("--out <file>", "append RunEvent NDJSON to this file (default: stdout)");
}

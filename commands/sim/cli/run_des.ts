/**
 * The `--engine des` flags of `hive sim run`: their schema, the DES option each sets, and the
 * refusals of a flag that would do nothing (another engine, a validation delay under SimBlock's
 * relay).
 *
 * @module
 */
import { z } from "zod";
import type { DesOptionsInput } from "../../../adapters/engine/des/options.ts";
import { UsageError } from "../../../core/errors.ts";
import { durationFlag } from "../../../core/duration.ts";
import { numberFlag, parseFlags, wholeFlag } from "./flags.ts";

/** A time flag written as a duration (`2m`, `100ms`), in seconds. */
export function secondsFlag(minMs: number, maxMs: number) {
  return durationFlag({ minMs, maxMs }).transform((ms) => ms / 1000);
}

/** The `--engine des` flags; each maps to one field of `desOptionsSchema`. */
const _desFlagsSchema = z.object({
  // Below a second every block would fork (one hop takes its validation delay and a latency),
  // and a run's work grows with the forks it must resolve.
  "--block-interval": secondsFlag(1000, 365 * 86_400_000).optional(),
  "--block-size": numberFlag((n) => n.positive({ error: "expected bytes > 0" }), "bytes")
    .optional(),
  "--tx-size": numberFlag((n) => n.positive({ error: "expected bytes > 0" }), "bytes").optional(),
  "--validation-delay": secondsFlag(0, 86_400_000).optional(),
  "--receipts": z.enum(["on", "off", "auto"], { error: "expected on, off or auto" })
    .transform((v) => v === "auto" ? "auto" as const : v === "on").optional(),
  "--max-blocks": wholeFlag("expected a whole number >= 1", 1).optional(),
  "--give-up": wholeFlag("expected a whole number 1..1000", 1, 1000).optional(),
  "--pace": numberFlag((n) => n.positive({ error: "expected sim seconds per wall second > 0" }))
    .optional(),
});

/** Flag name -> DES option name, for the options object and for "des only" errors. */
const _DES_FLAG_FIELDS = {
  "--block-interval": "blockIntervalS",
  "--block-size": "blockSizeBytes",
  "--tx-size": "txSizeBytes",
  "--validation-delay": "validationDelayS",
  "--receipts": "receiptEvents",
  "--max-blocks": "maxBlocks",
  "--give-up": "doubleSpendGiveUp",
  "--pace": "paceSimSPerWallS",
} as const satisfies Record<keyof z.input<typeof _desFlagsSchema>, keyof DesOptionsInput>;

/**
 * Validate the DES flags and turn the given ones into engine options. Refuses them with any
 * other engine: a flag that silently does nothing would make a run look tuned when it is not.
 */
export function desRunOptions(engine: string, input: Record<string, unknown>): DesOptionsInput {
  const f = parseFlags("hive sim run", _desFlagsSchema, input);
  const out: Record<string, unknown> = {};
  for (const [flag, field] of Object.entries(_DES_FLAG_FIELDS)) {
    const value = f[flag as keyof typeof f];
    if (value === undefined) continue;
    if (engine !== "des") {
      throw new UsageError(
        `hive sim run: ${flag}: applies to --engine des only, got --engine ${engine}`,
      );
    }
    out[field] = value;
  }
  return out as DesOptionsInput;
}

/**
 * `--validation-delay` under SimBlock's relay, which relays a block as soon as it arrives (as
 * SimBlock does): refused, since the flag would be recorded and do nothing.
 */
export async function refuseSimblockValidation(des: DesOptionsInput, section: unknown) {
  if (des.validationDelayS === undefined) return;
  const { desRelayOf, parseDesNetModel } = await import("../../../adapters/engine/des/netmodel.ts");
  if (desRelayOf(parseDesNetModel(section ?? {})) !== "simblock") return;
  throw new UsageError(
    "hive sim run: --validation-delay: the simblock relay has no validation delay (SimBlock " +
      "relays a block as soon as it arrives); drop the flag, or set des.relay to push or fluffy",
  );
}

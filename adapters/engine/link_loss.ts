/**
 * Packet loss as the des and local engines take it: each lost transmission costs one
 * retransmission round trip, so at a loss of 1 nothing would ever arrive. Both cap a link's loss
 * at {@link MAX_LINK_LOSS} and say so at the start of a run; the scenario takes up to 1 because
 * Shadow does, and Shadow takes it as given.
 *
 * @module
 */
import type { Logger } from "../../core/logger.ts";
import type { SimModel } from "./types.ts";

/** Highest loss a link takes in the des and local engines. */
export const MAX_LINK_LOSS = 0.99;

/** A scenario loss as the engines use it: within 0..{@link MAX_LINK_LOSS}. */
export function cappedLoss(loss: number): number {
  return Math.min(MAX_LINK_LOSS, Math.max(0, loss));
}

/** Links whose loss is above the cap, and the highest such loss; null when none is. */
export function lossOverCap(model: SimModel): { links: number; max: number } | null {
  let links = 0;
  let max = 0;
  for (const e of model.edges) {
    if (e.packetLoss > MAX_LINK_LOSS) {
      links++;
      if (e.packetLoss > max) max = e.packetLoss;
    }
  }
  return links > 0 ? { links, max } : null;
}

/** Warn, once per run, when the model has links whose loss the engine caps. */
export function warnLossCap(model: SimModel, logger: Logger, engine: "des" | "local"): void {
  const over = lossOverCap(model);
  if (!over) return;
  logger.warn(
    `${engine}: packet_loss above ${MAX_LINK_LOSS} is taken as ${MAX_LINK_LOSS} (each loss ` +
      "costs a retransmission round trip; at 1 nothing would arrive)",
    { links: over.links, of: model.edges.length, highest: over.max },
  );
}

/**
 * The topology planner. Saturation: for each external target, the fleet's share of the target's
 * public capacity; at 20 % or more the target is saturated (no more fleet channels to it), and it
 * stays saturated until the share falls below 15 % (hysteresis, so it does not flap). Expansion:
 * an unsaturated target the fleet has no channel to gets one channel open, assigned to the member
 * with the most idle on-chain funds; the caller takes an intent lock before acting.
 *
 * @module
 */

/** Share at which a target is saturated. */
export const SATURATION_CAP = 0.20;
/** Share below which a saturated target is released. */
export const SATURATION_RELEASE = 0.15;
/** Default channel size of an expansion. */
export const DEFAULT_CHANNEL_SATS = 5_000_000;

/** An external node the fleet may connect to. */
export interface Target {
  id: string;
  public_capacity_sats: number;
}

/** A fleet channel to an external node. */
export interface FleetChannel {
  member: string;
  target: string;
  capacity_sats: number;
}

/** A member's idle funds. */
export interface Candidate {
  peer_id: string;
  onchain_sats: number;
}

/** Saturation of one target. */
export interface SaturationRow {
  target: string;
  fleet_capacity_sats: number;
  public_capacity_sats: number;
  share: number;
  saturated: boolean;
}

/** A planned expansion. */
export interface Expansion {
  action_type: "channel_open";
  target: string;
  member: string;
  amount_sats: number;
  reason: string;
}

/** One planner run's result (cl-hive's planner log rows). */
export interface PlanResult {
  saturation: SaturationRow[];
  expansions: Expansion[];
}

/**
 * Plan. `previouslySaturated` carries the hysteresis between runs (pass the set from the last
 * run; it is updated in place).
 */
export function plan(options: {
  targets: Target[];
  channels: FleetChannel[];
  candidates: Candidate[];
  previouslySaturated: Set<string>;
  channelSats?: number;
  maxExpansions?: number;
}): PlanResult {
  const size = options.channelSats ?? DEFAULT_CHANNEL_SATS;
  const byTarget = new Map<string, number>();
  const served = new Set<string>();
  for (const c of options.channels) {
    byTarget.set(c.target, (byTarget.get(c.target) ?? 0) + c.capacity_sats);
    served.add(c.target);
  }
  const saturation: SaturationRow[] = options.targets.map((t) => {
    const fleet = byTarget.get(t.id) ?? 0;
    const share = t.public_capacity_sats > 0 ? fleet / t.public_capacity_sats : 1;
    const was = options.previouslySaturated.has(t.id);
    const saturated = was ? share >= SATURATION_RELEASE : share >= SATURATION_CAP;
    if (saturated) options.previouslySaturated.add(t.id);
    else options.previouslySaturated.delete(t.id);
    return {
      target: t.id,
      fleet_capacity_sats: fleet,
      public_capacity_sats: t.public_capacity_sats,
      share: Math.round(share * 10000) / 10000,
      saturated,
    };
  });
  const expansions: Expansion[] = [];
  const funds = new Map(options.candidates.map((c) => [c.peer_id, c.onchain_sats]));
  for (const row of saturation) {
    if (expansions.length >= (options.maxExpansions ?? 1)) break;
    if (row.saturated || served.has(row.target)) continue;
    // Would this channel push the target over the cap? Then it is not worth opening.
    if ((row.fleet_capacity_sats + size) / Math.max(1, row.public_capacity_sats) > SATURATION_CAP) {
      continue;
    }
    let best: string | null = null;
    for (const [id, sats] of funds) {
      if (sats < size) continue;
      if (best === null || sats > funds.get(best)! || (sats === funds.get(best)! && id < best)) {
        best = id;
      }
    }
    if (!best) break;
    funds.set(best, funds.get(best)! - size);
    expansions.push({
      action_type: "channel_open",
      target: row.target,
      member: best,
      amount_sats: size,
      reason: `underserved: fleet share ${row.share} < ${SATURATION_CAP}`,
    });
  }
  return { saturation, expansions };
}

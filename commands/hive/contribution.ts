/**
 * Contribution ledger: how much a member forwards for the fleet against how much it receives.
 * From forward events over the last 7 days, ratio = forwarded / received (sats); below 0.5 the
 * member gets a throttle signal (cl-hive uses it to slow leechers' rebalances).
 *
 * Amounts are exact past 2^53 (bigint); the ratio is a float either way.
 *
 * @module
 */
import { type Sats, sumSats } from "./state.ts";

/** Window of the ratio (s). */
export const CONTRIBUTION_WINDOW_SECONDS = 7 * 24 * 3600;
/** Below this ratio a member is throttled. */
export const THROTTLE_RATIO = 0.5;

/** One ledger row. */
export interface LedgerEntry {
  peer_id: string;
  direction: "forwarded" | "received";
  amount_sats: Sats;
  timestamp: number;
}

/** Ratio of one member. */
export interface ContributionReport {
  peer_id: string;
  forwarded_sats: Sats;
  received_sats: Sats;
  ratio: number;
  throttle: boolean;
}

/** Rolling ledger. */
export class ContributionLedger {
  readonly entries: LedgerEntry[] = [];
  /** Called on each new entry (for persistence). */
  onAdd?: (e: LedgerEntry) => void;

  /** Record one ledger entry: a member forwarded through us, or received through us. */
  record(entry: LedgerEntry): void {
    this.entries.push(entry);
    this.onAdd?.(entry);
  }

  /** Drop entries older than the window. */
  prune(now: number): void {
    const cut = now - CONTRIBUTION_WINDOW_SECONDS;
    let k = 0;
    while (k < this.entries.length && this.entries[k].timestamp < cut) k++;
    if (k > 0) this.entries.splice(0, k);
  }

  /** The report of one member over the last 7 days. */
  report(peerId: string, now: number): ContributionReport {
    const cut = now - CONTRIBUTION_WINDOW_SECONDS;
    const fwdList: Sats[] = [], rcvList: Sats[] = [];
    for (const e of this.entries) {
      if (e.peer_id !== peerId || e.timestamp < cut) continue;
      (e.direction === "forwarded" ? fwdList : rcvList).push(e.amount_sats);
    }
    const fwd = sumSats(fwdList), rcv = sumSats(rcvList);
    const f = Number(fwd), r = Number(rcv);
    // No traffic received means nothing to repay: ratio 1 (neutral), as cl-hive does.
    const ratio = r === 0 ? (f > 0 ? Infinity : 1) : f / r;
    return {
      peer_id: peerId,
      forwarded_sats: fwd,
      received_sats: rcv,
      ratio: Number.isFinite(ratio) ? Math.round(ratio * 1000) / 1000 : 1e9,
      throttle: ratio < THROTTLE_RATIO,
    };
  }
}

/**
 * The test agents of a run (the seed's consensus, connectivity and transaction verification):
 * they watch the run's events as they happen and give each configured check a verdict, written
 * as `check` RunEvents. A reorganisation deeper than its bound fails at once, while the run
 * goes; the others are judged at the end:
 *
 * - `convergence`: every honest node (not an attacker, not stopped by a command) is on one tip,
 *   and got there within the bound after the last block was mined; a node that at the end
 *   lacks only blocks mined less than the bound before it is still within its bound;
 * - `disconnected`: no node was offline (stopped or paused by a command) or without peers (a
 *   monitor's `height` sample with 0 peers) for longer than the bound;
 * - `tx_in_chain`: every confirmed transaction is in the final chain (the chain of the tip most
 *   honest nodes hold), by its block when the engine names it, else by height; one in a block of
 *   another tip as high, held by honest nodes (a run that ends on a tie), is reported as
 *   unsettled, not lost;
 * - `reorg_depth`: no reorganisation rolled back more than the bound.
 *
 * The runner is engine-independent: live DES events, or a finished folder's events in order.
 *
 * @module
 */
import type { RunEvent } from "../../../adapters/engine/types.ts";
import type { ChecksConfig } from "./config.ts";

/** A verdict. */
export interface CheckOutcome {
  check: string;
  pass: boolean;
  detail: string;
  ts: number;
}

interface _Tip {
  height: number;
  hash: string;
  since: number;
}

function _r(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function _list(items: string[], max = 5): string {
  return items.length <= max
    ? items.join(", ")
    : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/** Watches events and judges the configured checks. */
export class CheckRunner {
  readonly #config: ChecksConfig;
  readonly #kinds: Map<string, string>;
  readonly #emit: (event: RunEvent) => void;
  readonly #tips = new Map<string, _Tip>();
  readonly #parents = new Map<string, { parent: string; height: number }>();
  /** When each block was mined (from `mined` events). */
  readonly #minedTs = new Map<string, number>();
  #lastMinedTs: number | null = null;
  /** Hosts offline now (command or no peers), since when. */
  readonly #offSince = new Map<string, number>();
  readonly #stopped = new Set<string>();
  #worstOffline: { host: string; seconds: number } | null = null;
  #maxReorg: { depth: number; host: string; ts: number } | null = null;
  #reorgFailed = false;
  readonly #confirmed = new Map<string, { height: number; block?: string }>();
  #lastTs = 0;
  /** Events observed (0 when the engine gave none live). */
  observed = 0;

  constructor(
    config: ChecksConfig,
    hosts: { name: string; kind: string }[],
    emit: (event: RunEvent) => void,
  ) {
    this.#config = config;
    this.#kinds = new Map(hosts.map((h) => [h.name, h.kind]));
    this.#emit = emit;
  }

  /** Take in one event, in time order. */
  observe(e: RunEvent): void {
    this.observed++;
    if (e.ts > this.#lastTs) this.#lastTs = e.ts;
    switch (e.event) {
      case "mined":
        this.#parents.set(e.hash, { parent: e.parent, height: e.height });
        this.#minedTs.set(e.hash, e.ts);
        this.#lastMinedTs = e.ts;
        this.#tip(e.host, e.height, e.hash, e.ts, false);
        break;
      case "block":
        if (!this.#parents.has(e.hash)) {
          this.#parents.set(e.hash, { parent: e.parent, height: e.height });
        }
        this.#tip(e.host, e.height, e.hash, e.ts, false);
        break;
      case "height":
        this.#tip(e.host, e.height, e.top_hash, e.ts, true);
        if (e.peers === 0) this.#off(e.host, e.ts);
        else if (!this.#stopped.has(e.host)) this.#on(e.host, e.ts);
        break;
      case "reorg":
        if (!this.#maxReorg || e.depth > this.#maxReorg.depth) {
          this.#maxReorg = { depth: e.depth, host: e.host, ts: e.ts };
        }
        if (
          this.#config.reorg_depth && !this.#reorgFailed && e.depth > this.#config.reorg_depth.max
        ) {
          this.#reorgFailed = true;
          this.#verdict(this.#reorgOutcome(e.ts));
        }
        break;
      case "tx_confirmed": {
        const block = (e as { block?: unknown }).block;
        this.#confirmed.set(e.txid, {
          height: e.height,
          ...(typeof block === "string" ? { block } : {}),
        });
        break;
      }
      case "agent":
        if (e.state === "stopped" || e.state === "paused") {
          this.#stopped.add(e.host);
          this.#off(e.host, e.ts);
        } else if (e.state === "running") {
          this.#stopped.delete(e.host);
          this.#on(e.host, e.ts);
        }
        break;
      default:
        break;
    }
  }

  #tip(host: string, height: number, hash: string, ts: number, exact: boolean): void {
    const tip = this.#tips.get(host);
    if (tip && tip.hash === hash) return;
    // Greatest height wins, first seen on ties; a node's own `height` sample is its word.
    if (!tip || exact || height > tip.height) this.#tips.set(host, { height, hash, since: ts });
  }

  #off(host: string, ts: number): void {
    if (!this.#offSince.has(host)) this.#offSince.set(host, ts);
  }

  #on(host: string, ts: number): void {
    const since = this.#offSince.get(host);
    if (since === undefined) return;
    this.#offSince.delete(host);
    this.#offline(host, ts - since);
  }

  #offline(host: string, seconds: number): void {
    if (!this.#worstOffline || seconds > this.#worstOffline.seconds) {
      this.#worstOffline = { host, seconds };
    }
  }

  #verdict(o: CheckOutcome): CheckOutcome {
    this.#emit({
      ts: _r(o.ts),
      host: "hive",
      event: "check",
      check: o.check,
      pass: o.pass,
      detail: o.detail.slice(0, 500),
    });
    return o;
  }

  #reorgOutcome(ts: number): CheckOutcome {
    const max = this.#config.reorg_depth!.max;
    const worst = this.#maxReorg;
    const pass = !worst || worst.depth <= max;
    return {
      check: "reorg_depth",
      pass,
      ts,
      detail: worst
        ? `deepest reorg ${worst.depth} block(s) at ${worst.host}, t=${
          _r(worst.ts)
        } s (bound ${max})`
        : `no reorg (bound ${max})`,
    };
  }

  /** Honest nodes still running at the end. */
  #honest(): string[] {
    return [...this.#kinds].filter(([name, kind]) =>
      kind !== "attacker" && !this.#stopped.has(name)
    )
      .map(([name]) => name);
  }

  /** The tip most honest nodes hold (highest on a tie), or null. */
  /**
   * Whether a node on tip `hash` lacks only blocks of the final chain mined less than `within`
   * before the end: the first final block above where its chain and the final one meet is that
   * young, so its bound is not up yet.
   */
  #stillSpreading(hash: string, final: _Tip, end: number, within: number): boolean {
    const own = this.#chainOf(hash);
    let first: string | undefined;
    // Down the final chain to the first block the node's chain also has; at most one step
    // per block known, so a cycle in bad input ends.
    let steps = this.#parents.size + 1;
    for (let h: string | undefined = final.hash; h !== undefined && !own.has(h) && steps-- > 0;) {
      first = h;
      h = this.#parents.get(h)?.parent;
    }
    const minedAt = first === undefined ? undefined : this.#minedTs.get(first);
    return minedAt !== undefined && end - minedAt < within;
  }

  /** The hashes of the chain ending at `hash` (bounded by the blocks known). */
  #chainOf(hash: string): Set<string> {
    const chain = new Set<string>();
    // Each step moves to a parent, one height down; a cycle in bad input stops at a repeat.
    for (let h: string | undefined = hash; h !== undefined && !chain.has(h);) {
      chain.add(h);
      h = this.#parents.get(h)?.parent;
    }
    return chain;
  }

  #finalTip(): _Tip | null {
    const count = new Map<string, { n: number; tip: _Tip }>();
    for (const host of this.#honest()) {
      const tip = this.#tips.get(host);
      if (!tip) continue;
      const c = count.get(tip.hash) ?? { n: 0, tip };
      c.n++;
      count.set(tip.hash, c);
    }
    let best: { n: number; tip: _Tip } | null = null;
    for (const c of count.values()) {
      if (!best || c.n > best.n || (c.n === best.n && c.tip.height > best.tip.height)) best = c;
    }
    return best?.tip ?? null;
  }

  /** Judge every configured check at the end of the run (`endTs`: simulated seconds). */
  finish(endTs: number): CheckOutcome[] {
    const end = Math.max(endTs, this.#lastTs);
    for (const [host, since] of this.#offSince) this.#offline(host, end - since);
    const out: CheckOutcome[] = [];
    const c = this.#config;
    if (c.convergence) out.push(this.#verdict(this.#convergence(c.convergence.within, end)));
    if (c.disconnected) out.push(this.#verdict(this.#disconnected(c.disconnected.max, end)));
    if (c.tx_in_chain) out.push(this.#verdict(this.#txInChain(end)));
    if (c.reorg_depth) out.push(this.#verdict(this.#reorgOutcome(end)));
    return out;
  }

  #convergence(within: number, end: number): CheckOutcome {
    const base = { check: "convergence", ts: end };
    const honest = this.#honest();
    if (this.#lastMinedTs === null) {
      return { ...base, pass: true, detail: "no block was mined: nothing to converge on" };
    }
    const unknown = honest.filter((h) => !this.#tips.has(h));
    if (unknown.length > 0) {
      const some = unknown.length < honest.length
        ? ` for ${unknown.length} of ${honest.length} honest nodes (${_list(unknown)})`
        : "";
      return {
        ...base,
        pass: false,
        detail: `cannot be judged${some}: no per-node block or height events (DES: use ` +
          "--receipts on)",
      };
    }
    const final = this.#finalTip()!;
    const off = honest.filter((h) => this.#tips.get(h)?.hash !== final.hash);
    // A node may still lack blocks mined so recently that its bound is not up at the end.
    // Nodes on one tip share its verdict: one walk per distinct tip.
    const spreading = new Map<string, boolean>();
    const late = off.filter((h) => {
      const hash = this.#tips.get(h)!.hash;
      let still = spreading.get(hash);
      if (still === undefined) {
        still = this.#stillSpreading(hash, final, end, within);
        spreading.set(hash, still);
      }
      return !still;
    });
    if (late.length > 0) {
      return {
        ...base,
        pass: false,
        detail: `${late.length} of ${honest.length} honest nodes not on the final tip ` +
          `(height ${final.height}) at the end, ${_r(end - this.#lastMinedTs)} s after the ` +
          `last block: ${_list(late)}`,
      };
    }
    if (off.length > 0) {
      return {
        ...base,
        pass: true,
        detail: `${honest.length - off.length} of ${honest.length} honest nodes on the final tip ` +
          `(height ${final.height}) at the end; ${_list(off)} still lacked blocks mined less ` +
          `than the bound (${within} s) before the end, the last ${
            _r(end - this.#lastMinedTs)
          } s before it`,
      };
    }
    const took = Math.max(
      0,
      Math.max(...honest.map((h) => this.#tips.get(h)!.since)) - this.#lastMinedTs,
    );
    return {
      ...base,
      pass: took <= within,
      detail: `all ${honest.length} honest nodes on one tip (height ${final.height}) ` +
        `${_r(took)} s after the last block (bound ${within} s)`,
    };
  }

  #disconnected(max: number, end: number): CheckOutcome {
    const worst = this.#worstOffline;
    return {
      check: "disconnected",
      ts: end,
      pass: !worst || worst.seconds <= max,
      detail: worst
        ? `longest offline: ${worst.host} for ${_r(worst.seconds)} s (bound ${max} s)`
        : `no node went offline (bound ${max} s)`,
    };
  }

  #txInChain(end: number): CheckOutcome {
    const base = { check: "tx_in_chain", ts: end };
    if (this.#confirmed.size === 0) {
      return { ...base, pass: true, detail: "no transaction was confirmed" };
    }
    const final = this.#finalTip();
    if (!final) return { ...base, pass: false, detail: "cannot be judged: no final tip known" };
    const chain = this.#chainOf(final.hash);
    // The run may end on a tie: honest nodes on another tip as high as the final one. Which
    // side wins is not settled, so a transaction on such a side is not lost (yet).
    const rivalTips = new Set<string>();
    for (const host of this.#honest()) {
      const tip = this.#tips.get(host);
      if (tip && tip.hash !== final.hash && tip.height >= final.height) rivalTips.add(tip.hash);
    }
    const rivals = new Set<string>();
    for (const tip of rivalTips) {
      for (const h of this.#chainOf(tip)) if (!chain.has(h)) rivals.add(h);
    }
    const missing: string[] = [];
    const unsettled: string[] = [];
    let byHeight = 0;
    for (const [txid, c] of this.#confirmed) {
      if (c.block !== undefined) {
        if (chain.has(c.block)) continue;
        if (rivals.has(c.block)) unsettled.push(txid);
        else missing.push(txid);
      } else {
        byHeight++;
        if (c.height > final.height) missing.push(txid);
      }
    }
    const how = byHeight > 0 ? ` (${byHeight} checked by height only)` : "";
    const tie = unsettled.length > 0
      ? `; ${unsettled.length} in a block of another tip as high, held by honest nodes (the ` +
        `run ended on an unsettled tie): ${_list(unsettled, 3)}`
      : "";
    const held = this.#confirmed.size - unsettled.length;
    return {
      ...base,
      pass: missing.length === 0,
      detail: missing.length === 0
        ? (unsettled.length > 0
          ? `${held} of ${this.#confirmed.size} confirmed transactions are`
          : `all ${held} confirmed transactions are`) + ` in the final chain${how}${tie}`
        : `${missing.length} of ${this.#confirmed.size} confirmed transactions are not in the ` +
          `final chain${how}: ${_list(missing, 3)}${tie}`,
    };
  }
}

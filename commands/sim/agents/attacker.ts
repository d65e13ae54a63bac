/**
 * Attacker agent: the run-time parts of the attacks, carried out through monerod's `set_bans`
 * RPC (banning a host drops its connections and refuses new ones; lifting the ban lets the
 * exclusive/priority peer loop reconnect).
 *
 * - `partition`: at `start` every node of group A bans every node of group B and the other way
 *   round; at `end` the bans are lifted and the groups resync. Shadow's topology is static, so
 *   this is also how a partition is realised there.
 * - `eclipse`: the attacker nodes (the victim's only peers) hold honest blocks back from the
 *   victim. `withhold`: the links between victim and attackers are banned from `start` on.
 *   `delay`: the links stay banned; `delay` seconds after the attackers get a new block they
 *   open until the victim has caught up, so it learns each block that much later. Its last record
 *   carries the outcome the des engine gives an eclipse: the victim's lag behind its attackers,
 *   sampled every second (`time_behind_fraction`, mean, max and final lag in blocks), and
 *   `success` when it was behind in at least half of the samples.
 *
 * A ban is applied on both ends of a link: on loopback (the local engine) every outgoing
 * connection comes from 127.0.0.1, so a node's ban of an address only stops its own outgoing
 * connections to it.
 *
 * Host IPs are taken from the RPC URLs: each simulated host has one IP for P2P and RPC, plus
 * the addresses `--seen-as` names (the link relays' of the namespace path), banned with it.
 *
 * @module
 */
import type { MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { type AgentContext, sleep } from "./runtime.ts";

/** Ban length used for "until lifted". */
const _LONG_BAN_S = 7 * 24 * 3600;
const _TOPS_ATTEMPTS = 5;
const _TOPS_RETRY_MS = 500;

/** A node the attacker drives or targets. */
export interface AttackNode {
  host: string;
  rpc: MonerodRpc;
  /**
   * Other addresses peers see this node at, banned with its own: on the namespace path the
   * link relays dial and are dialled from the node's relay alias.
   */
  aliases?: readonly string[];
}

/** Options for {@link runPartition}. */
export interface PartitionOptions {
  groupA: AttackNode[];
  groupB: AttackNode[];
  /** Run seconds (already divided by the time scale) when the cut starts and ends. */
  startS: number;
  endS: number;
  /** Wall milliseconds to wait after the heal for every node to agree (default 30 s). */
  convergeWaitMs?: number;
}

/** The IP address in a node's RPC URL. */
export function nodeIp(node: AttackNode): string {
  return new URL(node.rpc.url).hostname.replace(/^\[|\]$/g, "");
}

/**
 * Ban (or, with `ban: false`, unban) `targets` on every node of `from`. On loopback every
 * outgoing connection comes from 127.0.0.1, so a ban only stops the banning node's own outgoing
 * connections; callers ban in both directions to cut a link completely.
 */
export async function banAll(
  from: AttackNode[],
  targets: AttackNode[],
  ban: boolean,
): Promise<void> {
  const entries = targets.flatMap((t) =>
    [nodeIp(t), ...t.aliases ?? []].map((host) => ({
      host,
      ban,
      seconds: ban ? _LONG_BAN_S : 0,
    }))
  );
  await Promise.all(from.map((node) => node.rpc.setBans(entries)));
}

/**
 * Each node's top height. A node busy dropping or syncing connections may miss one call, so a
 * failed reading is tried again a few times before the error is passed on.
 */
async function _tops(nodes: AttackNode[]): Promise<Record<string, number>> {
  for (let attempt = 1;; attempt++) {
    try {
      const out: Record<string, number> = {};
      await Promise.all(nodes.map(async (n) => {
        out[n.host] = (await n.rpc.getInfo()).height - 1;
      }));
      return out;
    } catch (error) {
      if (attempt >= _TOPS_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, _TOPS_RETRY_MS));
    }
  }
}

async function _hashes(nodes: AttackNode[]): Promise<Set<string>> {
  const tops = await Promise.all(nodes.map((n) => n.rpc.getInfo().then((i) => i.top_block_hash)));
  return new Set(tops);
}

/**
 * Wait (bounded by `maxMs`, and by the signal: stopped, it looks once) until every node has the
 * same top block.
 */
async function _waitConverged(
  nodes: AttackNode[],
  signal: AbortSignal,
  maxMs: number,
): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    try {
      if ((await _hashes(nodes)).size === 1) return true;
    } catch {
      // a node busy syncing may not answer in time; look again
    }
    if (Date.now() >= deadline || !await sleep(500, signal)) return false;
  }
}

/**
 * Blocks the shorter side mined during the cut: each group's gain over the highest top at the
 * cut; the shorter of the two branches is the one reorganised away at the heal.
 */
export function partitionForkLength(
  atCut: Record<string, number>,
  atHeal: Record<string, number>,
  groupA: readonly string[],
  groupB: readonly string[],
): number {
  const base = Math.max(...Object.values(atCut));
  const gain = (g: readonly string[]) => Math.max(0, Math.max(...g.map((h) => atHeal[h])) - base);
  return Math.min(gain(groupA), gain(groupB));
}

/** Cut group A from group B between `startS` and `endS`. Returns false when stopped early. */
export async function runPartition(ctx: AgentContext, options: PartitionOptions): Promise<boolean> {
  const { clock, signal, logger } = ctx;
  if (!await sleep(clock.msUntil(options.startS), signal)) return false;
  await banAll(options.groupA, options.groupB, true);
  await banAll(options.groupB, options.groupA, true);
  logger.info("partition cut", { a: options.groupA.length, b: options.groupB.length });
  const all = [...options.groupA, ...options.groupB];
  const atCut = await _tops(all);
  ctx.events.write({
    ts: clock.ts(),
    host: options.groupA[0].host,
    event: "attack",
    attack: "partition",
    outcome: {
      phase: "cut",
      group_a: options.groupA.map((n) => n.host),
      group_b: options.groupB.map((n) => n.host),
      heights: atCut,
    },
  });
  // The cut is lifted even when stopping early, so the nodes are left as they were found.
  const completed = await sleep(clock.msUntil(options.endS), signal);
  let before: Record<string, number>;
  try {
    before = await _tops(all);
  } finally {
    await banAll(options.groupA, options.groupB, false);
    await banAll(options.groupB, options.groupA, false);
  }
  const healedTs = clock.ts();
  // The analysis needs the fork length and whether the sides joined again (one record: this).
  const forkLength = partitionForkLength(
    atCut,
    before,
    options.groupA.map((n) => n.host),
    options.groupB.map((n) => n.host),
  );
  const converged = await _waitConverged(all, signal, options.convergeWaitMs ?? 30_000);
  logger.info("partition healed", { fork_length: forkLength, converged });
  ctx.events.write({
    ts: healedTs,
    host: options.groupA[0].host,
    event: "attack",
    attack: "partition",
    outcome: { phase: "healed", heights: before, completed, fork_length: forkLength, converged },
  });
  return completed;
}

/** Options for {@link runEclipse}. */
export interface EclipseOptions {
  /** Nodes the attacker controls (the victim's only peers). */
  attackers: AttackNode[];
  victim: AttackNode;
  behaviour: "delay" | "withhold";
  /** Wall seconds each new block is held back (`delay`). */
  delayS: number;
  /** Run second the attack starts. */
  startS: number;
  /** Wall seconds between checks of the attackers' tops (`delay`). */
  pollS?: number;
  /** Wall seconds between samples of the victim's lag behind its attackers. Default 1. */
  sampleS?: number;
}

/** Hold blocks back from the victim until stopped; returns the number of blocks held. */
export async function runEclipse(ctx: AgentContext, options: EclipseOptions): Promise<number> {
  const { clock, signal, logger } = ctx;
  if (!await sleep(clock.msUntil(options.startS), signal)) return 0;
  const victim = [options.victim];
  // Both directions: see banAll.
  const cut = async (ban: boolean) => {
    await banAll(options.attackers, victim, ban);
    await banAll(victim, options.attackers, ban);
  };
  const report = async (phase: string, extra: Record<string, unknown> = {}) =>
    ctx.events.write({
      ts: clock.ts(),
      host: options.victim.host,
      event: "attack",
      attack: "eclipse",
      outcome: {
        phase,
        behaviour: options.behaviour,
        heights: await _tops([...options.attackers, options.victim]),
        ...extra,
      },
    });
  let held = 0;
  const lag = new _LagSampler(options.attackers, options.victim);
  const stopSampling = new AbortController();
  const sampling = (async () => {
    const stop = AbortSignal.any([signal, stopSampling.signal]);
    // Bounded by the attack: it ends when the run stops or the attack fails.
    while (await sleep((options.sampleS ?? 1) * 1000, stop)) await lag.sample();
  })();
  try {
    if (options.behaviour === "withhold") {
      await cut(true);
      logger.info("eclipse: withholding every block from the victim");
      await report("started");
      while (await sleep(60_000, signal));
      return held;
    }
    // The victim stays cut off; a new block opens the link only `delayS` after it arrived,
    // and only until the victim has it. Reacting after the block came would be too late:
    // monerod relays a block within milliseconds.
    await cut(true);
    logger.info("eclipse: delaying every block to the victim", { delay_s: options.delayS });
    await report("started");
    const attacker = options.attackers[0].rpc;
    let lastTop = (await attacker.getInfo()).top_block_hash;
    while (await sleep((options.pollS ?? 0.2) * 1000, signal)) {
      const top = (await attacker.getInfo()).top_block_hash;
      if (top === lastTop) continue;
      held++;
      if (!await sleep(options.delayS * 1000, signal)) break;
      const opened = await attacker.getInfo();
      lastTop = opened.top_block_hash;
      await cut(false);
      // Bounded (100 x pollS): open until the victim is as high as the attackers were. Not until
      // it has their top: monerod syncs the victim to whatever the attackers hold by then, a
      // block found meanwhile too, and waiting for the old top would keep the link open.
      for (let i = 0; i < 100; i++) {
        if ((await options.victim.rpc.getInfo()).height >= opened.height) break;
        if (!await sleep((options.pollS ?? 0.2) * 1000, signal)) break;
      }
      if (signal.aborted) break;
      await cut(true);
    }
    return held;
  } finally {
    stopSampling.abort();
    await sampling;
    await cut(false).catch((error) => logger.warn("could not lift the victim's ban", { error }));
    await report("stopped", { blocks_held: held, ...lag.outcome() }).catch(() => {});
  }
}

/**
 * How far and how long an eclipse victim lags the best height its attackers see (they follow
 * the honest chain), sampled at even wall times: the outcome the des engine gives an eclipse,
 * so `analyze` counts successes alike (behind in at least half of the samples).
 */
class _LagSampler {
  #samples = 0;
  #behind = 0;
  #sum = 0;
  #max = 0;
  #last = 0;

  constructor(readonly attackers: AttackNode[], readonly victim: AttackNode) {}

  /** One sample; a node that does not answer skips it. */
  async sample(): Promise<void> {
    const tops = await _tops([...this.attackers, this.victim]).catch(() => null);
    if (!tops) return;
    const best = Math.max(...this.attackers.map((a) => tops[a.host]));
    const lag = Math.max(0, best - tops[this.victim.host]);
    this.#samples++;
    this.#sum += lag;
    if (lag > 0) this.#behind++;
    if (lag > this.#max) this.#max = lag;
    this.#last = lag;
  }

  outcome(): Record<string, unknown> {
    const n = this.#samples;
    const fraction = n > 0 ? this.#behind / n : 0;
    return {
      samples: n,
      time_behind_fraction: _round4(fraction),
      mean_lag_blocks: n > 0 ? _round4(this.#sum / n) : 0,
      max_lag_blocks: this.#max,
      final_lag_blocks: this.#last,
      success: n > 0 && fraction >= 0.5,
    };
  }
}

function _round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

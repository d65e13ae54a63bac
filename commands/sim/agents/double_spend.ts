/**
 * Double-spend attacker on stock monerod (`hive sim agent attacker --mode double_spend`), for
 * the local engine and generated Shadow configs.
 *
 * The agent mines on the attacker's own node for the whole run, at Poisson times scaled by its
 * hashrate share (the miner agent's loop). At `startS` it isolates that node: it bans every peer
 * and every peer bans it (`set_bans`, both ends, see `banAll`), and records the fork height (the
 * attacker's top). From then on its blocks form a private chain while the honest miners keep
 * mining. The payment is modelled as the first honest block after the fork (`fork_height + 1`
 * on the victim): no wallet transfer is made or reversed. Once the victim has `confirmations`
 * blocks past the fork and the private chain is strictly longer, the bans are lifted, the nodes
 * reconnect and sync, and the longer (heavier, at fixed difficulty) private chain replaces the
 * victim's. Success: the victim's block at `fork_height + 1` becomes the attacker's.
 *
 * The node must have synchronised with its peers once before it is cut off (an isolated
 * monerod that never did answers `generateblocks` with BUSY), so the attack waits for that
 * (at most 30 s) when it starts very early. The attacker gives up `timeoutS` after the start (bans lifted, `success: false`, reason
 * `timeout`); after a release it waits at most `releaseWaitS` for the victim to switch.
 * One `attack` RunEvent carries the outcome; a run that ends mid-attack reports reason
 * `run_ended`.
 *
 * @module
 */
import { type AttackNode, banAll } from "./attacker.ts";
import { type MinerOptions, runMiner } from "./miner.ts";
import { type AgentContext, sleep } from "./runtime.ts";

/** Options for {@link runDoubleSpend}. */
export interface DoubleSpendOptions {
  /** The attacker's own node: it mines there and that node is isolated. */
  attacker: AttackNode;
  victim: AttackNode;
  /** Nodes the attacker's node may be connected to (the victim too); the attacker is skipped. */
  peers: AttackNode[];
  /** Mining on the attacker's node (share, seed, time scale...); `rpc` mines and may abort. */
  mining: Omit<MinerOptions, "host">;
  /** Blocks the victim waits for past the fork (the payment block counts as the first). */
  confirmations: number;
  /** Run second (wall, already divided by the time scale) the attack starts. */
  startS: number;
  /** Wall seconds after the start the attacker gives up. */
  timeoutS: number;
  /** Wall seconds to wait for the victim to adopt a released chain. Default 30. */
  releaseWaitS?: number;
  /** Wall seconds between height checks. Default 0.2. */
  pollS?: number;
}

/** The outcome record (`attack` event `outcome`). */
export interface DoubleSpendOutcome {
  attacker: string;
  victim: string;
  q: number;
  confirmations: number;
  fork_height: number;
  /** Height of the modelled payment: the first honest block after the fork. */
  payment_height: number;
  payment_hash: string | null;
  /** Private blocks past the fork when released (or when the attack ended). */
  private_len: number;
  /** The victim's blocks past the fork when released (or when the attack ended). */
  honest_len: number;
  /** Blocks the victim replaced when it switched to the private chain (0 unless success). */
  reorg_depth: number;
  accepted_ts: number | null;
  released_ts: number | null;
  resolved_ts: number;
  success: boolean;
  reason: "reorged_victim" | "timeout" | "honest_chain_won" | "not_adopted" | "run_ended";
}

/** What the agent did. */
export interface DoubleSpendResult {
  mined: number;
  outcome: DoubleSpendOutcome | null;
}

/**
 * Up to 4 tries, 500 ms apart: a set_bans call lost on a busy machine must not leave a link cut
 * (or open) for the rest of the run. Plain timers: bans are lifted after a stop signal too.
 */
async function _retry(call: () => Promise<void>): Promise<void> {
  for (let i = 0;; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const _top = async (node: AttackNode) => (await node.rpc.getInfo()).height - 1;

/** Mine for the whole run and carry out one double spend; resolves when stopped. */
export async function runDoubleSpend(
  ctx: AgentContext,
  options: DoubleSpendOptions,
): Promise<DoubleSpendResult> {
  const [mined, outcome] = await Promise.all([
    runMiner(ctx, { ...options.mining, host: options.attacker.host }),
    _attack(ctx, options),
  ]);
  return { mined: mined.mined, outcome };
}

/** What the race has seen so far; the outcome is built from it. */
interface _Race {
  fork: number;
  honestLen: number;
  privateLen: number;
  paymentHash: string | null;
  acceptedTs: number | null;
  releasedTs: number | null;
  reorgDepth: number;
  released: boolean;
  reason: DoubleSpendOutcome["reason"];
}

async function _attack(
  ctx: AgentContext,
  o: DoubleSpendOptions,
): Promise<DoubleSpendOutcome | null> {
  if (!await sleep(ctx.clock.msUntil(o.startS), ctx.signal)) return null;
  if (!await _waitSynchronised(ctx, o)) return null;
  const cut = _cutter(ctx, o);
  await cut(true);
  const race: _Race = {
    fork: await _top(o.attacker),
    honestLen: 0,
    privateLen: 0,
    paymentHash: null,
    acceptedTs: null,
    releasedTs: null,
    reorgDepth: 0,
    released: false,
    reason: "run_ended",
  };
  ctx.logger.info("double spend: node isolated, mining in secret", {
    fork_height: race.fork,
    q: o.mining.hashrate / 100,
  });
  let outcome: DoubleSpendOutcome;
  try {
    await _mineInSecret(ctx, o, race);
    if (!ctx.signal.aborted && race.reason !== "timeout") await _release(ctx, o, race, cut);
  } finally {
    // The nodes are left as found even when stopping early or failing.
    if (!race.released) {
      await cut(false).catch((error) => ctx.logger.warn("could not lift the bans", { error }));
    }
    // The outcome is written whatever happened, before an error goes on up.
    outcome = _report(ctx, o, race);
  }
  return outcome;
}

/**
 * An isolated monerod mines only if it has counted itself synchronised once (else
 * generateblocks answers BUSY for good), so it must meet its peers before being cut off.
 * Bounded: 150 x 200 ms. False when stopped.
 */
async function _waitSynchronised(ctx: AgentContext, o: DoubleSpendOptions): Promise<boolean> {
  for (let i = 0; i < 150; i++) {
    const info = await o.attacker.rpc.getInfo().catch(() => null);
    if (info?.synchronized) break;
    if (i === 0) ctx.logger.info("double spend: waiting for the node to synchronise first");
    if (!await sleep(200, ctx.signal)) return false;
  }
  return true;
}

/** Cut (or reconnect) the attacker's node from every other host, banning on both ends. */
function _cutter(ctx: AgentContext, o: DoubleSpendOptions): (ban: boolean) => Promise<void> {
  const others = o.peers.filter((p) => p.host !== o.attacker.host);
  return async (ban) => {
    await _retry(() => banAll([o.attacker], others, ban));
    // A peer that does not answer (not started yet, or gone) cannot be banned; the others are.
    const results = await Promise.allSettled(
      others.map((p) => _retry(() => banAll([p], [o.attacker], ban))),
    );
    results.forEach((r, i) => {
      if (r.status === "rejected") {
        ctx.logger.warn("set_bans failed on a peer", {
          peer: others[i].host,
          ban,
          error: r.reason,
        });
      }
    });
  };
}

/**
 * Poll both chains until the victim has its confirmations and the private chain is longer, or
 * the timeout. Bounded by the deadline (timeoutS) and the stop signal; one pass per poll.
 */
async function _mineInSecret(
  ctx: AgentContext,
  o: DoubleSpendOptions,
  race: _Race,
): Promise<void> {
  const { clock, signal, logger } = ctx;
  const fork = race.fork;
  const deadline = clock.ts() + o.timeoutS;
  while (await sleep(_pollMs(o), signal)) {
    try {
      const [v, a] = await Promise.all([_top(o.victim), _top(o.attacker)]);
      race.honestLen = Math.max(0, v - fork);
      race.privateLen = Math.max(0, a - fork);
      if (race.honestLen >= 1 && race.paymentHash === null) {
        race.paymentHash = (await o.victim.rpc.headerByHeight(fork + 1)).hash;
      }
      const confirmed = race.honestLen >= o.confirmations;
      if (confirmed && race.acceptedTs === null) race.acceptedTs = clock.ts();
      if (confirmed && race.privateLen > race.honestLen) break;
    } catch (error) {
      logger.warn("height check failed", { error });
    }
    if (clock.ts() >= deadline) {
      race.reason = "timeout";
      break;
    }
  }
}

/**
 * Lift the bans so the private chain spreads, then watch (bounded by releaseWaitS and the stop
 * signal) whether the victim switches to it.
 */
async function _release(
  ctx: AgentContext,
  o: DoubleSpendOptions,
  race: _Race,
  cut: (ban: boolean) => Promise<void>,
): Promise<void> {
  const { clock, signal, logger } = ctx;
  const fork = race.fork;
  const privateFirst = (await o.attacker.rpc.headerByHeight(fork + 1)).hash;
  await cut(false);
  race.released = true;
  race.releasedTs = clock.ts();
  logger.info("double spend: private chain released", {
    private_len: race.privateLen,
    honest_len: race.honestLen,
  });
  race.reason = "not_adopted";
  const waitUntil = clock.ts() + (o.releaseWaitS ?? 30);
  race.reorgDepth = race.honestLen;
  while (clock.ts() < waitUntil && await sleep(_pollMs(o), signal)) {
    try {
      const [v, a] = await Promise.all([
        o.victim.rpc.headerByHeight(fork + 1),
        o.attacker.rpc.headerByHeight(fork + 1),
      ]);
      if (v.hash === privateFirst) {
        race.reason = "reorged_victim";
        break;
      }
      if (a.hash !== privateFirst) {
        race.reason = "honest_chain_won";
        break;
      }
      // Still on the honest chain, which may have grown since the release.
      race.reorgDepth = Math.max(race.reorgDepth, (await _top(o.victim)) - fork);
    } catch (error) {
      logger.warn("adoption check failed", { error });
    }
  }
  if (signal.aborted && race.reason === "not_adopted") race.reason = "run_ended";
}

function _pollMs(o: DoubleSpendOptions): number {
  return (o.pollS ?? 0.2) * 1000;
}

/** Write the one `attack` event and log it. */
function _report(ctx: AgentContext, o: DoubleSpendOptions, race: _Race): DoubleSpendOutcome {
  const success = race.reason === "reorged_victim";
  const outcome: DoubleSpendOutcome = {
    attacker: o.attacker.host,
    victim: o.victim.host,
    q: o.mining.hashrate / 100,
    confirmations: o.confirmations,
    fork_height: race.fork,
    payment_height: race.fork + 1,
    payment_hash: race.paymentHash,
    private_len: race.privateLen,
    honest_len: race.honestLen,
    reorg_depth: success ? race.reorgDepth : 0,
    accepted_ts: race.acceptedTs,
    released_ts: race.releasedTs,
    resolved_ts: ctx.clock.ts(),
    success,
    reason: race.reason,
  };
  ctx.events.write({
    ts: ctx.clock.ts(),
    host: o.attacker.host,
    event: "attack",
    attack: "double_spend",
    outcome: { ...outcome },
  });
  ctx.logger.info("double spend: outcome", { ...outcome });
  return outcome;
}

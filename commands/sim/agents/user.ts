/**
 * User agent: a wallet owner sending transfers through `monero-wallet-rpc` at exponentially
 * distributed intervals, recording `tx_sent` and, once mined, `tx_confirmed`.
 *
 * On a fresh regtest chain the wallet has no money, so with `fundBlocks > 0` the agent first
 * mines that many blocks to its own address and then 80 more to a burn address: regtest
 * coinbase outputs unlock only after 60 blocks, and a transfer needs 15 unlocked decoys.
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";
import {
  ATOMIC_PER_XMR,
  type MonerodRpc,
  type WalletRpc,
} from "../../../adapters/engine/local/rpc.ts";
import { fundWallets, openOrCreateWallet } from "../../../adapters/engine/local/wallet.ts";
import { type AgentContext, agentRng, exponential, sleep } from "./runtime.ts";
import type { Rng } from "../scenario/prng.ts";

/** Amount distribution in XMR: `0.5` (fixed) or `0.1..2` (uniform). */
export type AmountSpec = { kind: "fixed"; value: number } | {
  kind: "uniform";
  min: number;
  max: number;
};

/** Consecutive failed transfers before the agent gives up. */
const _MAX_FAILURES = 20;

/** Options for {@link runUser}. */
export interface UserOptions {
  wallet: WalletRpc;
  daemon: MonerodRpc;
  host: string;
  seed: number;
  /** Mean simulated seconds between transfers. */
  intervalMeanS: number;
  timeScale: number;
  amount: AmountSpec;
  /** Destination; default: the wallet's own address (a real transfer all the same). */
  to?: string;
  /** Wallet file name in the wallet RPC's `--wallet-dir`; opened, or created when missing. */
  walletName: string;
  /** Blocks to mine to the wallet before starting (0: expect it funded). */
  fundBlocks: number;
  /** Stop after this many transfers (tests). */
  maxTransfers?: number;
  /** Seconds to wait for an unlocked balance before sending (default 120). */
  fundWaitS?: number;
  /** `exponential` (default) or `fixed` intervals of `intervalMeanS`. */
  intervalKind?: "exponential" | "fixed";
  /** Chance each due transfer is sent (default 1). */
  sendProbability?: number;
  /** Simulated run second from which it sends (default: at once). */
  activityStartS?: number;
}

/** What a user agent did. */
export interface UserResult {
  sent: number;
  confirmed: number;
  failed: number;
}

/**
 * Why a transfer failed, as a short stable word for the analysis: monero-wallet-rpc's
 * "not enough unlocked money" (outputs still locked: fund with more blocks), "not enough
 * money", a timeout, or `other`.
 */
export function transferFailureReason(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).toLowerCase();
  if (text.includes("not enough unlocked")) return "not_enough_unlocked";
  if (text.includes("not enough money") || text.includes("not enough outputs")) {
    return "not_enough_money";
  }
  if (text.includes("timed out") || text.includes("timeout")) return "timeout";
  return "other";
}

/** Draw one amount in XMR. */
export function drawAmount(spec: AmountSpec, prng: Rng): number {
  if (spec.kind === "fixed") return spec.value;
  return spec.min + (spec.max - spec.min) * prng.next();
}

/** Open or create the wallet and, when asked, fund it; wait until it can spend. */
export async function prepareWallet(ctx: AgentContext, options: UserOptions): Promise<string> {
  const address = await openOrCreateWallet(ctx, options.wallet, options.walletName);
  if (options.fundBlocks > 0) {
    ctx.logger.info("funding wallet", { blocks: options.fundBlocks });
    await fundWallets(ctx, options.daemon, [address], options.fundBlocks);
  }
  // Wait (bounded) until the wallet has scanned the funding blocks and can spend.
  const attempts = Math.ceil(options.fundWaitS ?? 120);
  for (let attempt = 0; attempt < attempts && !ctx.signal.aborted; attempt++) {
    await options.wallet.refresh();
    if ((await options.wallet.getBalance()).unlocked_balance > 0) break;
    if (!await sleep(1000, ctx.signal)) break;
  }
  return address;
}

/** Run until stopped (or `maxTransfers`). */
export async function runUser(ctx: AgentContext, options: UserOptions): Promise<UserResult> {
  const result: UserResult = { sent: 0, confirmed: 0, failed: 0 };
  const own = await prepareWallet(ctx, options);
  const to = options.to ?? own;
  const prng = agentRng(options.seed, options.host);
  const pending = new Set<string>();
  let failures = 0;
  const meanWallS = options.intervalMeanS / options.timeScale;
  const done = () => options.maxTransfers !== undefined && result.sent >= options.maxTransfers;
  if (options.activityStartS !== undefined) {
    const wallS = options.activityStartS / options.timeScale;
    if (!await sleep(ctx.clock.msUntil(wallS), ctx.signal)) return result;
  }
  const fixed = options.intervalKind === "fixed";
  while (!ctx.signal.aborted && !(done() && pending.size === 0)) {
    // While waiting for confirmations after the last transfer, poll every second.
    const waitS = done() ? 1 : fixed ? meanWallS : exponential(prng, meanWallS);
    if (!await sleep(waitS * 1000, ctx.signal)) break;
    await _checkPending(ctx, options, pending, result);
    if (done()) continue;
    // A due transfer is sent with tx_send_probability (no draw at 1: same runs as before).
    const p = options.sendProbability ?? 1;
    if (p < 1 && prng.next() >= p) continue;
    // Whole atomic units, so the recorded amount is exactly what was sent.
    const atomic = Math.round(drawAmount(options.amount, prng) * ATOMIC_PER_XMR);
    const xmr = atomic / ATOMIC_PER_XMR;
    try {
      await options.wallet.refresh();
      const { txid } = await options.wallet.transfer(to, atomic);
      pending.add(txid);
      result.sent++;
      ctx.events.write({
        ts: ctx.clock.ts(),
        host: options.host,
        event: "tx_sent",
        txid,
        amount: xmr,
      });
      failures = 0;
    } catch (error) {
      if (ctx.signal.aborted) break; // the call was cut short by the stop
      result.failed++;
      failures++;
      ctx.logger.warn("transfer failed", { error, amount: xmr });
      ctx.events.write({
        ts: ctx.clock.ts(),
        host: options.host,
        event: "tx_failed",
        reason: transferFailureReason(error),
        amount: xmr,
        message: (error instanceof Error ? error.message : String(error)).slice(0, 200),
      });
      if (failures >= _MAX_FAILURES) {
        throw new HiveError(`user ${options.host}: ${failures} transfers failed in a row`, {
          cause: error,
        });
      }
    }
  }
  return result;
}

async function _checkPending(
  ctx: AgentContext,
  options: UserOptions,
  pending: Set<string>,
  result: UserResult,
): Promise<void> {
  if (pending.size === 0) return;
  // The wallet scans on its own only every 20 s; scan now so confirmations show promptly.
  await options.wallet.refresh().catch(() => {});
  for (const txid of [...pending]) {
    try {
      const t = await options.wallet.transferByTxid(txid);
      if (t.height > 0) {
        pending.delete(txid);
        result.confirmed++;
        ctx.events.write({
          ts: ctx.clock.ts(),
          host: options.host,
          event: "tx_confirmed",
          txid,
          height: t.height,
        });
      }
    } catch (error) {
      ctx.logger.debug("transfer lookup failed", { txid, error });
    }
  }
}

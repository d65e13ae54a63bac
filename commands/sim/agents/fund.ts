/**
 * Funding distributor: the step that gives users money in runs where no engine does it for
 * them (generated Shadow configs). It waits until each user's wallet is open (the user agent
 * opens or creates it), mines that user's share of blocks to its address on one monerod, then
 * mines past the coinbase lock to a burn address so every funding output unlocks.
 *
 * @module
 */
import type { MonerodRpc, WalletRpc } from "../../../adapters/engine/local/rpc.ts";
import { fundWallets } from "../../../adapters/engine/local/wallet.ts";
import { type AgentContext, sleep } from "./runtime.ts";

/** One wallet to fund. */
export interface FundTarget {
  host: string;
  wallet: WalletRpc;
  blocks: number;
}

/** Options for {@link runFund}. */
export interface FundOptions {
  /** The monerod that mines the funding blocks. */
  daemon: MonerodRpc;
  targets: FundTarget[];
  /** Simulated seconds to wait for each wallet to be open before skipping it. */
  waitS: number;
  /** Keep running (idle) until stopped once done: Shadow expects its processes running. */
  stay?: boolean;
}

/** What the distributor did. */
export interface FundResult {
  funded: number;
  skipped: string[];
  blocks: number;
}

async function _address(
  ctx: AgentContext,
  target: FundTarget,
  waitS: number,
): Promise<string | undefined> {
  for (let waited = 0; waited <= waitS && !ctx.signal.aborted; waited++) {
    try {
      return await target.wallet.getAddress();
    } catch {
      if (!await sleep(1000, ctx.signal)) return undefined;
    }
  }
  return undefined;
}

/** Fund every target it can reach, then unlock; wallets that never open are skipped. */
export async function runFund(ctx: AgentContext, options: FundOptions): Promise<FundResult> {
  const result: FundResult = { funded: 0, skipped: [], blocks: 0 };
  for (const target of options.targets) {
    const address = await _address(ctx, target, options.waitS);
    if (ctx.signal.aborted) break;
    if (address === undefined) {
      ctx.logger.warn("wallet never opened; not funded", { user: target.host });
      result.skipped.push(target.host);
      continue;
    }
    // Each user's blocks, without the unlock run: that comes once, after the last user.
    await fundWallets(ctx, options.daemon, [address], target.blocks, { unlock: false });
    ctx.logger.info("funded", { user: target.host, blocks: target.blocks });
    result.funded++;
    result.blocks += target.blocks;
  }
  if (!ctx.signal.aborted && result.funded > 0) {
    await fundWallets(ctx, options.daemon, [], 0);
  }
  ctx.logger.info("funding done", { ...result });
  while (options.stay && !ctx.signal.aborted) await sleep(60_000, ctx.signal);
  return result;
}

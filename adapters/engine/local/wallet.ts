/**
 * Wallets on a fresh regtest chain: open or create a wallet behind monero-wallet-rpc, and fund
 * wallets so they can spend. The local engine funds every user's wallet before the clock
 * starts; the `user` agent does it for itself when asked (`--fund-blocks`).
 *
 * @module
 */
import { HiveError } from "../../../core/errors.ts";
import { DEFAULT_MINER_ADDRESS, type MonerodRpc, type WalletRpc } from "./rpc.ts";
import { sleep } from "./sleep.ts";

/** Coinbase maturity on regtest, in blocks. */
export const COINBASE_UNLOCK_BLOCKS = 60;
const _DECOY_BLOCKS = 20;
/** Blocks {@link fundWallets} mines after the wallets' own: the unlock window and decoys. */
export const FUNDING_UNLOCK_BLOCKS = COINBASE_UNLOCK_BLOCKS + _DECOY_BLOCKS;

/** What the wallet helpers need from their caller: a signal that stops the waiting. */
export interface WalletWaitContext {
  signal: AbortSignal;
}

async function _generate(
  ctx: WalletWaitContext,
  daemon: MonerodRpc,
  n: number,
  address: string,
) {
  // generateblocks answers BUSY until the daemon has synchronised with a peer; bounded retries.
  for (let attempt = 0; attempt < 240 && !ctx.signal.aborted; attempt++) {
    const r = await daemon.generateBlocks(n, address);
    if (r.status === "OK") return;
    if (!await sleep(500, ctx.signal)) return;
  }
  if (!ctx.signal.aborted) throw new HiveError(`${daemon.url}: generateblocks stayed BUSY`);
}

/** Wait (bounded, 120 s) for the wallet RPC to answer: it starts slower than the agent. */
async function _waitWallet(ctx: WalletWaitContext, wallet: WalletRpc): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < 240 && !ctx.signal.aborted; attempt++) {
    try {
      await wallet.getVersion();
      return;
    } catch (error) {
      last = error;
      if (!await sleep(500, ctx.signal)) return;
    }
  }
  throw new HiveError(`${wallet.url}: wallet RPC not answering`, { cause: last });
}

/** Wait for the wallet RPC, then open the wallet file, or create it; returns its address. */
export async function openOrCreateWallet(
  ctx: WalletWaitContext,
  wallet: WalletRpc,
  name: string,
): Promise<string> {
  await _waitWallet(ctx, wallet);
  try {
    await wallet.openWallet(name);
  } catch {
    await wallet.createWallet(name);
  }
  return await wallet.getAddress();
}

/**
 * Fund wallets on a fresh regtest chain: `blocksEach` blocks to every address, then 80 to a
 * burn address, past the 60-block coinbase unlock window plus enough older outputs to serve
 * as ring decoys (ring size 16).
 */
export async function fundWallets(
  ctx: WalletWaitContext,
  daemon: MonerodRpc,
  addresses: string[],
  blocksEach: number,
  options: { unlock?: boolean } = {},
): Promise<void> {
  if (blocksEach > 0) {
    for (const address of addresses) await _generate(ctx, daemon, blocksEach, address);
  }
  if (options.unlock === false) return;
  await _generate(ctx, daemon, COINBASE_UNLOCK_BLOCKS + _DECOY_BLOCKS, DEFAULT_MINER_ADDRESS);
}

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
/** Ring size of monerod 0.18 transfers (15 decoys and the real output). */
export const RING_SIZE = 16;
/**
 * A ring-16 transfer needs 16 unlocked outputs on the chain, so a fresh regtest chain must reach
 * height 60 + 16 = 76 first ("not enough outputs to use" below it). Measured with monerod and
 * wallet-rpc 0.18.0.0, one output per block: with 1, 3 and 7 blocks funded to a wallet the first
 * transfer succeeded 74, 75 and 68 blocks later (height 76 each time, genesis included). The 80
 * blocks mined after the users' own (at least one) give height 82 or more: 6 spare outputs,
 * and every later block adds one, so the margin is not raised.
 */
const _DECOY_BLOCKS = 20;
/** Blocks {@link fundWallets} mines after the wallets' own: the unlock window and decoys. */
export const FUNDING_UNLOCK_BLOCKS = COINBASE_UNLOCK_BLOCKS + _DECOY_BLOCKS;

/** What the wallet helpers need from their caller: a signal that stops the waiting. */
export interface WalletWaitContext {
  signal: AbortSignal;
  /** How long monerod may answer BUSY to `generateblocks` (not synchronised). Default 120 s. */
  busyTimeoutMs?: number;
}

/**
 * Blocks per `generateblocks` call. One call for all 80 unlock blocks took over the RPC timeout
 * (120 s) on a loaded machine (load average 10 on 2 cores: 1-2 s a block); in chunks each call
 * stays short and the chain shows progress.
 */
const _CHUNK = 10;

async function _generate(
  ctx: WalletWaitContext,
  daemon: MonerodRpc,
  n: number,
  address: string,
) {
  for (let left = n; left > 0 && !ctx.signal.aborted; left -= _CHUNK) {
    await _generateChunk(ctx, daemon, Math.min(_CHUNK, left), address);
  }
}

async function _generateChunk(
  ctx: WalletWaitContext,
  daemon: MonerodRpc,
  n: number,
  address: string,
) {
  // generateblocks answers BUSY until the daemon has synchronised with a peer; bounded wait.
  const limit = ctx.busyTimeoutMs ?? 120_000;
  const deadline = Date.now() + limit;
  let status = "";
  // Bounded by the deadline: one attempt per 500 ms.
  while (!ctx.signal.aborted) {
    status = (await daemon.generateBlocks(n, address)).status;
    if (status === "OK") return;
    if (Date.now() >= deadline) break;
    if (!await sleep(500, ctx.signal)) return;
  }
  if (ctx.signal.aborted) return;
  const peers = await daemon.getInfo().then(
    (i) =>
      `${i.outgoing_connections_count} outgoing and ${i.incoming_connections_count} incoming ` +
      "peer connections",
    () => "its get_info not answering",
  );
  throw new HiveError(
    `${daemon.url}: generateblocks answered ${status || "nothing"} for ${limit / 1000} s: ` +
      `the node has not synchronised with a peer (${peers})`,
    { code: "funding_failed" },
  );
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

/**
 * A small JSON-RPC client for `monerod` and `monero-wallet-rpc`, used by the simulation agents.
 * Every reply is validated with zod at the edge, so a daemon that answers something unexpected
 * fails with a message naming the field and the value instead of a `TypeError` later.
 *
 * @example
 * ```ts
 * import { MonerodRpc } from "./rpc.ts";
 * const rpc = new MonerodRpc({ url: "http://127.0.0.2:18081" });
 * const info = await rpc.getInfo();
 * console.log(info.height, info.top_block_hash);
 * ```
 * @module
 */
import { z } from "zod";
import { HiveError, parseWith } from "../../../core/errors.ts";

/** A mainnet address monerod's regtest mode accepts for `generateblocks` (checked on 0.18). */
export const DEFAULT_MINER_ADDRESS =
  "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A";

/** Options for an RPC client. */
export interface RpcClientOptions {
  /** Base URL, e.g. `http://127.0.0.2:18081`. */
  url: string;
  /** Time one call may take. Default 10 s (transfers on a busy wallet can be slow). */
  timeoutMs?: number;
  /** Aborts calls in flight (an agent stopping must not wait for a slow call). */
  signal?: AbortSignal;
}

/** A daemon or wallet answered with an error, or not at all. */
export class RpcError extends HiveError {
  /** JSON-RPC error code, when the server sent one. */
  readonly rpcCode: number | null;
  constructor(message: string, options: { rpcCode?: number | null; cause?: unknown } = {}) {
    super(message, { code: "rpc_error", cause: options.cause });
    this.rpcCode = options.rpcCode ?? null;
  }
}

const _envelope = z.object({
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string() }).optional(),
});

/**
 * A peer count from monerod. The counters are unsigned 64-bit and, while connections are being
 * dropped (a ban, a peer going away), monerod can answer a count that has wrapped below zero
 * (2^64 - 1 arrives as 18446744073709552000). No real count comes near 2^53, so anything past it
 * is read as that wrap and reported as 0 rather than failing the whole reply.
 */
const _peerCount = z.number().nonnegative().transform((n) =>
  n > Number.MAX_SAFE_INTEGER ? 0 : Math.trunc(n)
);

/** Fields of `get_info` the agents use. */
export const getInfoSchema = z.object({
  status: z.string(),
  height: z.int().nonnegative(),
  top_block_hash: z.string(),
  incoming_connections_count: _peerCount,
  outgoing_connections_count: _peerCount,
  synchronized: z.boolean().optional(),
});
/** Parsed `get_info` reply. */
export type GetInfo = z.output<typeof getInfoSchema>;

/** Fields of a block header the agents use. */
export const blockHeaderSchema = z.object({
  hash: z.string(),
  height: z.int().nonnegative(),
  prev_hash: z.string(),
  timestamp: z.int().nonnegative(),
  /** The proof-of-work nonce (monerod always sends it; `generateblocks` can choose where to start). */
  nonce: z.int().nonnegative().optional(),
});
/** Parsed block header. */
export type BlockHeader = z.output<typeof blockHeaderSchema>;

const _generateSchema = z.object({
  status: z.string(),
  height: z.int().nonnegative(),
  blocks: z.array(z.string()).optional(),
});
const _headerReply = z.object({ status: z.string(), block_header: blockHeaderSchema });
const _headersReply = z.object({ status: z.string(), headers: z.array(blockHeaderSchema) });
const _statusReply = z.object({ status: z.string() });
const _bansReply = z.object({
  status: z.string(),
  bans: z.array(z.object({ host: z.string(), seconds: z.int() })).optional(),
});

/** One entry for `set_bans`. */
export interface BanEntry {
  /** IP address (monerod bans by host). */
  host: string;
  /** True to ban, false to lift a ban. */
  ban: boolean;
  /** Ban length in seconds. */
  seconds: number;
}

async function _post(
  url: string,
  body: unknown,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<unknown> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: stop ? AbortSignal.any([timeout, stop]) : timeout,
    });
  } catch (error) {
    throw new RpcError(`${url}: unreachable (${(error as Error).message})`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new RpcError(`${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RpcError(`${url}: reply is not JSON: ${text.slice(0, 120)}`, { cause: error });
  }
}

/** Base for the two clients: one JSON-RPC `call` with a validated result. */
class _JsonRpc {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #signal?: AbortSignal;

  constructor(options: RpcClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#signal = options.signal;
  }

  /** Call `method` on `/json_rpc` and validate the result with `schema`. */
  async call<T extends z.ZodType>(
    method: string,
    params: Record<string, unknown>,
    schema: T,
    timeoutMs = this.#timeoutMs,
  ): Promise<z.output<T>> {
    const raw = await _post(
      `${this.url}/json_rpc`,
      { jsonrpc: "2.0", id: "0", method, params },
      timeoutMs,
      this.#signal,
    );
    const envelope = parseWith(_envelope, raw, {
      what: `${method} reply`,
      makeError: (m) => new RpcError(m),
    });
    if (envelope.error) {
      throw new RpcError(`${method}: ${envelope.error.message} (code ${envelope.error.code})`, {
        rpcCode: envelope.error.code,
      });
    }
    return parseWith(schema, envelope.result, {
      what: `${method} result`,
      makeError: (m) => new RpcError(m),
    });
  }

  /** POST to a plain (non-JSON-RPC) endpoint such as `/get_info`. */
  async other<T extends z.ZodType>(path: string, schema: T): Promise<z.output<T>> {
    const raw = await _post(`${this.url}${path}`, {}, this.#timeoutMs, this.#signal);
    return parseWith(schema, raw, { what: `${path} reply`, makeError: (m) => new RpcError(m) });
  }
}

/** Client for monerod's RPC. */
export class MonerodRpc extends _JsonRpc {
  /** Node state: height (block count), top hash, peer counts. */
  getInfo(): Promise<GetInfo> {
    return this.other("/get_info", getInfoSchema);
  }

  /**
   * Mine `count` blocks (regtest only). monerod answers status `BUSY` until it considers itself
   * synchronised (it needs a peer, or `--offline`); that is returned, not thrown, so callers
   * can retry. `startingNonce` is where the proof-of-work search starts: at regtest's difficulty
   * of 1 the first nonce passes, so a caller whose call timed out can find its block by it.
   * `timeoutMs` overrides the client's timeout for this call (mining can take long).
   */
  async generateBlocks(
    count: number,
    address: string,
    options: { startingNonce?: number; timeoutMs?: number } = {},
  ): Promise<{ status: string; height: number; blocks: string[] }> {
    const params: Record<string, unknown> = { amount_of_blocks: count, wallet_address: address };
    if (options.startingNonce !== undefined) params.starting_nonce = options.startingNonce;
    const r = await this.call("generateblocks", params, _generateSchema, options.timeoutMs);
    return { status: r.status, height: r.height, blocks: r.blocks ?? [] };
  }

  /** Header of the block at `height`. */
  async headerByHeight(height: number): Promise<BlockHeader> {
    return (await this.call("get_block_header_by_height", { height }, _headerReply)).block_header;
  }

  /** Header of the block with `hash`. */
  async headerByHash(hash: string): Promise<BlockHeader> {
    return (await this.call("get_block_header_by_hash", { hash }, _headerReply)).block_header;
  }

  /** Headers from `start` to `end` inclusive. */
  async headersRange(start: number, end: number): Promise<BlockHeader[]> {
    const r = await this.call(
      "get_block_headers_range",
      { start_height: start, end_height: end },
      _headersReply,
    );
    return r.headers;
  }

  /** Ban or unban hosts; banning drops current connections to them. */
  async setBans(bans: BanEntry[]): Promise<void> {
    const r = await this.call(
      "set_bans",
      { bans: bans.map((b) => ({ host: b.host, ban: b.ban, seconds: b.seconds })) },
      _statusReply,
    );
    if (r.status !== "OK") throw new RpcError(`set_bans: status ${r.status}`);
  }

  /** Current bans. */
  async getBans(): Promise<{ host: string; seconds: number }[]> {
    return (await this.call("get_bans", {}, _bansReply)).bans ?? [];
  }
}

const _addressReply = z.object({ address: z.string() });
const _balanceReply = z.object({
  balance: z.number().nonnegative(),
  unlocked_balance: z.number().nonnegative(),
});
const _transferReply = z.object({
  tx_hash: z.string(),
  amount: z.number().nonnegative(),
  fee: z.number().nonnegative(),
});
const _transferByTxid = z.object({
  transfer: z.object({
    txid: z.string(),
    height: z.int().nonnegative(),
    confirmations: z.int().nonnegative().optional(),
    type: z.string(),
  }),
});
const _empty = z.object({}).loose();
const _versionReply = z.object({ version: z.int() });

/** Atomic units per XMR. */
export const ATOMIC_PER_XMR = 1e12;

/** Client for monero-wallet-rpc. */
export class WalletRpc extends _JsonRpc {
  /** Create (and open) a new wallet file in the RPC's `--wallet-dir`. */
  async createWallet(filename: string, password = ""): Promise<void> {
    await this.call("create_wallet", { filename, password, language: "English" }, _empty);
  }

  /** Open an existing wallet file. */
  async openWallet(filename: string, password = ""): Promise<void> {
    await this.call("open_wallet", { filename, password }, _empty);
  }

  /** RPC version; answers without an open wallet, so it shows the RPC is up. */
  async getVersion(): Promise<number> {
    return (await this.call("get_version", {}, _versionReply)).version;
  }

  /** Primary address of the open wallet. */
  async getAddress(): Promise<string> {
    return (await this.call("get_address", { account_index: 0 }, _addressReply)).address;
  }

  /** Balance in atomic units. */
  getBalance(): Promise<{ balance: number; unlocked_balance: number }> {
    return this.call("get_balance", { account_index: 0 }, _balanceReply);
  }

  /** Scan the chain for new outputs. */
  async refresh(): Promise<void> {
    await this.call("refresh", {}, _empty);
  }

  /** Send `atomic` units to `address`; returns the txid. */
  async transfer(address: string, atomic: number): Promise<{ txid: string; fee: number }> {
    const r = await this.call(
      "transfer",
      { destinations: [{ address, amount: atomic }], priority: 0, get_tx_key: false },
      _transferReply,
    );
    return { txid: r.tx_hash, fee: r.fee };
  }

  /** State of an outgoing transfer: height 0 while in the pool. */
  async transferByTxid(txid: string): Promise<{ height: number; type: string }> {
    const r = await this.call("get_transfer_by_txid", { txid }, _transferByTxid);
    return { height: r.transfer.height, type: r.transfer.type };
  }
}

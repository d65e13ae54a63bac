/**
 * The lightning port: what fleet coordination needs from a Lightning node. Core Lightning
 * (a later issue) and `simnet` (N in-process nodes) implement it; domain code takes a
 * {@link LightningNode} as an argument and never knows which.
 *
 * Method names and result fields follow Core Lightning's JSON-RPC (`getinfo`, `listpeers`,
 * `listfunds`, `signmessage`, `checkmessage`, `sendcustommsg`, `fundchannel`, `setchannel`) so
 * the Core Lightning implementation is a thin mapping.
 *
 * @module
 */
import { z } from "zod";

/** A node id: 33-byte compressed secp256k1 key, lower-case hex. */
export const pubkeySchema = z.string().regex(/^0[23][0-9a-f]{64}$/, {
  error: "expected a 66-hex-digit node id starting 02 or 03",
});

/** `getinfo` (the fields we use). */
export interface NodeInfo {
  id: string;
  alias: string;
  num_peers: number;
  blockheight: number;
}

/** One connected peer. */
export interface PeerInfo {
  id: string;
  connected: boolean;
}

/**
 * A millisatoshi amount: a number while it is a safe integer, a bigint beyond 2^53 (Core
 * Lightning's msat fields are u64; totals pass 2^53 at about 90 BTC), so no digit is lost.
 */
export type Msat = number | bigint;

/** Whole sats of an msat amount (floor), exact for bigints; a number when that is exact. */
export function msatToSats(msat: Msat): number | bigint {
  if (typeof msat === "number") return Math.floor(msat / 1000);
  const sats = msat / 1000n;
  return sats <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(sats) : sats;
}

/** One channel as `listpeerchannels` reports it (the fields we use). */
export interface ChannelInfo {
  peer_id: string;
  short_channel_id: string;
  total_msat: Msat;
  to_us_msat: Msat;
  fee_base_msat: number;
  fee_proportional_millionths: number;
  state: "CHANNELD_NORMAL" | "CHANNELD_AWAITING_LOCKIN" | "CLOSED";
}

/** `listfunds` summary: confirmed on-chain sats and sats in channels. */
export interface FundsInfo {
  onchain_sats: number;
  channel_sats: number;
}

/** `signmessage` result. */
export interface SignedMessage {
  signature: string;
  recid: string;
  zbase: string;
}

/** `checkmessage` result. */
export interface CheckedMessage {
  verified: boolean;
  pubkey: string;
}

/** A `forward_event` notification. */
export interface ForwardEvent {
  in_channel: string;
  out_channel: string;
  in_peer: string;
  out_peer: string;
  in_msat: Msat;
  out_msat: Msat;
  fee_msat: Msat;
  status: "settled" | "failed" | "local_failed" | "offered";
  /** Unix seconds. */
  received_time: number;
}

/** A `custommsg` hook call: `payload` is the hex message including its 2-byte type. */
export interface CustomMessage {
  peer_id: string;
  payload: string;
}

/** Something to stop listening. */
export type Unsubscribe = () => void;

/** `fundchannel` arguments. */
export interface FundChannelRequest {
  id: string;
  amount_sats: number;
}

/** `setchannel` arguments. */
export interface SetChannelRequest {
  id: string;
  feebase_msat?: number;
  feeppm?: number;
}

/** The port. */
export interface LightningNode {
  /** Which implementation, e.g. `"simnet"`. */
  readonly backend: string;
  getinfo(): Promise<NodeInfo>;
  listpeers(): Promise<PeerInfo[]>;
  listchannels(): Promise<ChannelInfo[]>;
  listfunds(): Promise<FundsInfo>;
  signmessage(message: string): Promise<SignedMessage>;
  /** Always pass the claimed key when you have one (cl-hive does not, see the README). */
  checkmessage(message: string, zbase: string, pubkey?: string): Promise<CheckedMessage>;
  /** Send `msg` (hex, type included) to a connected peer. Resolves when handed to the peer. */
  sendcustommsg(peerId: string, msg: string): Promise<void>;
  connect(peerId: string): Promise<void>;
  fundchannel(request: FundChannelRequest): Promise<{ short_channel_id: string }>;
  setchannel(request: SetChannelRequest): Promise<void>;
  onCustomMessage(listener: (message: CustomMessage) => void | Promise<void>): Unsubscribe;
  onForward(listener: (event: ForwardEvent) => void): Unsubscribe;
  /** Current time in unix seconds (simulated time on simnet). */
  now(): number;
}

/** Names of the implementations {@link createLightning} knows. */
export const LIGHTNING_BACKENDS = ["simnet", "cln"] as const;

/** One of {@link LIGHTNING_BACKENDS}. */
export type LightningBackend = (typeof LIGHTNING_BACKENDS)[number];

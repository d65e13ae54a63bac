/**
 * The `tc` command lines that shape the links of the namespace path (`netns.ts`), as pure data:
 * every list here is one line of `tc -batch`, so tests check exactly what the kernel is told
 * even where it cannot run it (this machine's kernel has no `netem` module).
 *
 * One side of one node, e.g. its uplink (the veth end inside its namespace, egress = bytes it
 * sends): an `htb` root whose class `1:1` is the host's bandwidth, shared by one child class
 * per peer (`1:10`, `1:11`, ...) picked by a `u32` filter on the peer's addresses (its own and
 * its relay alias), each class with a leaf qdisc: `netem` (delay, jitter, loss, rate) when the
 * kernel has it, else `tbf` (the link's rate). Bytes to no listed address (the engine's RPC)
 * match no filter and leave unshaped. The downlink (the veth end on the bridge, egress = bytes
 * the node receives) is the same with filters on source addresses and `tbf` leaves: the link's
 * latency is added once, on the sender's side.
 *
 * @example
 * ```ts
 * sideCommands({ dev: "hvab12c3n0", rateBps: 1e8, match: "dst", leaf: "tbf", peers: [
 *   { addresses: ["10.213.7.3", "10.213.7.131"], rateBps: 1e8, shape: { latencyMs: 50 } },
 * ] });
 * // [["qdisc", "add", "dev", "hvab12c3n0", "root", "handle", "1:", "htb"], ...]
 * ```
 * @module
 */
import type { LinkShape } from "./shape.ts";

/** The leaf qdisc of each link class. */
export type LeafQdisc = "netem" | "tbf";

/** One peer of a node side: its class and filter. */
export interface TcPeer {
  /** Addresses that name the peer in packets (its own, its relay alias). */
  addresses: readonly string[];
  /** The link's rate in bits per second (0 or Infinity: unlimited). */
  rateBps: number;
  /** Latency, jitter and loss of the link (used by a `netem` leaf only). */
  shape: LinkShape;
}

/** Options for {@link sideCommands}. */
export interface TcSideOptions {
  /** The device whose egress is shaped. */
  dev: string;
  /** The host's bandwidth on this side (bits per second; 0 or Infinity: unlimited). */
  rateBps: number;
  /** `dst` on an uplink (packets to the peer), `src` on a downlink (packets from it). */
  match: "dst" | "src";
  leaf: LeafQdisc;
  peers: readonly TcPeer[];
}

/** Rates at or above this (or 0, or Infinity) count as unlimited: htb gets this ceiling. */
export const UNLIMITED_BPS = 10e9;

/** The minor class id (hex, as tc reads it) of the `j`th peer. */
export function peerClassId(j: number): string {
  return (0x10 + j).toString(16);
}

function _limited(bps: number): boolean {
  return Number.isFinite(bps) && bps > 0 && bps < UNLIMITED_BPS;
}

/** `bps` as tc reads a rate: whole bits per second, unlimited as {@link UNLIMITED_BPS}. */
export function tcRate(bps: number): string {
  return `${Math.max(8, Math.round(_limited(bps) ? bps : UNLIMITED_BPS))}bit`;
}

/**
 * The `tbf` arguments of a link at `bps`: a bucket of at least one full frame or 10 ms of
 * bytes, and at most 200 ms of queue (past that, packets drop and TCP backs off).
 */
export function tbfArgs(bps: number): string[] {
  const burst = Math.max(1600, Math.ceil(bps / 8 / 100));
  return ["tbf", "rate", tcRate(bps), "burst", String(burst), "latency", "200ms"];
}

/**
 * The `netem` arguments of a link: one-way delay with normal jitter, loss, and rate (omitted
 * when unlimited). The queue holds 10000 packets, so a long, fast link is not cut short by
 * netem's default of 1000.
 */
export function netemArgs(shape: LinkShape, bps: number): string[] {
  const out = ["netem", "limit", "10000", "delay", _ms(shape.latencyMs)];
  const jitter = shape.jitterMs ?? 0;
  if (jitter > 0) out.push(_ms(jitter), "distribution", "normal");
  const loss = shape.loss ?? 0;
  if (loss > 0) out.push("loss", `${_num(loss * 100)}%`);
  if (_limited(bps)) out.push("rate", tcRate(bps));
  return out;
}

function _ms(ms: number): string {
  return `${_num(ms)}ms`;
}

function _num(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

/** The `tc -batch` lines that shape one side of one node; see the module doc. */
export function sideCommands(o: TcSideOptions): string[][] {
  const dev = ["dev", o.dev];
  const out: string[][] = [
    ["qdisc", "add", ...dev, "root", "handle", "1:", "htb"],
    [
      ...["class", "add", ...dev, "parent", "1:", "classid", "1:1", "htb"],
      ...["rate", tcRate(o.rateBps), "ceil", tcRate(o.rateBps), "quantum", "60000"],
    ],
  ];
  const n = Math.max(1, o.peers.length);
  for (const [j, peer] of o.peers.entries()) {
    const id = peerClassId(j);
    // Each peer is guaranteed its share of the host's side and may borrow up to the link's rate.
    const ceil = Math.min(_cap(o.rateBps), _cap(peer.rateBps));
    const share = Math.min(ceil, _cap(o.rateBps) / n);
    out.push([
      ...["class", "add", ...dev, "parent", "1:1", "classid", `1:${id}`, "htb"],
      ...["rate", tcRate(share), "ceil", tcRate(ceil), "quantum", "60000"],
    ]);
    const leaf = o.leaf === "netem" ? netemArgs(peer.shape, ceil) : tbfArgs(ceil);
    if (o.leaf === "netem" || _limited(ceil)) {
      out.push(["qdisc", "add", ...dev, "parent", `1:${id}`, "handle", `${id}:`, ...leaf]);
    }
    for (const address of peer.addresses) {
      out.push([
        ...["filter", "add", ...dev, "parent", "1:", "protocol", "ip", "prio", "1", "u32"],
        ...["match", "ip", o.match, `${address}/32`, "flowid", `1:${id}`],
      ]);
    }
  }
  return out;
}

function _cap(bps: number): number {
  return _limited(bps) ? bps : UNLIMITED_BPS;
}

/** Bytes and packets one class passed, from `tc -s class show`. */
export interface ClassCounters {
  classid: string;
  bytes: number;
  packets: number;
}

/**
 * Read the htb class counters out of `tc -s class show dev X` (text: this tc prints no JSON
 * for classes): each `class htb 1:10 ...` line is followed by ` Sent N bytes M pkt ...`.
 */
export function parseClassStats(text: string): ClassCounters[] {
  const out: ClassCounters[] = [];
  let current: string | null = null;
  for (const line of text.split("\n")) {
    const head = /^class htb (\S+) /.exec(line);
    if (head) {
      current = head[1];
      continue;
    }
    const sent = /^\s*Sent (\d+) bytes (\d+) pkt/.exec(line);
    if (sent && current) {
      out.push({ classid: current, bytes: Number(sent[1]), packets: Number(sent[2]) });
      current = null;
    }
  }
  return out;
}

/**
 * `simnet`: N Lightning nodes in one process. Each has a real secp256k1 key and signs and checks
 * messages in Core Lightning's format; custom messages travel over simulated links with seeded
 * latency, loss and partitions on a virtual clock, so a run is deterministic and a 1000-node
 * fleet simulates in seconds. Channels, funds and forward events are modelled just enough for
 * the planner and the contribution ledger.
 *
 * Time: {@link SimNet.now} is virtual milliseconds; nothing here uses real timers. Drive the
 * network with {@link SimNet.runUntil}, which pops events in (time, sequence) order and awaits
 * each handler before the next, so concurrency never reorders a run.
 *
 * Longer than 400 lines because the clock, the links and the node share private state (the
 * event queue, the partition map, the verification cache) that must not leak into the port.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { checkMessage, publicKeyOf, recoverSigner, signMessage } from "./signmessage.ts";
import type {
  ChannelInfo,
  CheckedMessage,
  CustomMessage,
  ForwardEvent,
  FundChannelRequest,
  FundsInfo,
  LightningNode,
  NodeInfo,
  PeerInfo,
  SetChannelRequest,
  SignedMessage,
  Unsubscribe,
} from "./types.ts";
import { msatToSats } from "./types.ts";

/** A seeded PRNG (sfc32): same seed, same sequence, on every platform. */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** Options of {@link SimNet}. */
export interface SimNetOptions {
  /** Number of nodes. */
  nodes: number;
  /** Seed of keys, latency and loss. */
  seed?: number;
  /** One-way latency range in ms; default 20..120. */
  latencyMs?: [number, number];
  /** Probability that a custom message is lost; default 0. */
  loss?: number;
  /** Unix seconds at virtual time 0; default 1_764_547_200 (2025-12-01). */
  epoch?: number;
  /** On-chain sats each node starts with; default from the seed, 1..10 BTC. */
  onchainSats?: number[];
  /** Virtual time to start at (ms), to resume a saved network. Default 0. */
  startMs?: number;
}

/** Traffic counters of a run. */
export interface SimNetStats {
  sent: number;
  delivered: number;
  bytes: number;
  lostRandom: number;
  lostPartition: number;
  notConnected: number;
  byType: Record<string, number>;
}

interface _Event {
  at: number;
  seq: number;
  fn: () => void | Promise<void>;
}

/** Min-heap of events by (at, seq). */
class _Queue {
  #h: _Event[] = [];
  get size(): number {
    return this.#h.length;
  }
  peek(): _Event | undefined {
    return this.#h[0];
  }
  push(e: _Event): void {
    const h = this.#h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (_less(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }
  pop(): _Event | undefined {
    const h = this.#h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      while (true) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && _less(h[l], h[m])) m = l;
        if (r < h.length && _less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function _less(a: _Event, b: _Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** The simulated network: nodes, links, the clock and the event queue. */
export class SimNet {
  /** Nodes by index. */
  readonly nodes: SimNode[] = [];
  /** Traffic so far. */
  readonly stats: SimNetStats = {
    sent: 0,
    delivered: 0,
    bytes: 0,
    lostRandom: 0,
    lostPartition: 0,
    notConnected: 0,
    byType: {},
  };
  /** PRNG for everything random in the network (latency, loss); domain code may share it. */
  readonly rng: Prng;
  readonly epoch: number;
  latencyMs: [number, number];
  loss: number;
  #now = 0;
  #seq = 0;
  #queue = new _Queue();
  #byId = new Map<string, SimNode>();
  #group = new Map<string, number>();
  #verified = new Map<string, string | null>();
  #scid = 0;

  constructor(options: SimNetOptions) {
    const seed = options.seed ?? 1;
    this.rng = new Prng(seed);
    this.epoch = options.epoch ?? 1_764_547_200;
    this.latencyMs = options.latencyMs ?? [20, 120];
    this.loss = options.loss ?? 0;
    this.#now = options.startMs ?? 0;
    for (let i = 0; i < options.nodes; i++) {
      const key = sha256(new TextEncoder().encode(`hive-simnet:${seed}:${i}`));
      const onchain = options.onchainSats?.[i] ?? this.rng.int(100, 1000) * 1_000_000;
      const node = new SimNode(this, i, key, onchain);
      this.nodes.push(node);
      this.#byId.set(node.id, node);
    }
  }

  /** Virtual milliseconds since the start. */
  get now(): number {
    return this.#now;
  }

  /** The node with this id. */
  node(id: string): SimNode | undefined {
    return this.#byId.get(id);
  }

  /** Run `fn` at virtual time `at` (ms); earlier times run now. */
  at(at: number, fn: () => void | Promise<void>): void {
    this.#queue.push({ at: Math.max(at, this.#now), seq: this.#seq++, fn });
  }

  /** Run `fn` every `intervalMs`, first at `now + offsetMs`; returns a cancel function. */
  every(intervalMs: number, fn: () => void | Promise<void>, offsetMs = intervalMs): () => void {
    let live = true;
    const tick = async () => {
      if (!live) return;
      await fn();
      if (live) this.at(this.#now + intervalMs, tick);
    };
    this.at(this.#now + offsetMs, tick);
    return () => {
      live = false;
    };
  }

  /** Process events up to and including `t` (ms); the clock ends at `t`. */
  async runUntil(t: number): Promise<void> {
    while (true) {
      const next = this.#queue.peek();
      if (!next || next.at > t) break;
      this.#queue.pop();
      this.#now = next.at;
      await next.fn();
    }
    this.#now = Math.max(this.#now, t);
  }

  /** Pending events. */
  get pending(): number {
    return this.#queue.size;
  }

  /** Connect two nodes both ways (a Lightning peer connection). */
  link(a: SimNode, b: SimNode): void {
    if (a === b) return;
    a.peers.add(b.id);
    b.peers.add(a.id);
  }

  /**
   * Split the network: nodes in different groups cannot reach each other. Each group is a list
   * of node indices; nodes in no group form a group of their own.
   */
  partition(groups: number[][]): void {
    this.#group.clear();
    groups.forEach((g, gi) => g.forEach((i) => this.#group.set(this.nodes[i].id, gi + 1)));
  }

  /** End every partition. */
  heal(): void {
    this.#group.clear();
  }

  /** Whether `a` can reach `b` now. */
  reachable(a: string, b: string): boolean {
    return (this.#group.get(a) ?? 0) === (this.#group.get(b) ?? 0);
  }

  /** A fresh short channel id. */
  nextScid(): string {
    this.#scid++;
    return `${700000 + Math.floor(this.#scid / 1000)}x${this.#scid % 1000}x0`;
  }

  /**
   * Verification shared by every node: a relayed message is checked by many nodes, and the
   * answer depends only on (message, signature), so the network computes it once.
   */
  recover(message: string, zbase: string): string | null {
    const key = `${zbase}\u0000${message}`;
    if (this.#verified.has(key)) return this.#verified.get(key)!;
    const signer = recoverSigner(message, zbase);
    if (this.#verified.size > 200_000) this.#verified.clear();
    this.#verified.set(key, signer);
    return signer;
  }

  /** @internal Called by {@link SimNode.sendcustommsg}. */
  transmit(from: SimNode, to: string, hex: string): void {
    this.stats.sent++;
    this.stats.bytes += hex.length / 2;
    const target = this.#byId.get(to);
    if (!target || !from.peers.has(to)) {
      this.stats.notConnected++;
      return;
    }
    const kind = _typeOf(hex);
    this.stats.byType[kind] = (this.stats.byType[kind] ?? 0) + 1;
    if (!this.reachable(from.id, to)) {
      this.stats.lostPartition++;
      return;
    }
    if (this.loss > 0 && this.rng.next() < this.loss) {
      this.stats.lostRandom++;
      return;
    }
    const [lo, hi] = this.latencyMs;
    const delay = lo + this.rng.next() * (hi - lo);
    this.at(this.#now + delay, async () => {
      // A partition that starts while a message is in flight cuts it too.
      if (!this.reachable(from.id, to)) {
        this.stats.lostPartition++;
        return;
      }
      this.stats.delivered++;
      await target.deliver({ peer_id: from.id, payload: hex });
    });
  }
}

function _typeOf(hex: string): string {
  // Hive messages carry their type in the JSON after "HIVE"; peek at it cheaply for stats.
  if (!hex.startsWith("48495645")) return hex.slice(0, 4);
  const head = hex.slice(8, 8 + 40);
  let text = "";
  for (let i = 0; i + 1 < head.length; i += 2) {
    text += String.fromCharCode(parseInt(head.slice(i, i + 2), 16));
  }
  const m = /"type":(\d+)/.exec(text);
  return m ? m[1] : "hive";
}

/** One simulated node; implements the lightning port. */
export class SimNode implements LightningNode {
  readonly backend = "simnet";
  readonly index: number;
  readonly id: string;
  readonly peers = new Set<string>();
  readonly channels: ChannelInfo[] = [];
  onchainSats: number;
  #net: SimNet;
  #key: Uint8Array;
  #custom: ((m: CustomMessage) => void | Promise<void>)[] = [];
  #forward: ((e: ForwardEvent) => void)[] = [];

  constructor(net: SimNet, index: number, key: Uint8Array, onchainSats: number) {
    this.#net = net;
    this.index = index;
    this.#key = key;
    this.id = publicKeyOf(key);
    this.onchainSats = onchainSats;
  }

  now(): number {
    return this.#net.epoch + Math.floor(this.#net.now / 1000);
  }

  getinfo(): Promise<NodeInfo> {
    return Promise.resolve({
      id: this.id,
      alias: `simnet-${this.index}`,
      num_peers: this.peers.size,
      blockheight: 870_000 + Math.floor(this.#net.now / 600_000),
    });
  }

  listpeers(): Promise<PeerInfo[]> {
    return Promise.resolve(
      [...this.peers].map((id) => ({ id, connected: this.#net.reachable(this.id, id) })),
    );
  }

  listchannels(): Promise<ChannelInfo[]> {
    return Promise.resolve(this.channels.map((c) => ({ ...c })));
  }

  listfunds(): Promise<FundsInfo> {
    // Simulated channels hold safe integers: their sum is a number.
    const channel = this.channels.reduce((a, c) => a + Number(msatToSats(c.to_us_msat)), 0);
    return Promise.resolve({ onchain_sats: this.onchainSats, channel_sats: channel });
  }

  signmessage(message: string): Promise<SignedMessage> {
    return Promise.resolve(signMessage(message, this.#key));
  }

  checkmessage(message: string, zbase: string, pubkey?: string): Promise<CheckedMessage> {
    const signer = this.#net.recover(message, zbase);
    if (pubkey !== undefined) return Promise.resolve({ verified: signer === pubkey, pubkey });
    // Core Lightning would also demand the key be in its gossip graph; simnet knows every node.
    if (signer && this.#net.node(signer)) {
      return Promise.resolve({ verified: true, pubkey: signer });
    }
    return Promise.resolve(checkMessage(message, zbase, "00".repeat(33)));
  }

  sendcustommsg(peerId: string, msg: string): Promise<void> {
    this.#net.transmit(this, peerId, msg);
    return Promise.resolve();
  }

  connect(peerId: string): Promise<void> {
    const other = this.#net.node(peerId);
    if (!other) return Promise.reject(new Error(`simnet: no node ${peerId}`));
    this.#net.link(this, other);
    return Promise.resolve();
  }

  fundchannel(request: FundChannelRequest): Promise<{ short_channel_id: string }> {
    if (request.amount_sats > this.onchainSats) {
      return Promise.reject(
        new Error(`simnet: cannot afford ${request.amount_sats} sats (have ${this.onchainSats})`),
      );
    }
    this.onchainSats -= request.amount_sats;
    const scid = this.#net.nextScid();
    this.channels.push({
      peer_id: request.id,
      short_channel_id: scid,
      total_msat: request.amount_sats * 1000,
      to_us_msat: request.amount_sats * 1000,
      fee_base_msat: 1000,
      fee_proportional_millionths: 100,
      state: "CHANNELD_NORMAL",
    });
    return Promise.resolve({ short_channel_id: scid });
  }

  setchannel(request: SetChannelRequest): Promise<void> {
    for (const c of this.channels) {
      if (c.peer_id !== request.id && c.short_channel_id !== request.id && request.id !== "all") {
        continue;
      }
      if (request.feebase_msat !== undefined) c.fee_base_msat = request.feebase_msat;
      if (request.feeppm !== undefined) c.fee_proportional_millionths = request.feeppm;
    }
    return Promise.resolve();
  }

  onCustomMessage(listener: (message: CustomMessage) => void | Promise<void>): Unsubscribe {
    this.#custom.push(listener);
    return () => {
      this.#custom = this.#custom.filter((l) => l !== listener);
    };
  }

  onForward(listener: (event: ForwardEvent) => void): Unsubscribe {
    this.#forward.push(listener);
    return () => {
      this.#forward = this.#forward.filter((l) => l !== listener);
    };
  }

  /** @internal Hand an arriving custom message to the listeners, in order. */
  async deliver(message: CustomMessage): Promise<void> {
    for (const l of this.#custom) await l(message);
  }

  /** Simulate a settled forward through this node (for the contribution ledger). */
  emitForward(event: ForwardEvent): void {
    for (const l of this.#forward) l(event);
  }
}

/**
 * Monitor agent: polls `get_info` on every node, records a `height` event per node per poll,
 * a `block` event for each block a node newly has (first seen at this poll), and a `reorg`
 * event when a node's chain replaced blocks it had before.
 *
 * Beside the polling, a node's ZMQ publisher (`--zmq-pub`, as Monerosim's monitor uses) can
 * be followed: each `json-minimal-chain_main` notification reads that node at once, so a block
 * is recorded when the node takes it rather than at the next poll.
 *
 * @module
 */
import type { MonerodRpc } from "../../../adapters/engine/local/rpc.ts";
import { type AgentContext, sleep } from "./runtime.ts";
import { ZmqSubscriber } from "./zmq.ts";

/** One node to watch. */
export interface MonitorTarget {
  /** Host name written into events. */
  host: string;
  rpc: MonerodRpc;
}

/** Options for {@link runMonitor}. */
export interface MonitorOptions {
  targets: MonitorTarget[];
  /** Wall seconds between polls. */
  intervalS: number;
  /** Stop after this many polls (tests). */
  maxPolls?: number;
  /** Most headers fetched per node per poll; older ones in a long jump are skipped. */
  maxCatchUp?: number;
  /** ZMQ publisher (`tcp://IP:PORT`) of each host that has one: its chain changes are read at once. */
  zmq?: Record<string, string>;
}

/** What a monitor saw. */
export interface MonitorResult {
  polls: number;
  blocks: number;
  reorgs: number;
  errors: number;
  /** Chain notifications received over ZMQ. */
  notifications: number;
}

interface _NodeState {
  /** Recent chain: height -> hash, so a changed ancestor shows a reorg. */
  chain: Map<number, string>;
  top: number;
  seen: Set<string>;
}

const _KEEP = 200;
const _RECHECK = 10;

/** Run until stopped (or `maxPolls`). */
export async function runMonitor(
  ctx: AgentContext,
  options: MonitorOptions,
): Promise<MonitorResult> {
  const result: MonitorResult = { polls: 0, blocks: 0, reorgs: 0, errors: 0, notifications: 0 };
  const states = new Map<string, _NodeState>();
  const maxCatchUp = options.maxCatchUp ?? 50;
  // One read of a node at a time (polls and notifications share its state), in order.
  const queue = new Map<string, Promise<void>>();
  const read = (target: MonitorTarget): Promise<void> => {
    const next = (queue.get(target.host) ?? Promise.resolve()).then(async () => {
      try {
        await _poll(ctx, target, states, maxCatchUp, result);
      } catch (error) {
        if (ctx.signal.aborted) return; // the call was cut short by the stop
        result.errors++;
        ctx.logger.warn("poll failed", { host: target.host, error });
      }
    });
    queue.set(target.host, next);
    return next;
  };
  const subscribers = Object.entries(options.zmq ?? {}).flatMap(([host, url]) => {
    const target = options.targets.find((t) => t.host === host);
    return target ? [_follow(ctx, target, url, read, result)] : [];
  });
  try {
    while (
      !ctx.signal.aborted && (options.maxPolls === undefined || result.polls < options.maxPolls)
    ) {
      const started = Date.now();
      await Promise.all(options.targets.map(read));
      result.polls++;
      const wait = options.intervalS * 1000 - (Date.now() - started);
      if (!await sleep(wait, ctx.signal)) break;
    }
  } finally {
    for (const s of subscribers) s.stop();
    await Promise.all(subscribers.map((s) => s.done));
    await Promise.all(queue.values());
  }
  return result;
}

/**
 * Follow one node's ZMQ chain notifications, reading the node at each; reconnects (every
 * second, while the run goes) when the node is not up yet or restarts.
 */
function _follow(
  ctx: AgentContext,
  target: MonitorTarget,
  url: string,
  read: (target: MonitorTarget) => Promise<void>,
  result: MonitorResult,
): { stop(): void; done: Promise<void> } {
  let sub: ZmqSubscriber | null = null;
  let stopped = false;
  const done = (async () => {
    // Bounded by the run: ends when the monitor stops.
    while (!stopped && !ctx.signal.aborted) {
      try {
        sub = await ZmqSubscriber.connect(url, ["json-minimal-chain_main"]);
        ctx.logger.info("following zmq", { host: target.host, url });
        for await (const _ of sub.messages()) {
          result.notifications++;
          void read(target);
        }
      } catch (error) {
        if (!stopped) ctx.logger.debug("zmq not reachable yet", { host: target.host, error });
      } finally {
        (sub as ZmqSubscriber | null)?.close();
        sub = null;
      }
      if (!stopped) await sleep(1000, ctx.signal);
    }
  })();
  return {
    stop() {
      stopped = true;
      (sub as ZmqSubscriber | null)?.close();
    },
    done,
  };
}

async function _poll(
  ctx: AgentContext,
  target: MonitorTarget,
  states: Map<string, _NodeState>,
  maxCatchUp: number,
  result: MonitorResult,
): Promise<void> {
  const info = await target.rpc.getInfo();
  const ts = ctx.clock.ts();
  const top = info.height - 1; // get_info's height is the block count
  ctx.events.write({
    ts,
    host: target.host,
    event: "height",
    height: top,
    top_hash: info.top_block_hash,
    peers: info.incoming_connections_count + info.outgoing_connections_count,
  });
  let state = states.get(target.host);
  if (!state) {
    // The first poll is the baseline: blocks already there were not seen arriving.
    state = { chain: new Map([[top, info.top_block_hash]]), top, seen: new Set() };
    state.seen.add(info.top_block_hash);
    states.set(target.host, state);
    return;
  }
  if (state.chain.get(top) === info.top_block_hash && top === state.top) return;
  // Re-read the last few known heights too: that is where a reorg shows.
  const from = Math.max(1, top - maxCatchUp + 1, Math.min(state.top, top) - _RECHECK + 1);
  const headers = top >= from ? await target.rpc.headersRange(from, top) : [];
  // Reorg: a height we knew now holds a different block.
  let forkDepth = 0;
  for (const h of headers) {
    const known = state.chain.get(h.height);
    if (known !== undefined && known !== h.hash && h.height <= state.top) {
      forkDepth = Math.max(forkDepth, state.top - h.height + 1);
    }
  }
  if (top < state.top) forkDepth = Math.max(forkDepth, state.top - top);
  if (forkDepth > 0) {
    result.reorgs++;
    ctx.events.write({ ts, host: target.host, event: "reorg", depth: forkDepth, height: top });
  }
  for (const h of headers) {
    state.chain.set(h.height, h.hash);
    if (state.seen.has(h.hash)) continue;
    state.seen.add(h.hash);
    result.blocks++;
    ctx.events.write({
      ts,
      host: target.host,
      event: "block",
      height: h.height,
      hash: h.hash,
      parent: h.prev_hash,
    });
  }
  for (const height of [...state.chain.keys()]) {
    if (height > top || height <= top - _KEEP) state.chain.delete(height);
  }
  if (state.seen.size > _KEEP * 10) state.seen = new Set([...state.chain.values()]);
  state.top = top;
}

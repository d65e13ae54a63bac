/**
 * Scripted forks through the DES chain logic, with exact expected tips, reorg counts and
 * depths, and report counts. Nobody mines on a clock here (no host has hashrate): each test
 * makes its blocks by hand, the way `DesSimulation._onMine` does (new block, the miner holds
 * it, the miner adopts it), and either hands them to nodes with `receiveBlock` in a chosen
 * order (no links, so nothing relays) or lets the event loop relay them over real links.
 *
 * @module
 */
import { deepEqual, equal } from "@std/assert";
import { DesSimulation } from "../../../../adapters/engine/des/sim.ts";
import { markHas, receiveBlock } from "../../../../adapters/engine/des/chain.ts";
import { bit } from "../../../../adapters/engine/des/blocks.ts";
import { parseDesOptions } from "../../../../adapters/engine/des/options.ts";
import type { RunEvent } from "../../../../adapters/engine/types.ts";
import { desModel, hostName } from "./_fixtures.ts";

interface _Fork {
  sim: DesSimulation;
  events: RunEvent[];
  /** Node m finds a block on its tip at time t; returns the block. */
  mine(m: number, t?: number): number;
  /** Block b (with the ancestors node i lacks) reaches node i from `from`. */
  deliver(i: number, b: number, from?: number): void;
  /** `reorg` events as [host index, depth, height]. */
  reorgs(): [number, number, number][];
  /** Heights of the `block` receipt events of node i, in order. */
  receipts(i: number): number[];
}

/** A run with `nodes` hosts, no miners on a clock, and only the links given. */
function _fork(nodes: number, o: { links?: [number, number][]; receipts?: boolean } = {}): _Fork {
  const model = desModel({ nodes, miners: 0, topology: "ring", stopTimeS: 600 });
  model.edges = (o.links ?? []).map(([a, b]) => ({
    a: hostName(a),
    b: hostName(b),
    latencyMs: 50,
    packetLoss: 0,
  }));
  const events: RunEvent[] = [];
  const options = parseDesOptions({ receiptEvents: o.receipts ?? true });
  const sim = new DesSimulation(model, options, { event: (e) => events.push(e) });
  const idx = (host: string) => sim.index.get(host)!;
  return {
    sim,
    events,
    mine(m, t = sim.now) {
      sim.now = t;
      const b = sim._newBlock(sim.tip[m], m, t);
      markHas(sim, b, m);
      sim.adopt(m, b, -1);
      return b;
    },
    deliver(i, b, from = -1) {
      receiveBlock(sim, i, b, from);
    },
    reorgs: () =>
      events.filter((e) => e.event === "reorg").map((e) => {
        const r = e as { host: string; depth: number; height: number };
        return [idx(r.host), r.depth, r.height];
      }),
    receipts: (i) =>
      events.filter((e) => e.event === "block" && e.host === hostName(i))
        .map((e) => (e as { height: number }).height),
  };
}

for (const receipts of [true, false]) {
  Deno.test(`1-block fork: first seen wins the tie, the next block resolves it (receipts ${receipts})`, () => {
    const f = _fork(3, { receipts });
    const { sim } = f;
    const [A, B, C] = [0, 1, 2];
    const a1 = f.mine(A, 1);
    const b1 = f.mine(B, 1);
    f.deliver(C, a1, A);
    f.deliver(C, b1, B);
    f.deliver(A, b1, B);
    f.deliver(B, a1, A);
    // Same height: every node keeps the block it saw first.
    deepEqual([...sim.tip], [a1, b1, a1]);
    deepEqual([...sim.tipHeight], [1, 1, 1]);
    equal(sim.reorgs, 0);
    equal(sim.distinctTips, 2);
    deepEqual(f.reorgs(), []);
    const b2 = f.mine(B, 2);
    equal(sim.reorgs, 0); // B extends its own tip
    f.deliver(A, b2, B);
    f.deliver(C, b2, B);
    deepEqual([...sim.tip], [b2, b2, b2]);
    deepEqual(f.reorgs(), [[A, 1, 2], [C, 1, 2]]);
    equal(sim.reorgs, 2);
    equal(sim.maxReorgDepth, 1);
    equal(sim.distinctTips, 1);
    equal(sim.minHeight, 2);
    equal(sim.maxHeight, 2);
    deepEqual([sim.bReach[a1], sim.bReach[b1], sim.bReach[b2]], [3, 3, 3]);
    if (receipts) {
      deepEqual(f.receipts(A), [1, 2]);
      deepEqual(f.receipts(C), [1, 1, 2]);
    } else {
      equal(f.events.filter((e) => e.event === "block").length, 0);
    }
    const s = sim.finish();
    equal(s.blocks_mined, 3);
    equal(s.main_chain_height, 2);
    equal(s.orphaned_blocks, 1);
    equal(s.reorgs, 2);
    equal(s.max_reorg_depth, 1);
  });
}

Deno.test("depth-3 reorg onto a longer branch; a later depth-1 reorg keeps the maximum at 3", () => {
  const f = _fork(2);
  const { sim } = f;
  const [A, B] = [0, 1];
  const a = [f.mine(A, 1), f.mine(A, 2), f.mine(A, 3)];
  const b = [f.mine(B, 1), f.mine(B, 2), f.mine(B, 3), f.mine(B, 4)];
  // B's tip arrives alone: A fetches b1..b3 with it, drops a1..a3.
  f.deliver(A, b[3], B);
  equal(sim.tip[A], b[3]);
  equal(sim.tipHeight[A], 4);
  deepEqual(f.reorgs(), [[A, 3, 4]]);
  deepEqual(f.receipts(A), [1, 2, 3, 4]);
  // A's old branch stays with A alone; B never saw it.
  deepEqual(a.map((x) => sim.bReach[x]), [1, 1, 1]);
  equal(sim.reorgs, 1);
  equal(sim.maxReorgDepth, 3);
  // Both find a block on b4; B's next block decides.
  const x5 = f.mine(A, 5);
  const y5 = f.mine(B, 5);
  f.deliver(A, y5, B);
  f.deliver(B, x5, A);
  deepEqual([...sim.tip], [x5, y5]);
  equal(sim.reorgs, 1);
  const y6 = f.mine(B, 6);
  f.deliver(A, y6, B);
  deepEqual([...sim.tip], [y6, y6]);
  deepEqual(f.reorgs(), [[A, 3, 4], [A, 1, 6]]);
  equal(sim.reorgs, 2);
  equal(sim.maxReorgDepth, 3);
  const s = sim.finish();
  equal(s.blocks_mined, 10);
  equal(s.main_chain_height, 6);
  // a1, a2, a3 and x5 are off the chain b1..b4, y5, y6.
  equal(s.orphaned_blocks, 4);
  equal(s.reorgs, 2);
  equal(s.max_reorg_depth, 3);
});

Deno.test("a tie that stays a tie: two nodes relay competing blocks and both keep their own", () => {
  const f = _fork(2, { links: [[0, 1]] });
  const { sim } = f;
  const [A, B] = [0, 1];
  const a1 = f.mine(A, 0);
  const b1 = f.mine(B, 0);
  while (sim.step(1_000_000));
  deepEqual([...sim.tip], [a1, b1]);
  deepEqual([sim.bReach[a1], sim.bReach[b1]], [2, 2]);
  deepEqual([bit(sim.bHas[a1], B), bit(sim.bHas[b1], A)], [1, 1]);
  deepEqual(f.receipts(A), [1]);
  deepEqual(f.receipts(B), [1]);
  deepEqual(f.reorgs(), []);
  equal(sim.distinctTips, 2);
  const last = sim.samples[sim.samples.length - 1];
  deepEqual([last.min_height, last.max_height, last.tips], [1, 1, 2]);
  const s = sim.finish();
  equal(s.blocks_mined, 2);
  equal(s.main_chain_height, 1);
  equal(s.orphaned_blocks, 1);
  equal(s.reorgs, 0);
  equal(s.max_reorg_depth, 0);
});

for (const receipts of [true, false]) {
  Deno.test(`a block ahead of its parents brings them along; late parents change nothing (receipts ${receipts})`, () => {
    const f = _fork(3, { receipts });
    const { sim } = f;
    const [A, B, C] = [0, 1, 2];
    const a = [f.mine(A, 1), f.mine(A, 2), f.mine(A, 3)];
    f.deliver(C, a[2], A);
    equal(sim.tip[C], a[2]);
    equal(sim.tipHeight[C], 3);
    deepEqual(a.map((x) => bit(sim.bHas[x], C)), [1, 1, 1]);
    deepEqual(a.map((x) => sim.bReach[x]), [2, 2, 2]);
    // The parents arrive after the child: already held, nothing is counted twice.
    f.deliver(C, a[1], A);
    f.deliver(C, a[0], A);
    f.deliver(C, a[2], A);
    deepEqual(a.map((x) => sim.bReach[x]), [2, 2, 2]);
    // B holds a1 and then gets a3: only a2 and a3 travel.
    f.deliver(B, a[0], A);
    f.deliver(B, a[2], A);
    deepEqual(a.map((x) => sim.bReach[x]), [3, 3, 3]);
    deepEqual([...sim.tip], [a[2], a[2], a[2]]);
    if (receipts) {
      deepEqual(f.receipts(C), [1, 2, 3]);
      deepEqual(f.receipts(B), [1, 2, 3]);
      const c = f.events.filter((e) => e.event === "block" && e.host === hostName(C)) as {
        hash: string;
        parent: string;
      }[];
      deepEqual(c.map((e) => e.parent), [sim.hash(0), sim.hash(a[0]), sim.hash(a[1])]);
      deepEqual(c.map((e) => e.hash), a.map((x) => sim.hash(x)));
    }
    // Extensions, never reorgs.
    deepEqual(f.reorgs(), []);
    const s = sim.finish();
    equal(s.blocks_mined, 3);
    equal(s.main_chain_height, 3);
    equal(s.orphaned_blocks, 0);
    equal(s.reorgs, 0);
    equal(s.max_reorg_depth, 0);
  });
}

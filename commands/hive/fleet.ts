/**
 * A whole fleet on simnet, for `hive hive simulate`, the tests and the benchmarks: N hive nodes
 * over N simulated Lightning nodes, joined by real handshakes (genesis + one invite each), kept
 * in sync by gossip and anti-entropy, then put through partitions, state changes and intent
 * races while we count messages, bytes and time.
 *
 * Topology: a ring plus random chords (about log2 N links per node) plus each joiner's link to
 * the admin it joined through, so the graph stays connected inside each contiguous partition.
 *
 * @module
 */
import { Prng, SimNet } from "../../adapters/lightning/simnet.ts";
import { type HiveEvent, HiveNode } from "./node.ts";
import { COMMIT_INTERVAL_SECONDS } from "./intents.ts";

/** Options of {@link Fleet.create}. */
export interface FleetOptions {
  nodes: number;
  seed?: number;
  loss?: number;
  latencyMs?: [number, number];
  /** Links per node beyond the ring; default ceil(log2 N). */
  degree?: number;
  /** Anti-entropy period (s); default 30. */
  syncSeconds?: number;
  /** Gossip heartbeat (s); 0 (default in simulations) turns it off so hashes can settle. */
  heartbeatSeconds?: number;
  holdSeconds?: number;
  relayTtl?: number;
  /** Relay fanout; default ceil(log2 N) + 1. */
  relayFanout?: number;
  onEvent?: (e: HiveEvent) => void;
}

/** A simulated fleet. */
export class Fleet {
  readonly net: SimNet;
  readonly nodes: HiveNode[] = [];
  readonly rng: Prng;
  readonly options: Required<Omit<FleetOptions, "onEvent" | "loss" | "latencyMs">>;
  #timers: (() => void)[] = [];

  private constructor(net: SimNet, rng: Prng, options: FleetOptions) {
    this.net = net;
    this.rng = rng;
    const n = options.nodes;
    this.options = {
      nodes: n,
      seed: options.seed ?? 1,
      degree: options.degree ?? Math.max(1, Math.ceil(Math.log2(Math.max(2, n)))),
      syncSeconds: options.syncSeconds ?? 30,
      heartbeatSeconds: options.heartbeatSeconds ?? 0,
      holdSeconds: options.holdSeconds ?? 60,
      relayTtl: options.relayTtl ?? Math.max(3, Math.ceil(Math.log2(Math.max(2, n)))),
      relayFanout: options.relayFanout ?? Math.ceil(Math.log2(Math.max(2, n))) + 1,
    };
  }

  /** Build the network and the (not yet joined) hive nodes. */
  static create(options: FleetOptions): Fleet {
    const seed = options.seed ?? 1;
    const net = new SimNet({
      nodes: options.nodes,
      seed,
      loss: options.loss,
      latencyMs: options.latencyMs,
    });
    const rng = new Prng(seed ^ 0x5eed);
    const fleet = new Fleet(net, rng, options);
    const n = options.nodes;
    for (let i = 0; i < n && n > 1; i++) net.link(net.nodes[i], net.nodes[(i + 1) % n]);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < fleet.options.degree - 1 && n > 3; k++) {
        net.link(net.nodes[i], net.nodes[rng.int(0, n - 1)]);
      }
    }
    for (const sn of net.nodes) {
      const node = new HiveNode({
        ln: sn,
        id: sn.id,
        heartbeatSeconds: fleet.options.heartbeatSeconds,
        holdSeconds: fleet.options.holdSeconds,
        relayTtl: fleet.options.relayTtl,
        relayFanout: fleet.options.relayFanout,
        random: () => {
          const b = new Uint8Array(32);
          for (let i = 0; i < 32; i++) b[i] = rng.int(0, 255);
          return b;
        },
        rand: () => rng.next(),
        onEvent: options.onEvent,
      });
      node.start();
      fleet.nodes.push(node);
    }
    return fleet;
  }

  /** Simulated seconds since the start. */
  get seconds(): number {
    return this.net.now / 1000;
  }

  /** Run the network for `seconds` more. */
  async advance(seconds: number): Promise<void> {
    await this.net.runUntil(this.net.now + seconds * 1000);
  }

  /** The first state each simulated member announces. */
  initialState(node: HiveNode) {
    const sn = this.net.node(node.id)!;
    return {
      capacity_sats: 10_000_000 + (sn.index % 10) * 1_000_000,
      available_sats: 5_000_000,
      fee_policy: { base_fee: 1000, fee_rate: 100 },
      topology: [] as string[],
      budget_available_sats: sn.onchainSats,
    };
  }

  /**
   * Genesis on node 0, then every other node joins with its own invite, all at once; then the
   * periodic loops start (anti-entropy, commit loop, heartbeat).
   *
   * `settle: "gossip"` (default) has every joiner announce its state by GOSSIP and lets
   * anti-entropy spread the member table. `"snapshot"` skips that costly first flood for large
   * fleets: after the real handshakes every node loads the same table and states, as if restored
   * from one backup, so measurements start from a converged fleet.
   */
  async bootstrap(options: { settle?: "gossip" | "snapshot" } = {}): Promise<void> {
    const admin = this.nodes[0];
    await admin.genesis(`hive_sim_${this.options.seed}`);
    for (let i = 1; i < this.nodes.length; i++) {
      const ticket = await admin.invite();
      const node = this.nodes[i];
      // Stagger HELLOs over a second so the admin's queue is not one instant.
      this.net.at(this.net.now + this.rng.next() * 1000, () => node.join(ticket, admin.id));
    }
    if (options.settle === "snapshot") {
      await this.advance(5);
      await this.#retryJoins(admin);
      const states = this.members().map((n) => n.restoreLocal(this.initialState(n)));
      states.push(
        ...this.members().flatMap((n) => n.map.all()).filter((s) => s.peer_id === admin.id),
      );
      const table = [...admin.membership.members.values()];
      for (const node of this.members()) {
        for (const m of table) {
          if (!node.membership.members.has(m.peer_id)) {
            node.membership.add(m.peer_id, m.tier, m.joined_at);
          }
        }
        for (const s of states) if (s.peer_id !== node.id) node.map.merge({ ...s });
      }
      this.startLoops();
      return;
    }
    this.startLoops();
    await this.advance(5);
    await this.#retryJoins(admin);
    // Each joiner announces its own state once it is in.
    for (const node of this.nodes.slice(1)) {
      if (node.tier) await node.publishState(this.initialState(node), { force: true });
    }
  }

  /**
   * A handshake message lost on a lossy network leaves the joiner outside; like an operator,
   * try again with a fresh invite (after the 10 s challenge limit), up to five times.
   */
  async #retryJoins(admin: HiveNode): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const out = this.nodes.filter((n) => !n.tier);
      if (out.length === 0) return;
      await this.advance(11);
      for (const node of out) await node.join(await admin.invite(), admin.id);
      await this.advance(5);
    }
  }

  /** Start anti-entropy, the commit loop and the heartbeat on every node, with seeded offsets. */
  startLoops(): void {
    const sync = this.options.syncSeconds * 1000;
    for (const node of this.nodes) {
      this.#timers.push(this.net.every(sync, () => node.antiEntropy(), this.rng.next() * sync));
      this.#timers.push(this.net.every(COMMIT_INTERVAL_SECONDS * 1000, async () => {
        await node.commitLoop();
      }, this.rng.next() * 5000));
      if (this.options.heartbeatSeconds > 0) {
        this.#timers.push(
          this.net.every(this.options.heartbeatSeconds * 1000, () => node.heartbeat()),
        );
      }
    }
  }

  /** Stop the periodic loops. */
  stopLoops(): void {
    for (const t of this.#timers.splice(0)) t();
  }

  /** Nodes that are members. */
  members(): HiveNode[] {
    return this.nodes.filter((n) => n.tier !== null);
  }

  /**
   * Fraction of members whose fleet hash and member table equal the most common pair (nodes that
   * never got in are not part of the fleet; the report counts them as members missing).
   */
  agreement(): { fraction: number; distinct: number; hash: string } {
    const counts = new Map<string, number>();
    const members = this.members();
    for (const n of members) {
      const k = `${n.map.fleetHash()}/${n.membershipHash()}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let best = "", most = 0;
    for (const [k, c] of counts) if (c > most) [best, most] = [k, c];
    return {
      fraction: members.length ? most / members.length : 0,
      distinct: counts.size,
      hash: best.split("/")[0],
    };
  }

  /**
   * Advance in steps of `stepSeconds` until every node agrees or `maxSeconds` pass. Returns the
   * seconds it took, or null if it did not converge.
   */
  async converge(
    maxSeconds: number,
    options: { stepSeconds?: number; onStep?: (elapsed: number, fraction: number) => void } = {},
  ): Promise<number | null> {
    const start = this.seconds;
    const step = options.stepSeconds ?? 1;
    let seen = -1;
    let a = { fraction: 0, distinct: 2, hash: "" };
    while (true) {
      // Hashes can only change when a message arrived (or a node acted, which sends one).
      if (this.net.stats.delivered !== seen || seen < 0) {
        seen = this.net.stats.delivered;
        a = this.agreement();
      }
      options.onStep?.(this.seconds - start, a.fraction);
      if (a.distinct === 1 && a.fraction === 1) return this.seconds - start;
      if (this.seconds - start >= maxSeconds) return null;
      await this.advance(step);
    }
  }

  /** Partition the fleet into groups of node indices. */
  partition(groups: number[][]): void {
    this.net.partition(groups);
  }

  /** Heal every partition. */
  heal(): void {
    this.net.heal();
  }
}

/**
 * Parse `--partition`: groups split by `|`, each a comma list of indices or ranges (`0-49`),
 * or `half` for two even halves. Indices must be below `n`.
 */
export function parsePartition(spec: string, n: number): number[][] {
  if (spec === "half") {
    const h = Math.floor(n / 2);
    return [[...Array(h).keys()], [...Array(n - h).keys()].map((i) => i + h)];
  }
  const groups = spec.split("|").map((g) =>
    g.split(",").flatMap((part) => {
      const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
      if (!m) {
        throw new RangeError(
          `--partition: expected indices or ranges like 0-49, got ${JSON.stringify(part)}`,
        );
      }
      const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
      if (hi < lo || hi >= n) {
        throw new RangeError(`--partition: range ${part} outside 0..${n - 1}`);
      }
      return [...Array(hi - lo + 1).keys()].map((i) => i + lo);
    })
  );
  if (groups.length < 2) {
    throw new RangeError(
      `--partition: expected at least two groups split by |, got ${JSON.stringify(spec)}`,
    );
  }
  return groups;
}

/** Outcome of {@link raceIntents}. */
export interface RaceResult {
  targets: number;
  intents: number;
  committed: number;
  aborted: number;
  /** Targets with exactly one commit, by the lowest contender key. */
  correct: number;
  /** Targets with no commit, or more than one, or a commit by a higher key. */
  violations: { target: string; committed: string[]; lowest: string }[];
}

/**
 * `targets` external targets, each claimed by `contenders` random members in the same instant
 * (`channel_open` intents); run past the hold and report who committed.
 */
export async function raceIntents(
  fleet: Fleet,
  options: { targets: number; contenders: number; seed?: number },
): Promise<RaceResult> {
  const rng = new Prng(options.seed ?? 7);
  const members = fleet.members();
  const claims = new Map<string, HiveNode[]>();
  for (let t = 0; t < options.targets; t++) {
    const target = "03" +
      (t.toString(16).padStart(8, "0") + rng.int(0, 2 ** 30).toString(16)).padEnd(64, "a");
    const pool = rng.shuffle([...members]).slice(0, Math.min(options.contenders, members.length));
    claims.set(target, pool);
  }
  const committed = new Map<string, string[]>();
  let aborted = 0, intents = 0;
  for (const [target, pool] of claims) {
    for (const node of pool) {
      intents++;
      await node.announceIntent("channel_open", target);
    }
  }
  await fleet.advance(fleet.options.holdSeconds + 15);
  for (const [target, pool] of claims) {
    for (const node of pool) {
      const mine = node.intents.local.find((i) => i.target === target);
      if (mine?.status === "committed") {
        committed.set(target, [...(committed.get(target) ?? []), node.id]);
      } else if (mine?.status === "aborted") aborted++;
    }
  }
  const violations: RaceResult["violations"] = [];
  let correct = 0, nCommitted = 0;
  for (const [target, pool] of claims) {
    const lowest = pool.map((n) => n.id).sort()[0];
    const c = committed.get(target) ?? [];
    nCommitted += c.length;
    if (c.length === 1 && c[0] === lowest) correct++;
    else violations.push({ target, committed: c, lowest });
  }
  return { targets: claims.size, intents, committed: nCommitted, aborted, correct, violations };
}

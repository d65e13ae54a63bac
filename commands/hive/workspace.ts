/**
 * The simnet fleet that `hive hive status|genesis|invite|join|...` act on between separate runs.
 * A directory holds `simnet.json` (seed, node count, virtual clock, links, channels, on-chain
 * funds) and one SQLite store per node (`node-<i>.sqlite`). Each command opens the workspace,
 * acts as one node (`--node i`), lets the network deliver what that caused, runs every node's
 * commit loop, and saves. Keys come from the seed, so node i has the same id in every run.
 *
 * @module
 */
import { SimNet } from "../../adapters/lightning/simnet.ts";
import type { ChannelInfo } from "../../adapters/lightning/types.ts";
import { ConfigError, parseWith, UsageError } from "../../core/errors.ts";
import { z } from "zod";
import type { HiveFleetConfig } from "./config.ts";
import { Governance, type GovernanceMode, type PendingAction } from "./governance.ts";
import type { Intent } from "./intents.ts";
import type { HiveNode } from "./node.ts";
import { openPersistentNode } from "./persist.ts";
import { HiveStore } from "./store.ts";

const _fileSchema = z.strictObject({
  version: z.literal(1),
  seed: z.int().min(0),
  nodes: z.int().min(1).max(200),
  time_ms: z.number().min(0),
  links: z.array(z.tuple([z.int().min(0), z.int().min(0)])),
  onchain: z.array(z.number().min(0)),
  channels: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});

/** The contents of `simnet.json`. */
export type WorkspaceFile = z.output<typeof _fileSchema>;

/** An opened workspace. */
export class Workspace {
  readonly dir: string;
  readonly net: SimNet;
  readonly nodes: HiveNode[];
  readonly stores: HiveStore[];
  readonly config: HiveFleetConfig;
  #file: WorkspaceFile;

  private constructor(
    dir: string,
    net: SimNet,
    nodes: HiveNode[],
    stores: HiveStore[],
    file: WorkspaceFile,
    config: HiveFleetConfig,
  ) {
    this.dir = dir;
    this.net = net;
    this.nodes = nodes;
    this.stores = stores;
    this.#file = file;
    this.config = config;
  }

  /** Open `dir`, creating a fresh fleet of `config.simnet_nodes` nodes if it is empty. */
  static async open(dir: string, config: HiveFleetConfig): Promise<Workspace> {
    await Deno.mkdir(dir, { recursive: true });
    const path = `${dir}/simnet.json`;
    let file: WorkspaceFile;
    try {
      const raw = JSON.parse(await Deno.readTextFile(path));
      file = parseWith(_fileSchema, raw, { what: path });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        if (e instanceof ConfigError) throw e;
        throw new ConfigError(`${path}: not a simnet workspace file (${(e as Error).message})`);
      }
      file = {
        version: 1,
        seed: config.simnet_seed,
        nodes: config.simnet_nodes,
        time_ms: 0,
        links: [],
        onchain: [],
        channels: {},
      };
    }
    const net = new SimNet({
      nodes: file.nodes,
      seed: file.seed,
      startMs: file.time_ms,
      onchainSats: file.onchain.length === file.nodes ? file.onchain : undefined,
    });
    for (const [a, b] of file.links) {
      if (a < file.nodes && b < file.nodes) net.link(net.nodes[a], net.nodes[b]);
    }
    for (const [i, chans] of Object.entries(file.channels)) {
      const sn = net.nodes[Number(i)];
      if (sn) sn.channels.push(...(chans as unknown as ChannelInfo[]));
    }
    const stores: HiveStore[] = [];
    const nodes: HiveNode[] = [];
    try {
      for (const sn of net.nodes) {
        const store = HiveStore.open(`${dir}/node-${sn.index}.sqlite`);
        stores.push(store);
        const node = await openPersistentNode(store, {
          ln: sn,
          heartbeatSeconds: config.heartbeat_seconds,
          holdSeconds: config.intent_hold_seconds,
        });
        node.start();
        nodes.push(node);
      }
    } catch (e) {
      for (const s of stores) s.close();
      throw e;
    }
    const ws = new Workspace(dir, net, nodes, stores, file, config);
    for (const node of nodes) {
      node.onCommitHook = (i) => ws.#onCommit(node, i);
    }
    return ws;
  }

  /** Seed the fleet was made with. */
  get seed(): number {
    return this.#file.seed;
  }

  /** Node `i`, or a usage error naming the range. */
  node(i: number): HiveNode {
    const n = this.nodes[i];
    if (!n) throw new UsageError(`--node: expected 0..${this.nodes.length - 1}, got ${i}`);
    return n;
  }

  /** Index of a node id, or -1. */
  indexOf(id: string): number {
    return this.nodes.findIndex((n) => n.id === id);
  }

  /** Governance of node `i` (mode and pending actions from its store). */
  governance(i: number): Governance {
    const store = this.stores[i];
    const node = this.nodes[i];
    const mode =
      (store.getMeta("governance_mode") ?? this.config.governance_mode) as GovernanceMode;
    const g = new Governance({
      config: {
        mode,
        budget_sats_per_day: this.config.budget_sats_per_day,
        actions_per_hour: this.config.actions_per_hour,
        oracle_url: this.config.oracle_url,
        oracle_timeout_ms: this.config.oracle_timeout_ms,
      },
      actions: store.all<PendingAction>("pending_actions"),
      execute: async (a) => {
        if (a.action_type === "channel_open") {
          await node.ln.fundchannel({ id: String(a.payload.target), amount_sats: a.amount_sats });
        }
      },
    });
    g.onChange = (a) => store.put("pending_actions", a.id, a.status, a);
    return g;
  }

  async #onCommit(node: HiveNode, intent: Intent): Promise<void> {
    if (intent.intent_type !== "channel_open") return;
    const i = this.nodes.indexOf(node);
    await this.governance(i).submit(
      "channel_open",
      {
        target: intent.target,
        intent_timestamp: intent.timestamp,
      },
      5_000_000,
      node.ln.now(),
    );
  }

  /**
   * One anti-entropy round for every member, let the network deliver for `seconds`, then run
   * every node's commit loop.
   */
  async settle(seconds = 30): Promise<void> {
    // One anti-entropy round per member first: between commands nothing else runs the loops.
    for (const n of this.nodes) if (n.tier) await n.antiEntropy();
    await this.net.runUntil(this.net.now + seconds * 1000);
    for (const n of this.nodes) await n.commitLoop();
  }

  /** Advance the clock (e.g. past an intent hold) and settle. */
  async advance(seconds: number): Promise<void> {
    await this.settle(seconds);
  }

  /** Save `simnet.json` and close every store. */
  async close(): Promise<void> {
    const links = new Set<string>();
    for (const sn of this.net.nodes) {
      for (const p of sn.peers) {
        const j = this.net.node(p)!.index;
        links.add(sn.index < j ? `${sn.index},${j}` : `${j},${sn.index}`);
      }
    }
    this.#file = {
      ...this.#file,
      time_ms: this.net.now,
      links: [...links].map((l) => l.split(",").map(Number) as [number, number]),
      onchain: this.net.nodes.map((n) => n.onchainSats),
      channels: Object.fromEntries(
        this.net.nodes.map((
          n,
        ) => [String(n.index), n.channels as unknown as Record<string, unknown>[]]),
      ),
    };
    const tmp = `${this.dir}/simnet.json.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(this.#file, null, 2) + "\n");
    await Deno.rename(tmp, `${this.dir}/simnet.json`);
    for (const n of this.nodes) n.stop();
    for (const s of this.stores) s.close();
  }
}

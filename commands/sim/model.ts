/**
 * The expanded simulation model shared by every `hive sim` engine and by `analyze`.
 *
 * A scenario file (see `scenario.ts`) expands into one {@link SimModel}: concrete hosts with
 * addresses, concrete edges with latency and bandwidth, and concrete attack schedules. Engines
 * (`shadow`, `local`, `des`) consume the model; every engine's run leaves {@link RunEvent}
 * records as NDJSON (`events.ndjson`, or agent stdout under Shadow) that `analyze` reads.
 *
 * Times are seconds from simulation start; bandwidth is bits per second; latency milliseconds.
 *
 * @module
 */

/** What a host does in the experiment. */
export type HostKind = "miner" | "user" | "observer" | "monitor" | "attacker";

/** Transaction behaviour of a `user` host. */
export interface TxBehaviour {
  /** Mean seconds between transfers (exponentially distributed). */
  intervalMeanS: number;
  /** Amount distribution in XMR. */
  amount: { kind: "fixed"; value: number } | { kind: "uniform"; min: number; max: number };
}

/** One simulated machine running monerod (and, by kind, an agent process). */
export interface SimHost {
  /** Unique name after range expansion, e.g. `miner-007`. */
  name: string;
  kind: HostKind;
  /** Region label ("default" when the topology has none). */
  region: string;
  /** IPv4 address, unique per host (Shadow) or in 127.0.0.0/8 (local engine). */
  ip: string;
  /** monerod P2P port. */
  p2pPort: number;
  /** monerod RPC port. */
  rpcPort: number;
  /** monero-wallet-rpc port, for `user` hosts. */
  walletRpcPort?: number;
  /** Share of total hashrate in percent (miners and hashing attackers; 0 otherwise). */
  hashrate: number;
  /** When the host's processes start. */
  startTimeS: number;
  bandwidthUpBps: number;
  bandwidthDownBps: number;
  /** Extra monerod flags from the scenario. */
  daemonArgs: string[];
  /** Hosts this one connects out to (`--add-exclusive-node` / `--add-priority-node`). */
  peers: string[];
  /** For `user` hosts. */
  tx?: TxBehaviour;
  /** For `monitor` hosts: seconds between polls of every node. */
  monitorIntervalS?: number;
}

/** An undirected link between two hosts. */
export interface SimEdge {
  a: string;
  b: string;
  latencyMs: number;
  /** 0..1 */
  packetLoss: number;
}

/** How monerod learns its peers. */
export type PeerMode = "dynamic" | "hardcoded" | "hybrid";

/** Attacks in concrete form. */
export type SimAttack =
  | { kind: "sybil"; attackers: string[]; subnet: string }
  | {
    kind: "eclipse";
    victim: string;
    attackers: string[];
    /** What attackers do with honest blocks: hold them for `delayS`, or never relay them. */
    behaviour: { kind: "delay"; delayS: number } | { kind: "withhold" };
    startS: number;
  }
  | { kind: "partition"; groupA: string[]; groupB: string[]; startS: number; endS: number }
  | {
    kind: "double_spend";
    attacker: string;
    victim: string;
    /** Attacker's share of total hashrate, 0..1. */
    q: number;
    /** Confirmations the victim waits for. */
    confirmations: number;
    startS: number;
  };

/** A fully expanded scenario. */
export interface SimModel {
  /** Scenario name (file stem unless given). */
  name: string;
  seed: number;
  stopTimeS: number;
  bootstrapEndTimeS: number;
  parallelism: number;
  peerMode: PeerMode;
  /** Hosts in a stable order (scenario order, ranges expanded in order). */
  hosts: SimHost[];
  edges: SimEdge[];
  attacks: SimAttack[];
}

/** A record in a run's NDJSON event log. `ts` is seconds from simulation start. */
export type RunEvent =
  | { ts: number; host: string; event: "mined"; height: number; hash: string; parent: string }
  | { ts: number; host: string; event: "block"; height: number; hash: string; parent: string }
  | {
    ts: number;
    host: string;
    event: "height";
    height: number;
    top_hash: string;
    peers: number;
  }
  | { ts: number; host: string; event: "reorg"; depth: number; height: number }
  | { ts: number; host: string; event: "tx_sent"; txid: string; amount: number }
  | { ts: number; host: string; event: "tx_seen"; txid: string }
  | { ts: number; host: string; event: "tx_confirmed"; txid: string; height: number }
  | {
    ts: number;
    host: string;
    event: "attack";
    attack: SimAttack["kind"];
    outcome: Record<string, unknown>;
  };

/**
 * Fixed flags every simulated monerod gets (regtest, no outside world). `--rpc-ssl=disabled`:
 * generating the TLS certificate makes monerod's start-up ~10 s instead of ~1 s, and the
 * simulation's RPC stays on the host's own address.
 */
export const MONEROD_BASE_FLAGS: readonly string[] = [
  "--regtest",
  "--fixed-difficulty=1",
  "--no-igd",
  "--no-zmq",
  "--disable-dns-checkpoints",
  "--check-updates=disabled",
  "--non-interactive",
  "--allow-local-ip",
  "--log-level=1",
  "--rpc-ssl=disabled",
];

/**
 * Fixed flags every simulated monero-wallet-rpc gets: no TLS on its own RPC (certificate
 * generation is slow, as for monerod) and none towards its daemon, whose RPC has TLS off.
 */
export const WALLET_RPC_BASE_FLAGS: readonly string[] = [
  "--rpc-ssl=disabled",
  "--daemon-ssl=disabled",
];

/** Options for {@link monerodArgs}. */
export interface MonerodArgsOptions {
  /** Folder for the node's blockchain and logs. */
  dataDir: string;
  /** Peer mode; `hardcoded` uses exclusive nodes, `hybrid` priority nodes, `dynamic` seeds. */
  peerMode: PeerMode;
}

// Name index per hosts array: building it per call made generating n hosts O(n²).
const _byNameCache = new WeakMap<readonly SimHost[], Map<string, SimHost>>();

/** Command-line flags for one host's monerod, shared by the Shadow and local engines. */
export function monerodArgs(host: SimHost, model: SimModel, options: MonerodArgsOptions): string[] {
  let byName = _byNameCache.get(model.hosts);
  if (!byName || byName.size !== model.hosts.length) {
    byName = new Map(model.hosts.map((h) => [h.name, h]));
    _byNameCache.set(model.hosts, byName);
  }
  const args = [
    ...MONEROD_BASE_FLAGS,
    `--data-dir=${options.dataDir}`,
    `--p2p-bind-ip=${host.ip}`,
    `--p2p-bind-port=${host.p2pPort}`,
    `--rpc-bind-ip=${host.ip}`,
    `--rpc-bind-port=${host.rpcPort}`,
    "--confirm-external-bind",
  ];
  const peerFlag = options.peerMode === "hardcoded"
    ? "--add-exclusive-node"
    : options.peerMode === "hybrid"
    ? "--add-priority-node"
    : "--seed-node";
  for (const name of host.peers) {
    const peer = byName.get(name);
    if (peer) args.push(`${peerFlag}=${peer.ip}:${peer.p2pPort}`);
  }
  args.push(...host.daemonArgs);
  return args;
}

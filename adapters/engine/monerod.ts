/**
 * The monerod and monero-wallet-rpc command lines every engine that runs real nodes shares
 * (the local engine starts them, generated Shadow configs list them).
 *
 * @module
 */
import type { PeerMode, SimHost, SimModel } from "./types.ts";

/** Monero's target time between blocks (monerod's `DIFFICULTY_TARGET_V2`), in seconds. */
export const MONERO_BLOCK_TARGET_S = 120;

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

/** Seconds after a host starts before its wallet RPC starts (monerod must listen first). */
export const WALLET_DELAY_S = 5;
/** Seconds after a host starts before its agent starts. */
export const AGENT_DELAY_S = 10;

/** monerod flags that may be given more than once (each adds one peer or proxy). */
export const REPEATABLE_FLAGS: ReadonlySet<string> = new Set([
  "--add-exclusive-node",
  "--add-priority-node",
  "--add-peer",
  "--seed-node",
  "--tx-proxy",
  "--anonymous-inbound",
]);

/** The name of a flag: `--log-level=1` -> `--log-level`. */
export function flagName(flag: string): string {
  const eq = flag.indexOf("=");
  return eq < 0 ? flag : flag.slice(0, eq);
}

/**
 * Merge flags by name: a later flag replaces an earlier one of the same name in place (monerod
 * refuses a single-valued option given twice), repeatable flags ({@link REPEATABLE_FLAGS})
 * accumulate, and new names are appended in order.
 *
 * @example
 * ```ts
 * mergeFlags(["--log-level=1", "--no-zmq"], ["--log-level=2", "--out-peers=8"]);
 * // ["--log-level=2", "--no-zmq", "--out-peers=8"]
 * ```
 */
export function mergeFlags(base: readonly string[], overrides: readonly string[]): string[] {
  const out = [...base];
  const at = new Map<string, number>();
  out.forEach((f, i) => {
    if (!REPEATABLE_FLAGS.has(flagName(f))) at.set(flagName(f), i);
  });
  for (const flag of overrides) {
    const name = flagName(flag);
    const i = REPEATABLE_FLAGS.has(name) ? undefined : at.get(name);
    if (i !== undefined) out[i] = flag;
    else {
      if (!REPEATABLE_FLAGS.has(name)) at.set(name, out.length);
      out.push(flag);
    }
  }
  return out;
}

/**
 * Add an engine's own flags (log file, connection limits) to a host's command line unless the
 * scenario set the same name: the scenario wins, and monerod refuses an option given twice.
 */
export function addEngineFlags(
  args: readonly string[],
  host: Pick<SimHost, "daemonArgs">,
  own: readonly string[],
): string[] {
  const scenario = new Set(host.daemonArgs.map(flagName));
  return mergeFlags(args, own.filter((f) => !scenario.has(flagName(f))));
}

/** Seconds between an upgrade's stop of the old monerod and the start of the new one. */
export const UPGRADE_GAP_S = 10;

/**
 * The host as it runs after its first `steps` upgrades (default: all): the last binary named,
 * each upgrade's flags merged by name over what ran before.
 */
export function upgradedHost(host: SimHost, steps = host.upgrades?.length ?? 0): SimHost {
  let out = host;
  for (const up of (host.upgrades ?? []).slice(0, steps)) {
    out = {
      ...out,
      monerodBin: up.monerodBin ?? out.monerodBin,
      daemonArgs: mergeFlags(out.daemonArgs, up.daemonArgs),
    };
  }
  return out;
}

/** One upgrade of one host: the host, which of its upgrades (0 first) and when. */
export interface UpgradeStep {
  host: SimHost;
  index: number;
  atS: number;
}

/** Every upgrade of every host, earliest first (host order breaks ties). */
export function upgradesInOrder(hosts: readonly SimHost[]): UpgradeStep[] {
  return hosts.flatMap((host) =>
    (host.upgrades ?? []).map((u, index) => ({ host, index, atS: u.atS }))
  )
    .sort((a, b) => a.atS - b.atS);
}

/** What {@link hostProcesses} needs of a host. */
export interface ProcessPlanHost {
  kind: SimHost["kind"];
  hashrate: number;
  startTimeS: number;
  upgrades?: ReadonlyArray<{ atS: number }>;
}

/** One process a host runs, and when it starts (simulated seconds). */
export interface PlannedProcess {
  program: string;
  startS: number;
}

/**
 * The processes every engine that runs real nodes starts on a host, in order: monerod at the
 * host's start, a user's wallet RPC {@link WALLET_DELAY_S} later, its agent
 * {@link AGENT_DELAY_S} later. `validate` checks each starts before `stop_time`.
 */
export function hostProcesses(host: ProcessPlanHost): PlannedProcess[] {
  const out: PlannedProcess[] = [{ program: "monerod", startS: host.startTimeS }];
  for (const [i, up] of (host.upgrades ?? []).entries()) {
    const program = host.upgrades!.length > 1 ? `monerod (upgrade ${i + 1})` : "monerod (upgraded)";
    out.push({ program, startS: up.atS + UPGRADE_GAP_S });
  }
  const agentAt = host.startTimeS + AGENT_DELAY_S;
  if (host.kind === "miner" || (host.kind === "attacker" && host.hashrate > 0)) {
    out.push({ program: "hive sim agent miner", startS: agentAt });
  } else if (host.kind === "user") {
    out.push({ program: "monero-wallet-rpc", startS: host.startTimeS + WALLET_DELAY_S });
    out.push({ program: "hive sim agent user", startS: agentAt });
  } else if (host.kind === "monitor") {
    out.push({ program: "hive sim agent monitor", startS: agentAt });
  }
  return out;
}

/**
 * A duration as `hive sim agent` flags take it: whole seconds as `90s`, anything finer in
 * milliseconds (`1500ms`). Deterministic, so generated configs stay byte-identical.
 *
 * @example
 * ```ts
 * durationArg(90); // "90s"
 * durationArg(0.25); // "250ms"
 * ```
 */
export function durationArg(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/**
 * The `hive sim agent user` flags for a user's sending pattern beyond the mean interval, only
 * those that differ from the defaults (so existing configs stay byte-identical).
 */
export function userPatternFlags(tx: NonNullable<SimHost["tx"]>): string[] {
  const out: string[] = [];
  if (tx.intervalKind === "fixed") out.push("--interval-kind", "fixed");
  if (tx.sendProbability !== undefined && tx.sendProbability !== 1) {
    out.push("--send-probability", String(tx.sendProbability));
  }
  if (tx.activityStartS !== undefined) out.push("--activity-start", durationArg(tx.activityStartS));
  return out;
}

/** Blocks mined to a burn address after funding: coinbase unlocks after 60, plus 20 decoys. */
export const FUNDING_UNLOCK_BLOCKS = 80;

/** How users' wallets get money: one distributor mines to each wallet, then past the lock. */
export interface FundingPlan {
  /** Host whose monerod mines the funding blocks (the first miner, else the first host). */
  host: string;
  /** When the distributor starts (the first user agent's start): simulated seconds. */
  atS: number;
  /** Blocks to each user, by user host name. */
  blocks: Record<string, number>;
  /** Blocks mined after, to a burn address, so the funding unlocks. */
  unlockBlocks: number;
}

/** The funding step of a model, or undefined when it has no user. */
export function fundingPlan(model: SimModel): FundingPlan | undefined {
  const users = model.hosts.filter((h) => h.kind === "user" && h.tx);
  if (users.length === 0) return undefined;
  const host = model.hosts.find((h) => h.kind === "miner") ?? model.hosts[0];
  return {
    host: host.name,
    atS: Math.max(host.startTimeS, Math.min(...users.map((u) => u.startTimeS))) + AGENT_DELAY_S,
    blocks: Object.fromEntries(users.map((u) => [u.name, u.tx!.fundBlocks ?? 3])),
    unlockBlocks: FUNDING_UNLOCK_BLOCKS,
  };
}

/**
 * hive's monerod flags when the scenario turns DNS on (`network.dns_server`): DNS checkpoints
 * are not disabled and the DNS blocklist is applied.
 */
export function dnsFlags(): string[] {
  return [
    ...MONEROD_BASE_FLAGS.filter((f) => f !== "--disable-dns-checkpoints"),
    "--enable-dns-blocklist",
  ];
}

/**
 * Environment of a process for engines whose resolver is the real one (the local engine):
 * libunbound asks `DNS_PUBLIC` over TCP, a loopback address, so no lookup leaves the machine,
 * whether DNS is on or not (monerod looks up its seed nodes either way). Shadow answers lookups
 * itself and needs none.
 */
export const LOCAL_DNS_ENV: Readonly<Record<string, string>> = { DNS_PUBLIC: "tcp://127.0.0.1" };

// Flags that name a peer the node dials, or keep it off the network.
const _PEERING_FLAGS = new Set([
  "--offline",
  "--add-exclusive-node",
  "--add-priority-node",
  "--add-peer",
  "--seed-node",
]);

/**
 * The flag that keeps a monerod with no peer to dial off the internet, for engines whose hosts
 * can reach it (the local engine); empty when its flags already name a peer or `--offline`.
 *
 * monerod 0.18 runs regtest on the mainnet p2p settings, and its connection maker
 * (`node_server::connections_maker` -> `connect_to_seed`, src/p2p/net_node.inl) dials the public
 * seed nodes, first looked up in DNS and else hard-coded, whenever a round adds no outgoing
 * connection, unless the exclusive node list is non-empty or the node is `--offline`.
 * `--offline` also stops it listening, so a node with no peers gets itself as its only exclusive
 * node: it still accepts inbound peers, makes no DNS lookup for seeds, and dials only its own
 * address, a connection it drops at the handshake (same peer id). The cost: such a node never
 * dials peers it learns of, where a dynamic or hybrid one otherwise would.
 *
 * @example
 * ```ts
 * selfExclusiveFlags({ ip: "127.0.0.2", p2pPort: 18080 }, ["--regtest"]);
 * // ["--add-exclusive-node=127.0.0.2:18080"]
 * ```
 */
export function selfExclusiveFlags(
  host: Pick<SimHost, "ip" | "p2pPort">,
  args: readonly string[],
): string[] {
  if (args.some((f) => _PEERING_FLAGS.has(flagName(f)))) return [];
  return [`--add-exclusive-node=${host.ip}:${host.p2pPort}`];
}

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
  const base = model.dnsServer ? dnsFlags() : [...MONEROD_BASE_FLAGS];
  const args = [
    ...(host.zmq ? base.filter((f) => f !== "--no-zmq") : base),
    `--data-dir=${options.dataDir}`,
    `--p2p-bind-ip=${host.ip}`,
    `--p2p-bind-port=${host.p2pPort}`,
    `--rpc-bind-ip=${host.ip}`,
    `--rpc-bind-port=${host.rpcPort}`,
    "--confirm-external-bind",
  ];
  if (host.zmq) {
    // A monitor follows the publisher; its ZMQ RPC server binds the host's own address too.
    args.push(
      `--zmq-rpc-bind-ip=${host.ip}`,
      `--zmq-rpc-bind-port=${host.zmq.rpcPort}`,
      `--zmq-pub=tcp://${host.ip}:${host.zmq.pubPort}`,
    );
  }
  const peerFlag = options.peerMode === "hardcoded"
    ? "--add-exclusive-node"
    : options.peerMode === "hybrid"
    ? "--add-priority-node"
    : "--seed-node";
  for (const name of host.peers) {
    const peer = byName.get(name);
    if (peer) args.push(`${peerFlag}=${peer.ip}:${peer.p2pPort}`);
  }
  // Scenario flags replace hive's own of the same name: monerod refuses a repeated option.
  return mergeFlags(args, host.daemonArgs);
}

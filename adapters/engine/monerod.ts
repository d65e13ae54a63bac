/**
 * The monerod and monero-wallet-rpc command lines every engine that runs real nodes shares
 * (the local engine starts them, generated Shadow configs list them).
 *
 * @module
 */
import type { PeerMode, SimHost, SimModel } from "./types.ts";

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

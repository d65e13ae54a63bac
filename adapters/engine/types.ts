/**
 * The simulation engine port and its vocabulary.
 *
 * A scenario file expands (in `commands/sim/scenario/`) into one {@link SimModel}: concrete
 * hosts with addresses, concrete edges with latency and bandwidth, and concrete attack
 * schedules. An {@link Engine} (`shadow/`, `local/`, `des/` beside this file) runs the model and
 * leaves {@link RunEvent} records as NDJSON in its run folder (`events.ndjson`, or agent stdout
 * under Shadow), plus the des engine's aggregates, that `hive sim analyze` reads back with the
 * schemas below. Each record format is declared once, as a zod schema its type is inferred from.
 *
 * Times are seconds from simulation start; bandwidth is bits per second; latency milliseconds.
 *
 * @example
 * ```ts
 * import { runEventSchema, type RunEvent } from "./types.ts";
 * const event: RunEvent = runEventSchema.parse(JSON.parse(line));
 * ```
 * @module
 */
import { z } from "zod";
import type { Logger } from "../../core/logger.ts";

/** What a host does in the experiment. */
export type HostKind = "miner" | "user" | "observer" | "monitor" | "attacker";

/** Transaction behaviour of a `user` host. */
export interface TxBehaviour {
  /** Mean seconds between transfers (exponentially distributed). */
  intervalMeanS: number;
  /** Amount distribution in XMR. */
  amount: { kind: "fixed"; value: number } | { kind: "uniform"; min: number; max: number };
  /** Blocks mined to the wallet before it sends (one spendable output each). Default 3. */
  fundBlocks?: number;
  /** `exponential` (default): Poisson sends of mean `intervalMeanS`; `fixed`: every interval. */
  intervalKind?: "exponential" | "fixed";
  /** Chance each due transfer is sent (default 1). */
  sendProbability?: number;
  /** Simulated second from which the user sends (default: from its start). */
  activityStartS?: number;
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
  /**
   * monerod's ZMQ server and publisher (`--zmq-pub=tcp://IP:PUB`) when a monitor follows them;
   * without it monerod runs with `--no-zmq`.
   */
  zmq?: { rpcPort: number; pubPort: number };
  /**
   * A behaviour plugin run in place of the kind's agent: a built-in name or an absolute module
   * path, and its `behavior_config`.
   */
  behavior?: { module: string; config: unknown };
  /** This host's monerod executable when not the engine's (another version). */
  monerodBin?: string;
  /** This host's monero-wallet-rpc executable when not the engine's. */
  walletRpcBin?: string;
  /** Scenario monero-wallet-rpc flags (wallet_defaults, then the group's wallet_args). */
  walletArgs?: string[];
  /**
   * Upgrades, earliest first: at each `atS` the host's monerod stops and, on the same data, the
   * new binary and/or flags (merged by name over what ran before) start.
   */
  upgrades?: Array<{ atS: number; monerodBin?: string; daemonArgs: string[] }>;
}

/** An undirected link between two hosts. */
export interface SimEdge {
  a: string;
  b: string;
  latencyMs: number;
  /** 0..1 */
  packetLoss: number;
  /** Standard deviation (ms) of the normal delay the local engine's link relays add per chunk. */
  jitterMs?: number;
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
  /** monerod's DNS lookups are on (scenario `network.dns_server`); off by default. */
  dnsServer?: boolean;
  /** Hosts every other node names as `--seed-node` (scenario `network.fallback_seeds`). */
  fallbackSeeds?: string[];
  /** Hosts in a stable order (scenario order, ranges expanded in order). */
  hosts: SimHost[];
  edges: SimEdge[];
  attacks: SimAttack[];
  /**
   * The scenario's `des:` section (the discrete-event engine's network model: relay, latency
   * per region pair, peers, mining; see `des/netmodel.ts`), checked by that engine. Other
   * engines ignore it; absent, the DES runs as before.
   */
  des?: Record<string, unknown>;
}

const _ts = z.number().finite().nonnegative();
const _host = z.string().min(1);
const _height = z.int().nonnegative();
const _hash = z.string().min(1);

/** Fields every RunEvent carries. */
const _common = { ts: _ts, host: _host };
/** Fields of a block record (`mined` by its miner, `block` on receipt). */
const _block = { height: _height, hash: _hash, parent: _hash };

/** Schema of one {@link RunEvent} line. */
export const runEventSchema = z.discriminatedUnion("event", [
  z.object({ ..._common, event: z.literal("mined"), ..._block }),
  z.object({ ..._common, event: z.literal("block"), ..._block }),
  z.object({
    ..._common,
    event: z.literal("height"),
    height: _height,
    top_hash: _hash,
    peers: z.int().nonnegative(),
  }),
  z.object({ ..._common, event: z.literal("reorg"), depth: z.int().positive(), height: _height }),
  z.object({
    ..._common,
    event: z.literal("tx_sent"),
    txid: _hash,
    amount: z.number().finite(),
  }),
  z.object({ ..._common, event: z.literal("tx_seen"), txid: _hash }),
  z.object({
    ..._common,
    event: z.literal("tx_failed"),
    /** Why the wallet refused: `not_enough_unlocked`, `not_enough_money`, `timeout`, `other`. */
    reason: z.string().min(1).max(64),
    amount: z.number().finite(),
    /** The wallet's words, clipped. */
    message: z.string().max(200).optional(),
  }),
  z.object({
    ..._common,
    event: z.literal("tx_confirmed"),
    txid: _hash,
    height: _height,
    /** Hash of the block that holds it, when the engine knows it (DES). */
    block: _hash.optional(),
  }),
  z.object({
    ..._common,
    event: z.literal("attack"),
    attack: z.enum(["sybil", "eclipse", "partition", "double_spend"]),
    outcome: z.record(z.string(), z.unknown()),
  }),
  z.object({
    ..._common,
    event: z.literal("agent"),
    command: z.enum(["pause", "resume", "stop", "restart"]),
    state: z.enum(["pending", "running", "paused", "stopped", "exited"]),
  }),
  z.object({
    ..._common,
    event: z.literal("check"),
    check: z.string().min(1).max(64),
    pass: z.boolean(),
    detail: z.string().max(500),
  }),
], {
  error: "expected a RunEvent with event one of mined, block, height, reorg, tx_sent, " +
    "tx_seen, tx_confirmed, attack, agent, check",
});

/** A record in a run's NDJSON event log. `ts` is seconds from simulation start. */
export type RunEvent = z.output<typeof runEventSchema>;

const _nullableSeconds = z.number().finite().nonnegative().nullable();

/** Schema of a des `propagation.ndjson` line. */
export const propagationRecordSchema = z.object({
  hash: _hash,
  height: _height,
  miner: _host,
  mined_ts: _ts,
  reached: z.int().nonnegative(),
  nodes: z.int().positive(),
  t50_s: _nullableSeconds,
  t90_s: _nullableSeconds,
  t100_s: _nullableSeconds,
});

/** Schema of a des `convergence.ndjson` line. */
export const convergenceSampleSchema = z.object({
  ts: _ts,
  min_height: _height,
  max_height: _height,
  tips: z.int().nonnegative(),
});

/** A des propagation aggregate line: seconds from mining until 50 %, 90 %, 100 % of nodes had the block (null: never). */
export type PropagationRecord = z.output<typeof propagationRecordSchema>;
/** A des convergence sample line: min/max height and distinct tips (1 = converged) over online nodes. */
export type ConvergenceSample = z.output<typeof convergenceSampleSchema>;

/** Names of the engines. */
export const ENGINE_NAMES = ["shadow", "local", "des"] as const;
/** An engine name. */
export type EngineName = typeof ENGINE_NAMES[number];

/** Progress of a long run, reported often enough to drive a progress bar. */
export interface EngineProgress {
  /** Units done (simulated seconds, events, hosts started...). */
  done: number;
  /** Units in all. */
  total: number;
  /** What is being counted, e.g. "sim seconds". */
  unit: string;
  /** Which part of the run (e.g. "start nodes", "fund wallets", "simulate"); default "simulate". */
  phase?: string;
}

/** Commands an orchestrator can send to one agent (`POST /api/agents/{id}/command`). */
export const AGENT_COMMANDS = ["pause", "resume", "stop", "restart"] as const;
/** One agent command. */
export type AgentCommand = typeof AGENT_COMMANDS[number];
/**
 * Where an agent is: `pending` before its start time, `running`, `paused` (DES: offline, comes
 * back with `resume`; local: SIGSTOP), `stopped` (by a command), `exited` (the run is over or
 * the process ended on its own).
 */
export type AgentState = "pending" | "running" | "paused" | "stopped" | "exited";

/** One agent as an engine sees it during a run. In DES every node is an agent. */
export interface EngineAgent {
  /** Unique id (the host name for node agents, `host/role` for processes). */
  id: string;
  /** Host kind, or the process role (`monerod`, `miner`, `user`...). */
  kind: string;
  host: string;
  state: AgentState;
  /** Chain height the engine knows for the agent's node, or null. */
  height: number | null;
  /** Last error the engine saw for it (process exit, refused command), or null. */
  lastError: string | null;
}

/** Outcome of an agent command: the new state, or why the engine cannot do it. */
export type AgentCommandResult =
  | { ok: true; state: AgentState }
  | { ok: false; reason: string };

/** A live run's handle: what an orchestrator API reads and commands while the engine runs. */
export interface EngineRunControl {
  /** The agents and their states now. */
  agents(): EngineAgent[];
  /** Carry out a command; `ok: false` (not a throw) when the engine cannot. */
  command(id: string, command: AgentCommand): Promise<AgentCommandResult>;
  /** Simulated seconds reached so far. */
  simTime(): number;
}

/** Hooks for watching a run live (the orchestrator API); every field is optional. */
export interface EngineLiveHooks {
  /** Every RunEvent as it is recorded; `line` is its NDJSON text when the engine has it. */
  onEvent?(event: RunEvent, line?: string): void;
  /** The last `lines` events' lines as written to the events file (UTF-8), to share them. */
  onEventBytes?(bytes: Uint8Array, lines: number): void;
  /** Once the run is under way, with its handle. */
  onControl?(control: EngineRunControl): void;
}

/** Options for {@link Engine.run}. */
export interface EngineRunOptions {
  model: SimModel;
  /** Output folder; created if missing. */
  outDir: string;
  logger: Logger;
  /** Called with progress updates. */
  onProgress?: (progress: EngineProgress) => void;
  /** Stops the run early but cleanly (Ctrl-C); what ran so far is kept. */
  signal?: AbortSignal;
  /** Live watching and agent commands (the orchestrator API). */
  live?: EngineLiveHooks;
}

/** What a finished run reports. */
export interface EngineRunResult {
  engine: EngineName;
  outDir: string;
  /** Simulated seconds covered. */
  simulatedS: number;
  /** Wall-clock seconds taken. */
  wallS: number;
  /** True when stopped early by the signal. */
  interrupted: boolean;
  /** Engine-specific counts (blocks, events, processes...). */
  summary: Record<string, unknown>;
}

/** A simulation engine. */
export interface Engine {
  readonly name: EngineName;
  run(options: EngineRunOptions): Promise<EngineRunResult>;
}

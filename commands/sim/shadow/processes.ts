/**
 * Processes of a Shadow host beyond its own node: a user's wallet RPC, the double-spend
 * attacker's flags, the funding distributor, and the partition and eclipse attackers, each
 * keyed by the host that runs it.
 *
 * @module
 */
import type { SimAttack, SimHost, SimModel } from "../../../adapters/engine/types.ts";
import {
  durationArg,
  fundingPlan,
  mergeFlags,
  WALLET_DELAY_S,
  WALLET_RPC_BASE_FLAGS,
} from "../../../adapters/engine/monerod.ts";
import { formatSeconds } from "../scenario/units.ts";

/** Most RPC targets per agent process: keeps every argument far below Linux's 128 KiB limit. */
export const TARGETS_PER_PROCESS = 1000;

/** One process of a Shadow host. */
export interface ShadowProcess {
  path: string;
  args: string[];
  start_time: string;
  expected_final_state: "running" | { exited: number };
  /** When Shadow sends the process SIGTERM (an upgrade's old monerod). */
  shutdown_time?: string;
  /** Environment variables (the scenario's `shadow.environment`). */
  environment?: Record<string, string>;
}

/** A host's monerod RPC URL. */
export function rpcUrl(h: SimHost): string {
  return `http://${h.ip}:${h.rpcPort}`;
}

/** `NAME=URL` of a host's monerod RPC. */
export function named(h: SimHost): string {
  return `${h.name}=${rpcUrl(h)}`;
}

/** Split a list into runs of at most `size`. */
export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The funding step: `hive sim agent fund` on the plan's host mines each user's blocks to its
 * wallet, then past the coinbase lock (see {@link fundingPlan}).
 */
export function fundingProcesses(
  model: SimModel,
  byName: Map<string, SimHost>,
  agent: (kind: string, args: string[], startS: number) => ShadowProcess,
  out: Map<string, ShadowProcess[]>,
): void {
  const plan = fundingPlan(model);
  if (!plan) return;
  const miner = byName.get(plan.host)!;
  const users = Object.entries(plan.blocks).map(([name, blocks]) => {
    const u = byName.get(name)!;
    return `${name}=${blocks}@http://${u.ip}:${u.walletRpcPort}`;
  });
  for (const part of chunks(users, TARGETS_PER_PROCESS)) {
    out.set(plan.host, [
      ...(out.get(plan.host) ?? []),
      agent("fund", [
        "--daemon-rpc",
        rpcUrl(miner),
        "--wallets",
        part.join(","),
        "--host",
        plan.host,
        "--seed",
        String(model.seed),
      ], plan.atS),
    ]);
  }
}

/** Partition and eclipse processes, keyed by the host that runs them. */
export function attackProcesses(
  model: SimModel,
  byName: Map<string, SimHost>,
  agent: (kind: string, args: string[], startS: number) => ShadowProcess,
): Map<string, ShadowProcess[]> {
  const out = new Map<string, ShadowProcess[]>();
  const add = (host: string, p: ShadowProcess) => out.set(host, [...(out.get(host) ?? []), p]);
  const targets = (names: string[]) => names.map((n) => named(byName.get(n)!)).join(",");
  for (const a of model.attacks) {
    if (a.kind === "partition") {
      // One process per pair of chunks, so every A-B pair is banned and no argument grows huge.
      // They start with the simulation: --start/--end count from their own start.
      for (const partA of chunks(a.groupA, TARGETS_PER_PROCESS)) {
        for (const partB of chunks(a.groupB, TARGETS_PER_PROCESS)) {
          add(
            partA[0],
            agent("attacker", [
              "--mode",
              "partition",
              "--group-a",
              targets(partA),
              "--group-b",
              targets(partB),
              "--start",
              durationArg(a.startS),
              "--end",
              durationArg(a.endS),
              "--host",
              partA[0],
              "--seed",
              String(model.seed),
            ], 0),
          );
        }
      }
    } else if (a.kind === "eclipse") {
      add(
        a.attackers[0],
        agent("attacker", [
          "--mode",
          "eclipse",
          "--attackers",
          targets(a.attackers),
          "--victim",
          targets([a.victim]),
          "--behaviour",
          a.behaviour.kind,
          ...(a.behaviour.kind === "delay" ? ["--delay", durationArg(a.behaviour.delayS)] : []),
          "--start",
          durationArg(a.startS),
          "--host",
          a.attackers[0],
          "--seed",
          String(model.seed),
        ], 0),
      );
    }
  }
  return out;
}

/**
 * Thread-count flags for `shadow.process_threads` (Monerosim's `process_threads`): N caps
 * monerod's `--max-concurrency` and `--prep-blocks-threads` and the wallet RPC's
 * `--max-concurrency` at N; 0 or unset leaves the programs' defaults. One thread per process
 * keeps a Shadow run repeatable.
 */
export function threadFlags(n: number | undefined): { monerod: string[]; wallet: string[] } {
  if (!n) return { monerod: [], wallet: [] };
  return {
    monerod: [`--max-concurrency=${n}`, `--prep-blocks-threads=${n}`],
    wallet: [`--max-concurrency=${n}`],
  };
}

/** The monero-wallet-rpc process of a user host. */
export function walletProcess(
  h: SimHost,
  walletRpc: string,
  threads: readonly string[] = [],
): ShadowProcess {
  return {
    path: walletRpc,
    args: mergeFlags([
      "--wallet-dir=wallets",
      `--rpc-bind-ip=${h.ip}`,
      `--rpc-bind-port=${h.walletRpcPort}`,
      "--confirm-external-bind",
      "--disable-rpc-login",
      `--daemon-address=${h.ip}:${h.rpcPort}`,
      "--trusted-daemon",
      ...WALLET_RPC_BASE_FLAGS,
      "--non-interactive",
      "--log-level=1",
      ...threads,
    ], h.walletArgs ?? []),
    start_time: formatSeconds(h.startTimeS + WALLET_DELAY_S),
    expected_final_state: "running",
  };
}

/**
 * Flags of a double-spend attacker agent. It cuts its node from every other host when they fit
 * in one argument ({@link TARGETS_PER_PROCESS}); beyond that from its topology neighbours only,
 * which isolates it fully in `hardcoded` peer mode.
 */
export function doubleSpendArgs(
  model: SimModel,
  h: SimHost,
  byName: Map<string, SimHost>,
  common: string[],
): string[] {
  const attack = model.attacks.find((a) =>
    a.kind === "double_spend" && a.attacker === h.name
  ) as Extract<SimAttack, { kind: "double_spend" }>;
  let peers = model.hosts.filter((x) => x.name !== h.name);
  if (peers.length > TARGETS_PER_PROCESS) {
    const near = new Set<string>();
    for (const e of model.edges) {
      if (e.a === h.name) near.add(e.b);
      if (e.b === h.name) near.add(e.a);
    }
    peers = [...near].map((n) => byName.get(n)!);
  }
  return [
    "--mode",
    "double_spend",
    "--rpc",
    named(h),
    "--victim",
    named(byName.get(attack.victim)!),
    "--peers",
    peers.map(named).join(","),
    "--hashrate",
    String(h.hashrate),
    "--confirmations",
    String(attack.confirmations),
    "--start",
    durationArg(attack.startS),
    ...common,
  ];
}

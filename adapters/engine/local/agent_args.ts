/**
 * The `hive sim agent ...` command lines of a local run: each host's miner and user, and the
 * attack agents. Pure functions of the model and the host placements, so they are tested
 * without starting anything.
 *
 * @module
 */
import type { SimAttack, SimHost, SimModel } from "../types.ts";
import type { LocalHostPlacement } from "./options.ts";
import { durationArg, mergeFlags, userPatternFlags, WALLET_RPC_BASE_FLAGS } from "../monerod.ts";

/** Wallet file name every local user agent opens. */
export const LOCAL_WALLET_NAME = "user";

/** What the command lines are built from. */
export interface AgentArgsContext {
  model: SimModel;
  placements: LocalHostPlacement[];
  /** The placement of a host by name. */
  placement(name: string): LocalHostPlacement;
  timeScale: number;
  userFundBlocks: number;
  walletName: string;
  /** Other addresses peers see a host at (relay aliases on the namespace path), if any. */
  aliases?: (name: string) => readonly string[];
}

/** `--seen-as NAME=IP,...` for the hosts of an attack that have aliases, or nothing. */
function _seenAs(ctx: AgentArgsContext, names: readonly string[]): string[] {
  const items = [...new Set(names)].flatMap((n) =>
    (ctx.aliases?.(n) ?? []).map((ip) => `${n}=${ip}`)
  );
  return items.length > 0 ? ["--seen-as", items.join(",")] : [];
}

/** One agent to start: a label (its first word names the log file), its folder and its args. */
export interface AgentLaunch {
  name: string;
  dir: string;
  /** Arguments after `hive sim agent`. */
  args: string[];
}

/**
 * The agents a host runs: its miner (or its double-spend attacker, which mines itself) and its
 * user. `late`: the host starts after the clock, so a user funds its own wallet.
 */
export function hostAgents(ctx: AgentArgsContext, host: SimHost, late: boolean): AgentLaunch[] {
  const out: AgentLaunch[] = [];
  const p = ctx.placement(host.name);
  const common = ["--host", host.name, "--seed", String(ctx.model.seed)];
  common.push("--time-scale", String(ctx.timeScale));
  const doubleSpend = ctx.model.attacks.findIndex((a) =>
    a.kind === "double_spend" && a.attacker === host.name
  );
  if (doubleSpend < 0 && host.behavior) {
    // A behaviour plugin runs in place of the kind's agent; the wallet RPC still runs.
    const wallet = p.walletRpcPort !== undefined ? `http://${p.ip}:${p.walletRpcPort}` : null;
    out.push({
      name: `behavior ${host.name}`,
      dir: p.dir,
      args: [
        "behavior",
        "--module",
        host.behavior.module,
        "--rpc",
        p.rpcUrl,
        ...(wallet ? ["--wallet-rpc", wallet] : []),
        "--behavior-config",
        JSON.stringify(host.behavior.config),
        ...common,
        "--out",
        `${p.dir}/behavior.ndjson`,
      ],
    });
    return out;
  }
  if (doubleSpend >= 0) {
    // The double-spend agent mines on this node itself (honestly, then in secret).
    out.push(_doubleSpend(ctx, doubleSpend));
  } else if ((host.kind === "miner" || host.kind === "attacker") && host.hashrate > 0) {
    out.push({
      name: `miner ${host.name}`,
      dir: p.dir,
      args: [
        "miner",
        "--rpc",
        p.rpcUrl,
        "--hashrate",
        String(host.hashrate),
        ...common,
        "--out",
        `${p.dir}/miner.ndjson`,
      ],
    });
  }
  if (host.kind === "user" && host.tx && p.walletRpcPort !== undefined) {
    const a = host.tx.amount;
    out.push({
      name: `user ${host.name}`,
      dir: p.dir,
      args: [
        "user",
        "--wallet-rpc",
        `http://${p.ip}:${p.walletRpcPort}`,
        "--daemon-rpc",
        p.rpcUrl,
        "--interval-mean",
        durationArg(host.tx.intervalMeanS),
        "--amount",
        a.kind === "fixed" ? String(a.value) : `${a.min}..${a.max}`,
        "--wallet-name",
        ctx.walletName,
        // Initial users were funded before the clock started; late ones fund themselves.
        "--fund-blocks",
        String(late ? host.tx.fundBlocks ?? ctx.userFundBlocks : 0),
        ...userPatternFlags(host.tx),
        ...common,
        "--out",
        `${p.dir}/user.ndjson`,
      ],
    });
  }
  return out;
}

/**
 * A user host's monero-wallet-rpc flags in the local engine: its daemon, binds and files, then
 * the scenario's wallet flags merged over them by name (they win, as monerod's do).
 */
export function localWalletArgs(p: LocalHostPlacement, host: SimHost): string[] {
  return mergeFlags([
    `--daemon-address=${p.ip}:${p.rpcPort}`,
    "--trusted-daemon",
    ...WALLET_RPC_BASE_FLAGS,
    `--rpc-bind-ip=${p.ip}`,
    `--rpc-bind-port=${p.walletRpcPort}`,
    "--confirm-external-bind",
    "--disable-rpc-login",
    `--wallet-dir=${p.dir}/wallet`,
    `--shared-ringdb-dir=${p.dir}/wallet/ringdb`,
    `--log-file=${p.dir}/wallet-rpc.log`,
    "--non-interactive",
  ], host.walletArgs ?? []);
}

/** The agents of the partition and eclipse attacks (double spends start with their host). */
export function attackAgents(ctx: AgentArgsContext): AgentLaunch[] {
  const out: AgentLaunch[] = [];
  const ref = (names: string[]) => names.map((n) => `${n}=${ctx.placement(n).rpcUrl}`).join(",");
  const scale = ["--time-scale", String(ctx.timeScale), "--seed", String(ctx.model.seed)];
  for (const [i, attack] of ctx.model.attacks.entries()) {
    if (attack.kind === "partition") {
      const dir = ctx.placement(attack.groupA[0]).dir;
      out.push({
        name: `attacker ${attack.kind}-${i}`,
        dir: dir,
        args: [
          "attacker",
          "--mode",
          "partition",
          "--group-a",
          ref(attack.groupA),
          "--group-b",
          ref(attack.groupB),
          "--start",
          durationArg(attack.startS),
          "--end",
          durationArg(attack.endS),
          ..._seenAs(ctx, [...attack.groupA, ...attack.groupB]),
          ...scale,
          "--out",
          `${dir}/attack-${i}.ndjson`,
        ],
      });
    } else if (attack.kind === "eclipse") {
      const dir = ctx.placement(attack.victim).dir;
      const b = attack.behaviour;
      out.push({
        name: `attacker ${attack.kind}-${i}`,
        dir: dir,
        args: [
          "attacker",
          "--mode",
          "eclipse",
          "--attackers",
          ref(attack.attackers),
          "--victim",
          ref([attack.victim]),
          "--behaviour",
          b.kind,
          ...(b.kind === "delay" ? ["--delay", durationArg(b.delayS)] : []),
          "--start",
          durationArg(attack.startS),
          ..._seenAs(ctx, [...attack.attackers, attack.victim]),
          ...scale,
          "--out",
          `${dir}/attack-${i}.ndjson`,
        ],
      });
    }
    // double_spend starts with its attacker host (hostAgents), which may start late.
    // sybil is topology only (attacker hosts in one /24 as peers), already in the model.
  }
  return out;
}

/**
 * The double-spend agent of attack `index`: it mines on the attacker's node and cuts it from
 * every other host (all of them: dynamic peer modes may connect any two nodes).
 */
function _doubleSpend(ctx: AgentArgsContext, index: number): AgentLaunch {
  const attack = ctx.model.attacks[index] as Extract<SimAttack, { kind: "double_spend" }>;
  const host = ctx.model.hosts.find((h) => h.name === attack.attacker)!;
  const p = ctx.placement(host.name);
  const others = ctx.placements.filter((x) => x.name !== host.name);
  return {
    name: `attacker ${attack.kind}-${index}`,
    dir: p.dir,
    args: [
      "attacker",
      "--mode",
      "double_spend",
      "--rpc",
      `${host.name}=${p.rpcUrl}`,
      "--victim",
      `${attack.victim}=${ctx.placement(attack.victim).rpcUrl}`,
      "--peers",
      others.map((x) => `${x.name}=${x.rpcUrl}`).join(","),
      "--hashrate",
      String(host.hashrate),
      "--confirmations",
      String(attack.confirmations),
      "--start",
      durationArg(attack.startS),
      "--host",
      host.name,
      "--seed",
      String(ctx.model.seed),
      "--time-scale",
      String(ctx.timeScale),
      ..._seenAs(ctx, ctx.placements.map((x) => x.name)),
      "--out",
      `${p.dir}/attack-${index}.ndjson`,
    ],
  };
}

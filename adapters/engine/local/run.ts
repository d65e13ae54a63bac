/**
 * One local run from start to stop: monerod (and wallet RPC) per host, user wallets funded
 * before the clock starts, the monitor and agents as `hive sim agent` children, late hosts
 * started on time, attacks scheduled, then an orderly stop (miners first, a settle time for
 * the last blocks, monitor, daemons) with a final RPC read of every node.
 *
 * @module
 */
import type { Logger } from "../../../core/logger.ts";
import { HiveError } from "../../../core/errors.ts";
import { PARENT_PID_ENV } from "../../../core/supervisor.ts";
import { MonerodRpc, WalletRpc } from "./rpc.ts";
import { fundWallets, openOrCreateWallet } from "./wallet.ts";
import { attacksResolved, resolvableAttacks } from "./resolved.ts";
import { sleep } from "./sleep.ts";
import type { SimHost, SimModel } from "../types.ts";
import { durationArg, LOCAL_DNS_ENV, upgradedHost, upgradesInOrder } from "../monerod.ts";
import { localMonerodArgs } from "./daemon_args.ts";
import type { LocalEngineOptions, LocalHostPlacement } from "./options.ts";
import { writeChildrenFile } from "./reaper.ts";
import { LocalChild } from "./proc.ts";
import { waitNodesReady } from "./startup.ts";
import {
  type AgentArgsContext,
  attackAgents,
  hostAgents,
  LOCAL_WALLET_NAME,
  localWalletArgs,
} from "./agent_args.ts";
import type { EngineRunOptions, EngineRunResult } from "../types.ts";
import { LocalControl } from "./control.ts";
import { type LinksDecision, type LocalLinks, startLinks } from "./links/mod.ts";
import { LocalOutbound, NETNS_CONTAINED } from "./outbound.ts";
import { converged, countEvents, finalState as readFinalState } from "./final.ts";
import { LOCAL_PHASES, reportNodesReady, watchFunding, watchSeconds } from "./progress.ts";
import { warnLossCap } from "../link_loss.ts";

/** The monitor's `--zmq NAME=tcp://IP:PORT,...` when the hosts publish (a monitor's `zmq`). */
function _zmqArg(model: SimModel): string[] {
  const list = model.hosts.flatMap((h) =>
    h.zmq ? [`${h.name}=tcp://${h.ip}:${h.zmq.pubPort}`] : []
  );
  return list.length > 0 ? ["--zmq", list.join(",")] : [];
}

/** The processes and state of one local run; {@link LocalEngine} makes one per `run()`. */
export class LocalRun {
  readonly daemons: LocalChild[] = [];
  readonly agents: LocalChild[] = [];
  monitor: LocalChild | null = null;
  /** Stops the daemons if this process is killed before it can (see agents/reaper.ts). */
  reaper: LocalChild | null = null;
  readonly started = Date.now();
  t0 = Date.now();
  #control: LocalControl | undefined;
  /** The links path of the run (relays, or ideal loopback). */
  #links: LocalLinks | undefined;
  /** SOCKS gates of nodes that would otherwise dial Monero's public seed nodes. */
  #out: LocalOutbound | undefined;
  /** Ended by `--stop-when-resolved` before stop_time. */
  #stoppedEarly = false;

  constructor(
    readonly o: Required<LocalEngineOptions>,
    readonly model: SimModel,
    readonly placements: LocalHostPlacement[],
    readonly options: EngineRunOptions,
    readonly decision?: LinksDecision, // the links path, decided before placement
  ) {}

  /** Run to the end (or the signal) and stop everything; resolves with the run's result. */
  async execute(logger: Logger, signal?: AbortSignal): Promise<EngineRunResult> {
    const stop = signal ?? new AbortController().signal;
    const wallStop = this.model.stopTimeS / this.o.timeScale;
    let finalState: Record<string, unknown> = {};
    let interrupted = false;
    try {
      this.#startReaper(logger);
      const links = { model: this.model, placements: this.placements, decision: this.decision };
      this.#links = await startLinks({ ...links, mode: this.o.links });
      logger.info("links", { ...this.#links.record() });
      if (this.#links.path !== "ideal") warnLossCap(this.model, logger, "local");
      this.#out = new LocalOutbound({
        placements: this.placements,
        links: this.#links,
        logger,
        ...(this.#links.path === "netns" ? { contained: NETNS_CONTAINED } : {}),
      });
      const initial = this.model.hosts.filter((h) => h.startTimeS <= 0);
      for (const host of initial) this.#startDaemon(host, logger);
      logger.info("starting monerod nodes", { hosts: initial.length });
      await waitNodesReady({
        hosts: initial.map((h) => this.#placement(h.name)),
        daemons: this.daemons,
        timeoutMs: this.o.readyTimeoutMs,
        report: (ready, total) => reportNodesReady(this.options, ready, total),
        signal: stop,
        logger,
      });
      await this.#fundUsers(initial, stop, logger).catch((error) => {
        // A stop cuts funding's RPC calls short: that is the interrupt, not a failure.
        if (!stop.aborted) throw error;
      });
      this.t0 = Date.now();
      this.#startMonitor(logger);
      for (const host of initial) this.#startAgents(host, logger, false);
      this.#startAttacks(logger);
      this.#control = new LocalControl(this, (host) => { // restart: daemon and agents again
        this.#startDaemon(host, logger), this.#startAgents(host, logger, true);
      });
      this.options.live?.onControl?.(this.#control);
      const late = this.model.hosts.filter((h) => h.startTimeS > 0)
        .sort((a, b) => a.startTimeS - b.startTimeS);
      interrupted = !await this.#runClock(wallStop, late, stop, logger);
      // Stop making blocks, let the last ones spread while the monitor still records, then
      // read the final state.
      await Promise.all(
        this.agents.filter((a) => a !== this.monitor).map((a) => a.stop(this.o.graceMs)),
      );
      if (!interrupted) await this.#settle(stop, logger);
      await this.monitor?.stop(this.o.graceMs);
      finalState = await readFinalState(this.placements);
    } finally {
      this.#control?.release();
      await this.#stopAll(logger);
      await this.#links?.close(this.options.outDir);
      await this.#out?.close(this.options.outDir);
    }
    const wallS = (Date.now() - this.started) / 1000;
    const ranS = (Date.now() - this.t0) / 1000;
    const counts = await countEvents(this.placements);
    return {
      engine: "local",
      outDir: this.options.outDir,
      simulatedS: Math.min(this.model.stopTimeS, Math.round(ranS * this.o.timeScale)),
      wallS: Math.round(wallS * 1000) / 1000,
      interrupted,
      summary: {
        hosts: this.model.hosts.length,
        processes: this.daemons.length + this.agents.length,
        time_scale: this.o.timeScale,
        ...counts,
        converged: converged(finalState),
        stopped_early: this.#stoppedEarly,
        links: this.#links?.record(),
        outbound: this.#out?.record(),
        final: finalState,
      },
    };
  }

  #placement(name: string): LocalHostPlacement {
    return this.placements.find((p) => p.name === name)!;
  }

  get #childrenFile(): string {
    return `${this.options.outDir}/children.json`;
  }

  #startReaper(logger: Logger): void {
    // The namespace run id first: a run killed while its namespaces are built leaves none.
    writeChildrenFile(this.#childrenFile, [], this.decision?.netns?.id);
    this.reaper = LocalChild.start({
      name: "reaper",
      argv: [
        ...this.o.hiveArgv,
        ...["sim", "agent", "reaper", "--children", this.#childrenFile],
        ...["--parent", String(Deno.pid)],
      ],
      // Its stderr is piped through this process, which is gone when the reaper has work to do,
      // so it also logs straight to a file.
      logPath: `${this.options.outDir}/reaper.stderr.log`,
      env: { HIVE_LOG_FILE: `${this.options.outDir}/reaper.log` },
      logger,
    });
  }

  /**
   * Upgrade `index` of a host: stop its monerod (its data stays) and start the binary and flags
   * of its first `index + 1` upgrades. Logged when it starts too: a stop can take seconds.
   */
  async #upgrade(host: SimHost, index: number, logger: Logger): Promise<void> {
    logger.info("host upgrading", { host: host.name, upgrade: index + 1 });
    const i = this.daemons.findIndex((d) => d.name === `monerod ${host.name}`);
    if (i >= 0) await this.daemons.splice(i, 1)[0].stop(this.o.graceMs);
    this.#startDaemon(upgradedHost(host, index + 1), logger, false);
    logger.info("host upgraded", { host: host.name, upgrade: index + 1 });
  }

  #startDaemon(host: SimHost, logger: Logger, wallet = true): void {
    const p = this.#placement(host.name);
    const args = localMonerodArgs(host, this.model, p, this.#out);
    this.daemons.push(LocalChild.start({
      name: `monerod ${host.name}`,
      argv: this.#argv(host, host.monerodBin ?? this.o.monerodBin, args),
      logPath: `${p.dir}/monerod.stderr.log`,
      env: { ...LOCAL_DNS_ENV }, // lookups (seed nodes too, DNS on or off) stay on loopback
      logger,
    }));
    if (wallet && host.kind === "user" && p.walletRpcPort !== undefined) {
      this.daemons.push(LocalChild.start({
        name: `wallet-rpc ${host.name}`,
        argv: this.#argv(host, host.walletRpcBin ?? this.o.walletRpcBin, localWalletArgs(p, host)),
        logPath: `${p.dir}/wallet-rpc.stderr.log`,
        ...(this.model.dnsServer ? { env: { ...LOCAL_DNS_ENV } } : {}),
        logger,
      }));
    }
    writeChildrenFile(this.#childrenFile, this.daemons.map((d) => d.pid), this.decision?.netns?.id);
  }

  /** A daemon's command: peer flags at the links' relays, in its namespace on the netns path. */
  #argv(host: SimHost, bin: string, args: string[]): string[] {
    const argv = [bin, ...this.#links?.rewrite(host.name, args) ?? args];
    return this.#links?.wrap(host.name, argv) ?? argv;
  }

  #agent(name: string, dir: string, args: string[], logger: Logger): LocalChild {
    const child = LocalChild.start({
      name,
      argv: [...this.o.hiveArgv, "sim", "agent", ...args, "--t0", String(this.t0)],
      logPath: `${dir}/${name.split(" ")[0]}.log`,
      env: { [PARENT_PID_ENV]: String(Deno.pid) },
      logger,
    });
    this.agents.push(child);
    return child;
  }

  #startMonitor(logger: Logger): void {
    const rpc = this.placements.map((p) => `${p.name}=${p.rpcUrl}`).join(",");
    // Its log sits beside hosts/, which holds one folder per host and nothing else.
    this.monitor = this.#agent("monitor", this.options.outDir, [
      "monitor",
      "--rpc",
      rpc,
      "--interval",
      durationArg(this.o.monitorIntervalS),
      "--out-dir",
      `${this.options.outDir}/hosts`,
      ..._zmqArg(this.model),
    ], logger);
  }

  /**
   * Before the clock starts: give every initial user a funded wallet (regtest coins unlock
   * after 60 blocks, which takes tens of seconds to mine), and let all nodes sync to that chain.
   */
  async #fundUsers(initial: SimHost[], signal: AbortSignal, logger: Logger): Promise<void> {
    const users = initial.filter((h) => h.kind === "user").map((h) => this.#placement(h.name));
    if (users.length === 0 || signal.aborted) return;
    const blocks = initial.filter((h) => h.kind === "user").map((h) => this.#fundBlocks(h));
    logger.info("funding user wallets", { users: users.length, blocks });
    await using _ = watchFunding(this.options, { rpcUrl: users[0].rpcUrl, userBlocks: blocks });
    // A failure names the user and what failed, with the folder of its logs.
    const fail = (p: LocalHostPlacement, what: string) => (e: unknown): never => {
      throw new HiveError(
        `funding ${p.name}'s wallet: ${what}: ${(e as Error).message}; see ${p.dir}`,
        {
          code: "funding_failed",
          cause: e,
        },
      );
    };
    const addresses = await Promise.all(users.map((p) =>
      openOrCreateWallet(
        { signal },
        new WalletRpc({ url: `http://${p.ip}:${p.walletRpcPort}`, timeoutMs: 60_000 }),
        LOCAL_WALLET_NAME,
      ).catch(fail(p, "opening its wallet"))
    ));
    const daemon = new MonerodRpc({ url: users[0].rpcUrl, timeoutMs: 120_000, signal });
    // Each user's blocks are sized to its transfer plan; one unlock run after the last.
    for (const [i, address] of addresses.entries()) {
      await fundWallets({ signal }, daemon, [address], blocks[i], { unlock: false })
        .catch(fail(users[i], `mining its ${blocks[i]} blocks on ${users[0].name}'s monerod`));
    }
    await fundWallets({ signal }, daemon, [], 0)
      .catch(fail(users[0], `mining the unlock blocks on ${users[0].name}'s monerod`));
    if (!await this.#waitAgree(Date.now() + this.o.readyTimeoutMs, signal)) {
      logger.warn("nodes did not all sync the funding blocks in time");
    }
  }

  /** Blocks to fund a user with: its plan's, else the engine's default. */
  #fundBlocks(host: SimHost): number {
    return host.tx?.fundBlocks ?? this.o.userFundBlocks;
  }

  #startAgents(host: SimHost, logger: Logger, late: boolean): void {
    for (const a of hostAgents(this.#argsContext(), host, late)) {
      this.#agent(a.name, a.dir, a.args, logger);
    }
  }

  #startAttacks(logger: Logger): void {
    for (const a of attackAgents(this.#argsContext())) this.#agent(a.name, a.dir, a.args, logger);
  }

  #argsContext(): AgentArgsContext {
    return {
      model: this.model,
      placements: this.placements,
      placement: (name) => this.#placement(name),
      timeScale: this.o.timeScale,
      userFundBlocks: this.o.userFundBlocks,
      walletName: LOCAL_WALLET_NAME,
      aliases: (name) => this.#links?.aliases(name) ?? [],
    };
  }

  /** Tick once a second until the scaled stop time; start late hosts on time. */
  async #runClock(
    wallStop: number,
    late: SimHost[],
    signal: AbortSignal,
    logger: Logger,
  ): Promise<boolean> {
    const queue = [...late];
    const ups = upgradesInOrder(this.model.hosts);
    const resolvable = this.o.stopWhenResolved
      ? resolvableAttacks(this.model, (name) => this.#placement(name))
      : [];
    if (this.o.stopWhenResolved && resolvable.length === 0) {
      logger.warn("--stop-when-resolved: no double-spend or partition attack to wait for");
    }
    const ticks = Math.ceil(wallStop) + 1;
    // Bounded: one tick per wall second up to the stop time.
    for (let tick = 0; tick < ticks; tick++) {
      const elapsed = (Date.now() - this.t0) / 1000;
      while (queue.length > 0 && queue[0].startTimeS / this.o.timeScale <= elapsed) {
        const host = queue.shift()!;
        this.#startDaemon(host, logger);
        logger.info("late host started", { host: host.name });
        this.#startAgents(host, logger, true);
      }
      while (ups.length > 0 && ups[0].atS / this.o.timeScale <= elapsed) {
        const step = ups.shift()!;
        void this.#upgrade(step.host, step.index, logger);
      }
      this.options.onProgress?.({
        done: Math.min(this.model.stopTimeS, Math.round(elapsed * this.o.timeScale)),
        total: this.model.stopTimeS,
        unit: "sim seconds",
      });
      const left = wallStop - elapsed;
      if (left <= 0) return true;
      if (await attacksResolved(resolvable)) {
        logger.info("every double-spend and partition attack has its outcome: stopping early");
        this.#stoppedEarly = true;
        return true;
      }
      if (!await sleep(Math.min(1, left) * 1000, signal)) return false;
    }
    return true;
  }

  /** Wait until every running node has the same top block; false at the deadline. */
  async #waitAgree(deadline: number, signal: AbortSignal): Promise<boolean> {
    // Bounded by the deadline; one pass per 250 ms.
    while (Date.now() < deadline && !signal.aborted) {
      const tops = await Promise.all(
        this.placements.map((p) =>
          new MonerodRpc({ url: p.rpcUrl, timeoutMs: 2000 }).getInfo().then(
            (i) => i.top_block_hash,
            () => null,
          )
        ),
      );
      const live = tops.filter((t) => t !== null);
      if (live.length > 0 && live.every((t) => t === live[0])) return true;
      if (!await sleep(250, signal)) return false;
    }
    return false;
  }

  /** Wait (at most `settleS` wall seconds) for the nodes to agree after the miners stopped. */
  async #settle(signal: AbortSignal, logger: Logger): Promise<void> {
    await using _ = watchSeconds(this.options, LOCAL_PHASES.settle, this.o.settleS);
    if (await this.#waitAgree(Date.now() + this.o.settleS * 1000, signal)) {
      // Two more monitor polls, so its log shows the last block on every node too.
      await sleep(this.o.monitorIntervalS * 2000 + 100, signal);
      return;
    }
    logger.warn("nodes still disagree at the end of the settle time", { settle_s: this.o.settleS });
  }

  async #stopAll(logger: Logger): Promise<void> {
    // Agents first, so none of them calls a daemon that is already going away.
    await Promise.all(this.agents.map((a) => a.stop(this.o.graceMs)));
    await Promise.all(this.daemons.map((d) => d.stop(this.o.graceMs)));
    await this.reaper?.stop(this.o.graceMs);
    logger.info("all processes stopped", {
      agents: this.agents.length,
      daemons: this.daemons.length,
    });
  }
}

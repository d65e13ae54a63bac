/**
 * The local engine: runs a scenario for real on this machine. Each host gets a real `monerod`
 * (regtest, `monerodArgs()` flags) on its own loopback address (127.0.0.2, .3, ...) with free
 * ports; agents run as `hive sim agent ...` children; one monitor polls every node. Logs stay
 * per host under `DIR/hosts/<host>/` (monerod.log, agent logs, RunEvent `*.ndjson`).
 *
 * Simulated time is compressed by `timeScale` (simulated seconds per wall second): block
 * intervals, start times, attack times and stop_time shrink; network latency is real.
 *
 * @module
 */
import { ConfigError, HiveError } from "../../../core/errors.ts";
import { selfArgv } from "../../../core/self.ts";
import type { SimHost, SimModel } from "../types.ts";
import { LocalRun } from "./run.ts";
import { PORT_TAKEN } from "./startup.ts";
import { decideLinks } from "./links/decide.ts";
import { netnsAddress, type NetnsPlan } from "./links/netns.ts";
import {
  type LocalEngineOptions,
  type LocalHostPlacement,
  localHostsProblem,
  localMaxHosts,
  localMonitorPoll,
  localTimeScaleProblem,
} from "./options.ts";

export { type LocalEngineOptions, type LocalHostPlacement, localMaxHosts };
import type { Engine, EngineRunOptions, EngineRunResult } from "../types.ts";

/**
 * Free ports, each held by a listener until {@link _PortProbe.release}: a port handed back
 * at once can be handed out again by the next pick, so two ports of one host could be equal.
 */
class _PortProbe {
  readonly #held: Deno.TcpListener[] = [];

  pick(hostname: string): number {
    const listener = Deno.listen({ hostname, port: 0 });
    this.#held.push(listener);
    return (listener.addr as Deno.NetAddr).port;
  }

  release(): void {
    for (const l of this.#held.splice(0)) l.close();
  }
}

/**
 * Give each host a loopback address (its own when the model already has one) and free ports;
 * returns the local copy of the model.
 */
export function placeHosts(
  model: SimModel,
  outDir: string,
  options: { firstOctet?: number; netns?: NetnsPlan } = {},
): { model: SimModel; placements: LocalHostPlacement[] } {
  const first = options.firstOctet ?? 2;
  const placements: LocalHostPlacement[] = [];
  const hosts: SimHost[] = [];
  // In a namespace of its own a host has every port to itself: fixed ones, in turn.
  let fixed = 18080;
  const ns = options.netns;
  const probe = new _PortProbe();
  const port = (ip: string) => ns ? fixed++ : probe.pick(ip);
  try {
    for (const [i, host] of model.hosts.entries()) {
      fixed = 18080;
      // Loopback addressing from the scenario (sybil /24s included) is kept; others are replaced.
      const ip = ns
        ? netnsAddress(ns, i)
        : host.ip.startsWith("127.")
        ? host.ip
        : `127.0.0.${first + i}`;
      const p2pPort = port(ip);
      const rpcPort = port(ip);
      const walletRpcPort = host.kind === "user" ? port(ip) : undefined;
      const zmq = host.zmq ? { rpcPort: port(ip), pubPort: port(ip) } : undefined;
      hosts.push({ ...host, ip, p2pPort, rpcPort, walletRpcPort, ...(zmq ? { zmq } : {}) });
      placements.push({
        name: host.name,
        kind: host.kind,
        ip,
        p2pPort,
        rpcPort,
        walletRpcPort,
        rpcUrl: `http://${ip}:${rpcPort}`,
        dir: `${outDir}/hosts/${host.name}`,
      });
    }
  } finally {
    probe.release();
  }
  return { model: { ...model, hosts }, placements };
}

async function _checkBinary(bin: string, what: string): Promise<void> {
  try {
    await new Deno.Command(bin, { args: ["--version"], stdout: "null", stderr: "null" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new HiveError(
        `${what}: ${bin} not found on PATH. Install Debian's monero package ` +
          "(sudo apt-get install monero, or run .ci/deps.sh), or use --engine des.",
        { code: "engine_missing" },
      );
    }
    throw error;
  }
}

/** How many placements a run tries when a node's port is taken before it binds it. */
const PLACE_TRIES = 3;

/** Runs a model on real monerod processes on this machine. */
export class LocalEngine implements Engine {
  readonly name = "local" as const;
  readonly #o: Required<LocalEngineOptions>;

  constructor(options: LocalEngineOptions = {}) {
    this.#o = {
      timeScale: options.timeScale ?? 1,
      monerodBin: options.monerodBin ?? "monerod",
      walletRpcBin: options.walletRpcBin ?? "monero-wallet-rpc",
      maxHosts: options.maxHosts ?? 0, // 0: sized from free memory when a run starts
      graceMs: options.graceMs ?? 15_000,
      monitorIntervalS: options.monitorIntervalS ?? 0, // 0: from the model, see run()
      readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
      userFundBlocks: options.userFundBlocks ?? 3,
      firstOctet: options.firstOctet ?? 2,
      hiveArgv: options.hiveArgv ?? selfArgv(),
      settleS: options.settleS ?? 10,
      links: options.links ?? "auto",
      stopWhenResolved: options.stopWhenResolved ?? false,
    };
    if (!(this.#o.timeScale > 0)) {
      throw new ConfigError(`time scale: expected a number > 0, got ${this.#o.timeScale}`);
    }
  }

  /** Start everything, run until stop_time (scaled) or the signal, then stop everything. */
  async run(options: EngineRunOptions): Promise<EngineRunResult> {
    const { model: given, outDir, logger, signal } = options;
    const o = this.#o;
    const tooFast = localTimeScaleProblem(given.stopTimeS, o.timeScale);
    if (tooFast) logger.warn(tooFast);
    const tooMany = localHostsProblem(given.hosts.length, o.maxHosts || undefined);
    if (tooMany) {
      throw new ConfigError(`scenario "${given.name}": ${tooMany}`, { code: "too_many_hosts" });
    }
    if (given.hosts.length === 0) throw new ConfigError(`scenario "${given.name}" has no hosts`);
    // Each executable a host names (another version per group) must be there too.
    for (const bin of new Set(given.hosts.map((h) => h.monerodBin ?? o.monerodBin))) {
      await _checkBinary(bin, "local engine");
    }
    const users = given.hosts.filter((h) => h.kind === "user");
    for (const bin of new Set(users.map((h) => h.walletRpcBin ?? o.walletRpcBin))) {
      await _checkBinary(bin, "local engine (user agents)");
    }
    // Before placement: the namespace path gives each host an address of the run's subnet.
    // Before the folder too: a path this machine cannot take leaves nothing behind.
    const links = await decideLinks({ model: given, mode: o.links });
    await Deno.mkdir(`${outDir}/hosts`, { recursive: true });
    // Bounded: a port placement found free can be taken before a node binds it (another
    // run on the same loopback addresses); the run is placed again, at most twice. Not on the
    // namespace path: there each node has its namespace's ports to itself, and the run's
    // subnet claim ends with its first attempt.
    for (let attempt = 1;; attempt++) {
      const { model, placements } = placeHosts(given, outDir, {
        firstOctet: o.firstOctet,
        netns: links.netns,
      });
      for (const p of placements) await Deno.mkdir(p.dir, { recursive: true });
      await Deno.writeTextFile(
        `${outDir}/local_run.json`,
        JSON.stringify(
          { scenario: model.name, time_scale: o.timeScale, hosts: placements },
          null,
          2,
        ),
      );
      // The poll is a setting: the scenario's monitor interval (simulated seconds), scaled to
      // wall time; without a monitor in the scenario, 0.5 s.
      const poll = localMonitorPoll(model, o.timeScale, o.monitorIntervalS);
      const run = new LocalRun({ ...o, monitorIntervalS: poll }, model, placements, options, links);
      try {
        return await run.execute(logger, signal);
      } catch (error) {
        const retry = error instanceof HiveError && error.code === PORT_TAKEN && !links.netns;
        if (!retry || attempt >= PLACE_TRIES) {
          throw error;
        }
        logger.warn("a port was taken before its node bound it; placing the hosts again", {
          attempt: attempt + 1,
          of: PLACE_TRIES,
          error: error.message,
        });
        // The next attempt's logs start empty (what it fails on is read from them); this one's
        // are kept beside them.
        for (const p of placements) {
          await Deno.rename(`${p.dir}/monerod.log`, `${p.dir}/monerod.attempt-${attempt}.log`)
            .catch(() => {}); // a node that never wrote one
        }
      }
    }
  }
}

/**
 * Agent commands for a local run (the orchestrator API): each host is an agent made of its
 * processes (monerod, wallet RPC, its miner or user agent). `pause` stops them with SIGSTOP and
 * `resume` continues them (SIGCONT): the node keeps its state and its peers see it silent.
 * `stop` ends them (SIGTERM, then SIGKILL); `restart` ends what runs and starts the host's
 * processes again on the same data folder. Each command is recorded as an `agent` RunEvent in
 * `hosts/<host>/commands.ndjson`, so analysis sees the offline windows.
 *
 * @module
 */
import type {
  AgentCommand,
  AgentCommandResult,
  AgentState,
  EngineAgent,
  EngineRunControl,
  SimHost,
  SimModel,
} from "../types.ts";
import type { LocalChild } from "./proc.ts";
import type { LocalHostPlacement } from "./options.ts";

/** What the control reads of the run (`LocalRun`'s public fields). */
export interface LocalRunView {
  readonly model: SimModel;
  readonly daemons: LocalChild[];
  readonly agents: LocalChild[];
  readonly placements: LocalHostPlacement[];
  /** Wall-clock ms when the run's clock started. */
  readonly t0: number;
  readonly o: { readonly timeScale: number; readonly graceMs: number };
}

/** The {@link EngineRunControl} of a local run. */
export class LocalControl implements EngineRunControl {
  readonly #run: LocalRunView;
  readonly #restart: (host: SimHost) => void;
  readonly #commanded = new Map<string, AgentState>();
  readonly #errors = new Map<string, string>();
  #over = false;

  /** `restart` starts a host's daemon and agents again. */
  constructor(run: LocalRunView, restart: (host: SimHost) => void) {
    this.#run = run;
    this.#restart = restart;
  }

  #processes(host: string): LocalChild[] {
    // Names end with the host: "monerod h", "wallet-rpc h", "miner h", "user h".
    return [...this.#run.daemons, ...this.#run.agents].filter((c) => c.name.endsWith(` ${host}`));
  }

  /** Simulated seconds reached. */
  simTime(): number {
    return ((Date.now() - this.#run.t0) / 1000) * this.#run.o.timeScale;
  }

  /** Every host as an agent. */
  agents(): EngineAgent[] {
    return this.#run.model.hosts.map((h) => ({
      id: h.name,
      kind: h.kind,
      host: h.name,
      state: this.#state(h.name),
      height: null,
      lastError: this.#errors.get(h.name) ?? null,
    }));
  }

  #live(host: string): LocalChild[] {
    return this.#processes(host).filter((p) => !p.exited);
  }

  #state(host: string): AgentState {
    if (this.#over) return "exited";
    const commanded = this.#commanded.get(host);
    if (commanded === "paused" || commanded === "stopped") return commanded;
    const procs = this.#processes(host);
    if (procs.length === 0) return "pending";
    return procs.some((p) => !p.exited) ? "running" : "exited";
  }

  /** Carry out a command on a host's processes. */
  async command(id: string, command: AgentCommand): Promise<AgentCommandResult> {
    if (!this.#run.model.hosts.some((h) => h.name === id)) {
      return { ok: false, reason: `no agent ${JSON.stringify(id)}` };
    }
    if (this.#over) return { ok: false, reason: "the run has finished" };
    const state = this.#state(id);
    if (state === "pending") return { ok: false, reason: `${id} has not started yet` };
    let next: AgentState;
    switch (command) {
      case "pause":
        if (state !== "running") return { ok: false, reason: `${id} is ${state}, not running` };
        this.#signal(id, "SIGSTOP");
        next = "paused";
        break;
      case "resume":
        if (state !== "paused") return { ok: false, reason: `${id} is ${state}, not paused` };
        this.#signal(id, "SIGCONT");
        next = "running";
        break;
      case "stop":
        if (state !== "running" && state !== "paused") {
          return { ok: false, reason: `${id} is ${state}, not running` };
        }
        await this.#stop(id);
        next = "stopped";
        break;
      case "restart":
        await this.#stop(id);
        try {
          this.#restart(this.#run.model.hosts.find((h) => h.name === id)!);
        } catch (error) {
          this.#errors.set(id, String(error));
          return { ok: false, reason: `${id} did not start again: ${String(error)}` };
        }
        next = "running";
        break;
    }
    if (next === "running") this.#commanded.delete(id);
    else this.#commanded.set(id, next);
    await this.#record(id, command, next);
    return { ok: true, state: next };
  }

  #signal(host: string, signal: Deno.Signal): void {
    for (const p of this.#live(host)) {
      try {
        Deno.kill(p.pid, signal);
      } catch (error) {
        this.#errors.set(host, `${p.name}: ${String(error)}`);
      }
    }
  }

  async #stop(host: string): Promise<void> {
    // A stopped (SIGSTOP) process cannot act on SIGTERM: let it run first.
    this.#signal(host, "SIGCONT");
    await Promise.all(this.#live(host).map((p) => p.stop(this.#run.o.graceMs)));
  }

  async #record(host: string, command: AgentCommand, state: AgentState): Promise<void> {
    const line = JSON.stringify({
      ts: Math.round(this.simTime() * 1000) / 1000,
      host,
      event: "agent",
      command,
      state,
    });
    const dir = this.#run.placements.find((p) => p.name === host)!.dir;
    await Deno.writeTextFile(`${dir}/commands.ndjson`, line + "\n", {
      append: true,
      create: true,
    });
  }

  /** The run is ending: paused processes continue so they can be stopped. */
  release(): void {
    for (const [host, state] of this.#commanded) {
      if (state === "paused") this.#signal(host, "SIGCONT");
    }
    this.#over = true;
  }
}

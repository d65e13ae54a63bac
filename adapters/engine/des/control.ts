/**
 * Agent commands for a discrete-event run (the orchestrator API's `POST /api/agents/{id}/command`).
 * Every node is an agent. `pause` and `stop` take the node offline (it neither mines, relays
 * nor receives); `resume` and `restart` bring it back, and it syncs from its online peers the
 * way a node starting late does. Commands apply between event batches, at the simulated time
 * reached, and are recorded as `agent` RunEvents so analysis sees the offline windows.
 *
 * @module
 */
import type {
  AgentCommand,
  AgentCommandResult,
  AgentState,
  EngineAgent,
  EngineRunControl,
} from "../types.ts";
import type { DesSimulation } from "./sim.ts";
import { roundTime } from "./network.ts";

/** The {@link EngineRunControl} of one {@link DesSimulation}. */
export class DesControl implements EngineRunControl {
  readonly #sim: DesSimulation;
  /** Commanded state per node (null: as the schedule has it). */
  readonly #commanded: (AgentState | null)[];
  #finished = false;

  constructor(sim: DesSimulation) {
    this.#sim = sim;
    this.#commanded = new Array(sim.n).fill(null);
  }

  /** The run is over: agents read as exited and commands are refused. */
  finish(): void {
    this.#finished = true;
  }

  /** Simulated seconds reached. */
  simTime(): number {
    return this.#sim.now;
  }

  /** Every node as an agent. */
  agents(): EngineAgent[] {
    const sim = this.#sim;
    return sim.model.hosts.map((h, i) => ({
      id: h.name,
      kind: h.kind,
      host: h.name,
      state: this.#state(i),
      height: sim.tipHeight[i],
      lastError: null,
    }));
  }

  #state(i: number): AgentState {
    if (this.#finished) return "exited";
    const commanded = this.#commanded[i];
    if (commanded !== null) return commanded;
    return this.#sim.online[i] ? "running" : "pending";
  }

  /** Take a node offline or bring it back. */
  command(id: string, command: AgentCommand): Promise<AgentCommandResult> {
    return Promise.resolve(this.#command(id, command));
  }

  #command(id: string, command: AgentCommand): AgentCommandResult {
    const sim = this.#sim;
    const i = sim.index.get(id);
    if (i === undefined) return { ok: false, reason: `no agent ${JSON.stringify(id)}` };
    if (this.#finished || sim.done) return { ok: false, reason: "the run has finished" };
    const state = this.#state(i);
    if (state === "pending") {
      return {
        ok: false,
        reason: `${id} has not started yet (starts at ${sim.model.hosts[i].startTimeS} s)`,
      };
    }
    let next: AgentState;
    switch (command) {
      case "pause":
      case "stop":
        if (state !== "running") return { ok: false, reason: `${id} is ${state}, not running` };
        this.#offline(i);
        next = command === "pause" ? "paused" : "stopped";
        break;
      case "resume":
        if (state !== "paused") return { ok: false, reason: `${id} is ${state}, not paused` };
        this.#online(i);
        next = "running";
        break;
      case "restart":
        if (state === "running") this.#offline(i);
        this.#online(i);
        next = "running";
        break;
    }
    this.#commanded[i] = next;
    sim.emit({ ts: roundTime(sim.now), host: id, event: "agent", command, state: next });
    return { ok: true, state: next };
  }

  #offline(i: number): void {
    const sim = this.#sim;
    sim.online[i] = 0;
    sim.offlineCount++;
    sim.countTip(sim.tip[i], -1);
    sim.countHeight(sim.tipHeight[i], -1);
  }

  #online(i: number): void {
    // The late-start path: count the node in again and let each online peer offer its tip.
    this.#sim._onNodeStart(i);
  }
}

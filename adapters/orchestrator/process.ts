/**
 * The `process` orchestrator, the proxy's embedded default: agents are local processes, their
 * labels and specs rows of a `node:sqlite` database in the state dir, their output a log file
 * each. `image` names the program to run and `cmd` its arguments.
 *
 * Why not `core/supervisor`: a supervised child dies with its parent (the supervisor kills its
 * children on exit and children watch their parent), but agents must keep running while the
 * proxy restarts. So each agent is started detached (its own session and process group), tracked
 * by pid plus the kernel's start time of that pid (so a recycled pid is never mistaken for the
 * agent), and stopped by signalling its process group: SIGTERM, then SIGKILL after a grace
 * period. A restarted proxy reads the rows, checks each pid in `/proc`, and carries on. While the
 * proxy runs, a monitor applies the agent's restart policy (`always`, `on-failure`) with
 * exponential backoff. Agents get a clean environment (`PATH` plus their own `env`), so no
 * secret of the proxy leaks into them. `resources`, `network` and `mounts` have no meaning for a
 * plain process: resources are ignored, mounts and devices are refused as unsupported.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { lastLines, pidAlive, procStat, readFrom, signalGroup } from "./process_sys.ts";
import {
  type Agent,
  agentFromLabels,
  type AgentSpec,
  type AgentState,
  LABEL_MANAGED,
  labelsMatch,
  type ListFilter,
  type LogsOptions,
  type Orchestrator,
  OrchestratorError,
} from "./types.ts";

/** Options for {@link ProcessOrchestrator}. */
export interface ProcessOrchestratorOptions {
  /** Folder for `agents.db` and the agents' log files; created if missing. */
  stateDir: string;
  /** SIGTERM-to-SIGKILL grace period on stop. Default 3000 ms. */
  graceMs?: number;
  /** How often the restart monitor looks at the agents. Default 500 ms; 0 turns it off. */
  monitorMs?: number;
}

interface _Row {
  id: string;
  name: string;
  image: string;
  spec: string;
  labels: string;
  pid: number | null;
  pstart: string | null;
  desired: "running" | "stopped";
  restarts: number;
  next_restart: number;
}

// The wrapper sends all output to the log file and records the exit status beside it.
const _WRAPPER = 'log=$1; shift; exec >>"$log" 2>&1 </dev/null; "$@"; echo "$?" >"$log.exit"';
const _PATH = "/usr/local/bin:/usr/bin:/bin";
/** How long a `/proc` answer about an adopted pid is reused. */
const _SEEN_MS = 250;

/** Local processes as agents. */
export class ProcessOrchestrator implements Orchestrator {
  readonly kind = "process";
  readonly #db: DatabaseSync;
  readonly #dir: string;
  readonly #graceMs: number;
  readonly #children = new Map<string, Deno.ChildProcess>();
  /** Liveness of the pids this process started, known without asking `/proc`. */
  readonly #running = new Map<number, boolean>();
  /** Recent `/proc` answers for adopted pids, so a busy list does not read `/proc` each time. */
  readonly #seen = new Map<number, { alive: boolean; at: number }>();
  /** The agent built from each row object (see {@link #agent}). */
  readonly #agents = new WeakMap<_Row, Agent>();
  #listAll: ReturnType<DatabaseSync["prepare"]> | undefined;
  /** All rows as last read; every write through {@link #write} drops it. */
  #rows: _Row[] | undefined;
  /**
   * The last unfiltered listing (frozen), kept until a write, the exit of a child of ours, or
   * the moment an adopted pid's liveness answer gets older than {@link #aliveSoon} keeps it: a
   * poller's `list()` then costs no work per agent.
   */
  #listed: { agents: readonly Agent[]; until: number } | undefined;
  #monitor: ReturnType<typeof setInterval> | undefined;

  constructor(options: ProcessOrchestratorOptions) {
    this.#dir = options.stateDir;
    this.#graceMs = options.graceMs ?? 3000;
    Deno.mkdirSync(`${this.#dir}/logs`, { recursive: true, mode: 0o700 });
    this.#db = new DatabaseSync(`${this.#dir}/agents.db`);
    this.#db.exec(`PRAGMA journal_mode=WAL; PRAGMA busy_timeout=2000;
      CREATE TABLE IF NOT EXISTS agents (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image TEXT NOT NULL, spec TEXT NOT NULL,
        labels TEXT NOT NULL, pid INTEGER, pstart TEXT, desired TEXT NOT NULL,
        restarts INTEGER NOT NULL DEFAULT 0, next_restart INTEGER NOT NULL DEFAULT 0)`);
    const every = options.monitorMs ?? 500;
    if (every > 0) this.#monitor = setInterval(() => this.#watch(), every);
  }

  // deno-lint-ignore require-await
  async create(spec: AgentSpec, labels: Record<string, string>): Promise<Agent> {
    if (spec.mounts?.length || spec.devices?.length) {
      throw new OrchestratorError(
        "unsupported",
        "the process orchestrator has no mounts or devices",
      );
    }
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    try {
      this.#write(
        "INSERT INTO agents (id, name, image, spec, labels, desired) VALUES (?, ?, ?, ?, ?, 'running')",
        id,
        spec.name,
        spec.image,
        JSON.stringify(spec),
        JSON.stringify(labels),
      );
    } catch (error) {
      if (String(error).includes("UNIQUE")) {
        throw new OrchestratorError("conflict", `an agent named ${spec.name} already exists`);
      }
      throw error;
    }
    try {
      this.#spawn(this.#row(id)!);
    } catch (error) {
      this.#write("DELETE FROM agents WHERE id = ?", id);
      throw new OrchestratorError("invalid", `cannot start ${spec.image}: ${error}`);
    }
    return this.#agent(this.#row(id)!);
  }

  // deno-lint-ignore require-await
  async list(filter: ListFilter = {}): Promise<Agent[]> {
    const now = Date.now();
    let listed = this.#listed;
    if (listed === undefined || now >= listed.until) {
      this.#listAll ??= this.#db.prepare("SELECT * FROM agents ORDER BY rowid");
      this.#rows ??= this.#listAll.all() as unknown as _Row[];
      const agents = this.#rows.map((row) => this.#agent(row));
      listed = { agents: Object.freeze(agents), until: this.#listedUntil(this.#rows, now) };
      this.#listed = listed;
    }
    const labels = filter.labels;
    // Callers get the shared frozen array when there is nothing to filter (they never change it).
    if (labels === undefined || Object.keys(labels).length === 0) return listed.agents as Agent[];
    return listed.agents.filter((a) => labelsMatch(a.labels, labels));
  }

  /** Until when a listing built from `rows` at `now` stays true (see {@link #listed}). */
  #listedUntil(rows: readonly _Row[], now: number): number {
    let until = Infinity;
    for (const row of rows) {
      if (row.desired === "stopped" || row.pid === null || this.#running.has(row.pid)) continue;
      until = Math.min(until, (this.#seen.get(row.pid)?.at ?? now) + _SEEN_MS);
    }
    return until;
  }

  // deno-lint-ignore require-await
  async get(id: string): Promise<Agent> {
    return this.#agent(this.#need(id));
  }

  async remove(id: string): Promise<void> {
    const row = this.#need(id);
    this.#setDesired(id, "stopped");
    await this.#kill(row);
    this.#write("DELETE FROM agents WHERE id = ?", id);
    for (const suffix of ["", ".exit"]) {
      await Deno.remove(`${this.#logPath(id)}${suffix}`).catch(() => {});
    }
  }

  // deno-lint-ignore require-await
  async start(id: string): Promise<Agent> {
    const row = this.#need(id);
    this.#setDesired(id, "running");
    if (!this.#aliveNow(row)) this.#spawn(row);
    return this.#agent(this.#need(id));
  }

  async stop(id: string): Promise<Agent> {
    const row = this.#need(id);
    this.#setDesired(id, "stopped");
    await this.#kill(row);
    return this.#agent(this.#need(id));
  }

  async restart(id: string): Promise<Agent> {
    await this.stop(id);
    return await this.start(id);
  }

  async logs(id: string, options: LogsOptions = {}): Promise<ReadableStream<Uint8Array>> {
    this.#need(id);
    const path = this.#logPath(id);
    const file = await Deno.open(path, { read: true }).catch(() => null);
    let offset = 0;
    let head: Uint8Array<ArrayBuffer> = new Uint8Array(0);
    if (file) {
      const all = await Deno.readFile(path);
      offset = all.length;
      head = options.tail === undefined ? all : lastLines(all, options.tail);
      file.close();
    }
    if (!options.follow) return ReadableStream.from([head]);
    const signal = options.signal;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (head.length) controller.enqueue(head);
      },
      async pull(controller) {
        while (!signal?.aborted) {
          const grown = await readFrom(path, offset);
          if (grown.length) {
            offset += grown.length;
            controller.enqueue(grown);
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        controller.close();
      },
    });
  }

  close(): Promise<void> {
    clearInterval(this.#monitor);
    this.#monitor = undefined;
    for (const child of this.#children.values()) child.unref();
    this.#db.close();
    return Promise.resolve();
  }

  #write(sql: string, ...params: (string | number | null)[]): void {
    this.#rows = undefined;
    this.#listed = undefined;
    this.#db.prepare(sql).run(...params);
  }

  #logPath(id: string): string {
    return `${this.#dir}/logs/${id}.log`;
  }

  #row(id: string): _Row | undefined {
    return this.#db.prepare("SELECT * FROM agents WHERE id = ?").get(id) as unknown as
      | _Row
      | undefined;
  }

  #need(id: string): _Row {
    const row = this.#row(id);
    if (!row) throw new OrchestratorError("not_found", `no agent ${id}`);
    return row;
  }

  #setDesired(id: string, desired: "running" | "stopped"): void {
    this.#write(
      "UPDATE agents SET desired = ?, restarts = 0, next_restart = 0 WHERE id = ?",
      desired,
      id,
    );
  }

  #spawn(row: _Row): void {
    const spec = JSON.parse(row.spec) as AgentSpec;
    const log = this.#logPath(row.id);
    try {
      Deno.removeSync(`${log}.exit`);
    } catch { /* none yet */ }
    const child = new Deno.Command("/bin/sh", {
      args: ["-c", _WRAPPER, "hive-agent", log, spec.image, ...(spec.cmd ?? [])],
      clearEnv: true,
      env: { PATH: _PATH, ...spec.env },
      cwd: this.#dir,
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    child.unref();
    // Reap the child when it ends while we run (else it stays a zombie that looks alive).
    this.#children.set(row.id, child);
    this.#running.set(child.pid, true);
    child.status.then(() => {
      this.#running.set(child.pid, false);
      this.#listed = undefined;
      if (this.#children.get(row.id) === child) this.#children.delete(row.id);
    });
    const start = procStat(child.pid)?.start ?? null;
    this.#write("UPDATE agents SET pid = ?, pstart = ? WHERE id = ?", child.pid, start, row.id);
  }

  async #kill(row: _Row): Promise<void> {
    if (!this.#aliveNow(row)) return;
    const pid = row.pid!;
    signalGroup(pid, "SIGTERM");
    const deadline = Date.now() + this.#graceMs;
    while (this.#aliveNow(row) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (this.#aliveNow(row)) signalGroup(pid, "SIGKILL");
    const hard = Date.now() + 2000;
    while (this.#aliveNow(row) && Date.now() < hard) await new Promise((r) => setTimeout(r, 20));
    // The group leader (the wrapper shell) is gone; its agent may have ignored SIGTERM.
    signalGroup(pid, "SIGKILL");
  }

  /**
   * The agent of a row. Agents are built once per row read (rows are cached between writes) and
   * rebuilt only when their state changes; callers treat them as read-only.
   */
  #agent(row: _Row): Agent {
    let state: AgentState;
    if (row.desired === "stopped") state = "stopped";
    else state = this.#aliveSoon(row) ? "running" : "exited";
    const known = this.#agents.get(row);
    if (known?.state === state) return known;
    const labels = JSON.parse(row.labels) as Record<string, string>;
    labels[LABEL_MANAGED] = "true";
    const agent = agentFromLabels({ id: row.id, image: row.image, state, labels });
    this.#agents.set(row, agent);
    return agent;
  }

  /** Exact liveness: our own children from their exit status, others from the system. */
  #aliveNow(row: _Row): boolean {
    if (row.pid === null) return false;
    return this.#running.get(row.pid) ?? pidAlive(row);
  }

  /** Liveness for reports: exact for our own children, up to 250 ms old for adopted ones. */
  #aliveSoon(row: _Row): boolean {
    if (row.pid === null) return false;
    const own = this.#running.get(row.pid);
    // A child of ours whose exit we have not seen is alive: its pid cannot have been reused.
    if (own !== undefined) return own;
    const seen = this.#seen.get(row.pid);
    const now = Date.now();
    if (seen && now - seen.at < _SEEN_MS) return seen.alive;
    const alive = pidAlive(row);
    if (this.#seen.size > 10_000) this.#seen.clear();
    this.#seen.set(row.pid, { alive, at: now });
    return alive;
  }

  #watch(): void {
    let rows: _Row[];
    try {
      rows = this.#db.prepare("SELECT * FROM agents WHERE desired = 'running'")
        .all() as unknown as _Row[];
    } catch {
      return; // closed
    }
    const now = Date.now();
    for (const row of rows) {
      if (this.#aliveSoon(row)) continue;
      const policy = (JSON.parse(row.spec) as AgentSpec).restart ?? "no";
      if (policy === "no") continue;
      let code: number | null = null;
      try {
        code = Number(Deno.readTextFileSync(`${this.#logPath(row.id)}.exit`).trim());
      } catch { /* killed by a signal: no status written */ }
      if (policy === "on-failure" && code === 0) continue;
      if (row.next_restart === 0) {
        const delay = Math.min(500 * 2 ** row.restarts, 30_000);
        this.#write("UPDATE agents SET next_restart = ? WHERE id = ?", now + delay, row.id);
        continue;
      }
      if (now < row.next_restart) continue;
      this.#write(
        "UPDATE agents SET restarts = restarts + 1, next_restart = 0 WHERE id = ?",
        row.id,
      );
      try {
        this.#spawn(row);
      } catch { /* tried again on the next round */ }
    }
  }
}

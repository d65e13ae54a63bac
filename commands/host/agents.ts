/**
 * The host's agents: a registry of built-in and loaded agents with their states, started and
 * stopped by name, stopped in reverse start order on shutdown. A failing agent is marked
 * `failed` with its error; it never takes the host down.
 *
 * @module
 */
import { Hono } from "hono";
import type { Bus } from "../../core/bus.ts";
import { formatIssues, HiveError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { type Agent, agentShapeSchema, type P2PFacade } from "./agent.ts";

/** Lifecycle state of an agent. */
export type AgentState = "stopped" | "starting" | "running" | "stopping" | "failed";

/** One agent as `/api/agents` lists it. */
export interface AgentInfo {
  name: string;
  /** `builtin`, or the module path it was loaded from. */
  source: string;
  state: AgentState;
  /** Why it failed (load, start or stop), else null. */
  error: string | null;
  started_at: string | null;
  /** How many times it was started. */
  starts: number;
}

/** Makes a fresh agent for each start; null when the module could not be loaded. */
export type AgentFactory = () => Agent;

interface _Entry extends AgentInfo {
  factory: AgentFactory | null;
  instance: Agent | null;
  http: Hono | null;
  abort: AbortController | null;
}

/** Options for {@link AgentManager}. */
export interface AgentManagerOptions {
  bus: Bus;
  logger: Logger;
  p2p: P2PFacade;
  /** Longest `start()`/`stop()` may take. Default 10 s. */
  timeoutMs?: number;
}

function _message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function _within<T>(what: string, ms: number, work: () => T | Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(work),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Holds every agent the host knows. */
export class AgentManager {
  readonly #options: AgentManagerOptions;
  readonly #entries = new Map<string, _Entry>();
  // Names in the order they were started, so shutdown can go in reverse.
  #startOrder: string[] = [];

  constructor(options: AgentManagerOptions) {
    this.#options = options;
  }

  /** Register an agent; it does not start until {@link start}. */
  add(spec: { name: string; source: string; factory: AgentFactory }): void {
    const { name, source, factory } = spec;
    if (this.#entries.has(name)) {
      throw new HiveError(`agent "${name}" from ${source}: the name is taken by another agent`);
    }
    this.#entries.set(name, {
      name,
      source,
      state: "stopped",
      error: null,
      started_at: null,
      starts: 0,
      factory,
      instance: null,
      http: null,
      abort: null,
    });
  }

  /** Record an agent that could not be loaded, so it shows in the list with its error. */
  addBroken(spec: { name: string; source: string; error: string }): void {
    const { name, source, error } = spec;
    let unique = name;
    for (let i = 2; this.#entries.has(unique); i++) unique = `${name}-${i}`;
    this.#entries.set(unique, {
      name: unique,
      source,
      state: "failed",
      error,
      started_at: null,
      starts: 0,
      factory: null,
      instance: null,
      http: null,
      abort: null,
    });
  }

  /** Every agent, in registration order. */
  list(): AgentInfo[] {
    return [...this.#entries.values()].map((e) => ({
      name: e.name,
      source: e.source,
      state: e.state,
      error: e.error,
      started_at: e.started_at,
      starts: e.starts,
    }));
  }

  /** One agent, or undefined. */
  get(name: string): AgentInfo | undefined {
    return this.list().find((a) => a.name === name);
  }

  /** The routes of a running agent. */
  routes(name: string): Hono | null {
    const entry = this.#entries.get(name);
    return entry?.state === "running" ? entry.http : null;
  }

  /** Start an agent by name. Throws `HiveError` (code `not_found`/`conflict`) or records failure. */
  async start(name: string): Promise<AgentInfo> {
    const entry = this.#need(name);
    if (entry.state === "running" || entry.state === "starting") {
      throw new HiveError(`agent "${name}" is already ${entry.state}`, { code: "conflict" });
    }
    if (entry.state === "stopping") {
      throw new HiveError(`agent "${name}" is stopping`, { code: "conflict" });
    }
    if (!entry.factory) {
      throw new HiveError(`agent "${name}" cannot start: ${entry.error}`, { code: "conflict" });
    }
    const { bus, logger, p2p } = this.#options;
    entry.state = "starting";
    entry.error = null;
    const log = logger.child({ agent: name });
    try {
      const instance = entry.factory();
      const shape = agentShapeSchema.safeParse(instance, { reportInput: true });
      if (!shape.success) throw new Error(formatIssues(shape.error.issues).join("; "));
      if (instance.name !== name) {
        throw new Error(`agent renamed itself from "${name}" to "${instance.name}"`);
      }
      const http = new Hono().basePath(`/agents/${name}`);
      const abort = new AbortController();
      entry.instance = instance;
      entry.http = http;
      entry.abort = abort;
      await _within(
        `${name}.start()`,
        this.#options.timeoutMs ?? 10_000,
        () => instance.start({ name, bus, logger: log, p2p, http, signal: abort.signal }),
      );
    } catch (error) {
      entry.state = "failed";
      entry.error = _message(error);
      entry.abort?.abort();
      // Give a half-started agent the chance to release what it acquired.
      if (entry.instance) {
        await _within(
          `${name}.stop()`,
          this.#options.timeoutMs ?? 10_000,
          () => entry.instance!.stop(),
        ).catch(() => {});
      }
      entry.instance = null;
      entry.http = null;
      log.error("agent failed to start", { error: entry.error });
      bus.publish("agent_stopped", { name, reason: `start failed: ${entry.error}` });
      throw new HiveError(`agent "${name}" failed to start: ${entry.error}`, {
        code: "agent_failed",
      });
    }
    entry.state = "running";
    entry.started_at = new Date().toISOString();
    entry.starts++;
    this.#startOrder = [...this.#startOrder.filter((n) => n !== name), name];
    log.info("agent started", { source: entry.source });
    bus.publish("agent_loaded", { name, source: entry.source });
    return this.get(name)!;
  }

  /** Stop an agent by name. */
  async stop(name: string, reason = "requested"): Promise<AgentInfo> {
    const entry = this.#need(name);
    if (entry.state !== "running") {
      throw new HiveError(`agent "${name}" is not running (state ${entry.state})`, {
        code: "conflict",
      });
    }
    entry.state = "stopping";
    entry.abort?.abort();
    const log = this.#options.logger.child({ agent: name });
    try {
      await _within(
        `${name}.stop()`,
        this.#options.timeoutMs ?? 10_000,
        () => entry.instance!.stop(),
      );
      entry.state = "stopped";
    } catch (error) {
      entry.state = "failed";
      entry.error = `stop failed: ${_message(error)}`;
      log.error("agent failed to stop cleanly", { error: entry.error });
    }
    entry.instance = null;
    entry.http = null;
    entry.abort = null;
    this.#startOrder = this.#startOrder.filter((n) => n !== name);
    log.info("agent stopped", { reason });
    this.#options.bus.publish("agent_stopped", { name, reason });
    return this.get(name)!;
  }

  /** Start every registered agent that can start; failures are recorded, not thrown. */
  async startAll(): Promise<void> {
    for (const entry of this.#entries.values()) {
      if (entry.factory && entry.state === "stopped") {
        await this.start(entry.name).catch(() => {});
      }
    }
  }

  /** Stop running agents in reverse start order. */
  async stopAll(reason: string): Promise<void> {
    for (const name of [...this.#startOrder].reverse()) {
      await this.stop(name, reason).catch(() => {});
    }
  }

  #need(name: string): _Entry {
    const entry = this.#entries.get(name);
    if (!entry) {
      const known = [...this.#entries.keys()].join(", ") || "none";
      throw new HiveError(`no agent named "${name}" (known: ${known})`, { code: "not_found" });
    }
    return entry;
  }
}

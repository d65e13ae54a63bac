/**
 * The agent contract: what an agent is (`name`, `start(ctx)`, `stop()`) and the one context
 * object it receives. Agents get everything through `ctx` (bus, logger, P2P, HTTP routes), so an
 * agent module loaded from `--agents-dir` needs no imports at all.
 *
 * @example
 * ```ts
 * // my_agent.ts, loaded with `hive host --agents-dir ./agents`
 * export function createAgent() {
 *   let off = () => {};
 *   return {
 *     name: "echo",
 *     async start(ctx) {
 *       ctx.http.get("/hello", (c) => c.text("hello from echo"));
 *       off = await ctx.p2p.subscribe("/hive/echo", (m) => ctx.logger.info("got", { text: m.message }));
 *     },
 *     async stop() { await off(); },
 *   };
 * }
 * ```
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Bus } from "../../core/bus.ts";
import type { Logger } from "../../core/logger.ts";
import type { MessageReceivedEvent } from "../daemon/protocol.ts";

/** One pub/sub message as agents see it: the daemon's `message_received` event. */
export type P2PMessage = MessageReceivedEvent;

/** A connected peer. */
export interface PeerInfo {
  peer_id: string;
  addrs: string[];
}

/** Pub/sub and peers, without knowing whether the daemon is supervised, attached or restarting. */
export interface P2PFacade {
  /** Our peer id, or null while the daemon is down. */
  peerId(): string | null;
  /** Publish text or bytes; resolves to how many peers it was sent to. */
  publish(topic: string, payload: string | Uint8Array): Promise<{ recipients: number }>;
  /** Receive messages on `topic`; survives daemon restarts. Resolves to an unsubscribe function. */
  subscribe(topic: string, handler: (message: P2PMessage) => void): Promise<() => Promise<void>>;
  /** Connected peers, optionally only those on `topic`. */
  peers(topic?: string): Promise<PeerInfo[]>;
}

/** Everything an agent receives when it starts. */
export interface AgentContext {
  /** The agent's name. */
  name: string;
  /** The host's event bus (`agent_*`, `daemon_*`, `host_shutdown`, `p2p_*` topics). */
  bus: Bus;
  /** A logger bound to `{agent: name}`. */
  logger: Logger;
  /** P2P facade over the daemon. */
  p2p: P2PFacade;
  /** Routes mounted under `/agents/<name>/` while the agent runs (a Hono app). */
  http: Hono;
  /** Aborted when the agent is being stopped. */
  signal: AbortSignal;
}

/** An agent. */
export interface Agent {
  /** Unique name: a-z, 0-9, `-`, `_`. */
  readonly name: string;
  /** Start; may subscribe, mount routes and start timers. A rejection marks the agent failed. */
  start(ctx: AgentContext): void | Promise<void>;
  /** Stop and release everything `start` acquired. */
  stop(): void | Promise<void>;
}

/** Agent names double as URL segments. */
export const agentNameSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
  error: "expected a-z, 0-9, - and _ (1..64 characters)",
});

/** What an agent object must look like (checked when a module is loaded). */
export const agentShapeSchema = z.looseObject({
  name: agentNameSchema,
  start: z.custom<Agent["start"]>((v) => typeof v === "function", { error: "expected a function" }),
  stop: z.custom<Agent["stop"]>((v) => typeof v === "function", { error: "expected a function" }),
});

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
import type { P2P, P2PMessage, PeerEntry } from "../../adapters/p2p/types.ts";
import type { Bus } from "../../core/bus.ts";
import type { Logger } from "../../core/logger.ts";

/** One pub/sub message as agents see it (the P2P port's message). */
export type { P2PMessage };

/** A connected peer (the P2P port's peer entry). */
export type PeerInfo = PeerEntry;

/**
 * What agents may do with the P2P port: pub/sub and peers, without knowing whether the daemon
 * is supervised, attached or restarting. Closing the port and its connection events stay with
 * the host (they reach agents on the bus as `daemon_*` and `p2p_*`).
 */
export type P2PFacade = Pick<P2P, "peerId" | "publish" | "subscribe" | "peers">;

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

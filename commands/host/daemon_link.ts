/**
 * The host's side of the daemon: either a supervised `hive daemon` child (restarted with backoff
 * when it dies) or an attached daemon reached by URL and token file. Either way the host sees one
 * {@link P2PFacade} whose subscriptions survive daemon restarts and reconnects.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { z } from "zod";
import type { Bus } from "../../core/bus.ts";
import { formatIssues, HiveError } from "../../core/errors.ts";
import { IpcClient, IpcError, readTokenFile } from "../../core/ipc/mod.ts";
import type { Logger } from "../../core/logger.ts";
import { selfArgv } from "../../core/self.ts";
import { Supervisor } from "../../core/supervisor.ts";
import { type DaemonInfo, daemonInfoSchema } from "../daemon/protocol.ts";
import type { P2PFacade, P2PMessage, PeerInfo } from "./agent.ts";

/** Options for {@link DaemonLink.start}. */
export interface DaemonLinkOptions {
  /** Host event bus: gets `daemon_up`, `daemon_down`, `p2p_peer_connected`, `p2p_peer_disconnected`. */
  bus: Bus;
  /** Audit logger. */
  logger: Logger;
  /** Attach to this daemon instead of starting one. */
  attach?: { url: string; tokenFile: string };
  /** Settings for a supervised daemon. */
  spawn?: {
    dataDir: string;
    listen: string[];
    bootstrap: string[];
    mdns: boolean;
    logLevel?: string;
  };
  /** How long the first start may take. Default 60 s (a cold start compiles TypeScript). */
  readyTimeoutMs?: number;
}

/** What `/api/status` shows about the daemon. */
export interface DaemonLinkStatus {
  mode: "supervised" | "attached";
  state: "starting" | "up" | "down" | "stopped";
  peer_id: string | null;
  addrs: string[];
  ipc_url: string | null;
  pid: number | null;
  restarts: number;
  reconnects: number;
  last_exit: { code: number; signal: string | null; at: string } | null;
  up_since: string | null;
  topics: string[];
}

const _messageEvent = z.object({
  topic: z.string().min(1),
  from: z.string().min(1),
  seqno: z.string(),
  message: z.string().optional(),
  data_b64: z.string().optional(),
  received_at: z.string(),
});
const _peerEvent = z.object({ peer_id: z.string().min(1), addr: z.string().optional() });
const _peersReply = z.object({
  peers: z.array(z.object({ peer_id: z.string(), addrs: z.array(z.string()) })),
});
const _publishReply = z.object({ topic: z.string(), recipients: z.int().nonnegative() });
const _identifyReply = z.object({ peer_id: z.string(), addrs: z.array(z.string()) });

/** What the host knows about the daemon it talks to (the pid only when it started it). */
interface _DaemonFacts {
  peer_id: string;
  addrs: string[];
  ipc_url: string;
  pid: number | null;
}

/** A live link to the daemon. */
export class DaemonLink implements P2PFacade {
  readonly #options: DaemonLinkOptions;
  readonly #handlers = new Map<string, Set<(m: P2PMessage) => void>>();
  #client: IpcClient | undefined;
  #supervisor: Supervisor | undefined;
  #info: _DaemonFacts | null = null;
  #state: DaemonLinkStatus["state"] = "starting";
  #upSince: number | null = null;
  #attachedReconnects = 0;
  #firstUp = Promise.withResolvers<void>();
  #stopped = false;

  private constructor(options: DaemonLinkOptions) {
    this.#options = options;
  }

  /** Start (or attach to) the daemon and wait until it answers over IPC. */
  static async start(options: DaemonLinkOptions): Promise<DaemonLink> {
    const link = new DaemonLink(options);
    // Nobody may be waiting on it when the host stops during startup.
    link.#firstUp.promise.catch(() => {});
    try {
      if (options.attach) await link.#attach(options.attach);
      else await link.#supervise();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const limit = options.readyTimeoutMs ?? 60_000;
      await Promise.race([
        link.#firstUp.promise,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new HiveError(`daemon not ready within ${limit} ms`)),
            limit,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      // Bootstrap peers that drop or restart are redialled by the daemon itself (its
      // bootstrap keeper, see `hive daemon status`), so the host needs no loop of its own.
    } catch (error) {
      await link.stop();
      throw error;
    }
    return link;
  }

  /** Current status. */
  status(): DaemonLinkStatus {
    const sup = this.#supervisor?.status();
    return {
      mode: this.#supervisor ? "supervised" : "attached",
      state: this.#state,
      peer_id: this.#info?.peer_id ?? null,
      addrs: this.#info?.addrs ?? [],
      ipc_url: this.#info?.ipc_url ?? null,
      pid: sup?.pid ?? this.#info?.pid ?? null,
      restarts: sup?.restarts ?? 0,
      reconnects: this.#attachedReconnects,
      last_exit: sup?.last_exit ?? null,
      up_since: this.#upSince === null ? null : new Date(this.#upSince).toISOString(),
      topics: [...this.#handlers.keys()],
    };
  }

  /** Our peer id, or null while the daemon is down. */
  peerId(): string | null {
    return this.#state === "up" ? this.#info?.peer_id ?? null : null;
  }

  /** Publish text or bytes on a topic. */
  async publish(topic: string, payload: string | Uint8Array): Promise<{ recipients: number }> {
    const params = typeof payload === "string"
      ? { topic, message: payload }
      : { topic, data_b64: Buffer.from(payload).toString("base64") };
    const reply = await this.#call("publish", params, _publishReply);
    return { recipients: reply.recipients };
  }

  /** Receive messages on `topic` until the returned function is called. */
  async subscribe(
    topic: string,
    handler: (message: P2PMessage) => void,
  ): Promise<() => Promise<void>> {
    let set = this.#handlers.get(topic);
    const first = !set;
    if (!set) this.#handlers.set(topic, set = new Set());
    set.add(handler);
    if (first && this.#client?.connected) {
      try {
        await this.#client.request("subscribe", { topic }, { restore: `sub:${topic}` });
      } catch (error) {
        // Down right now: the topic is resubscribed when the daemon comes back.
        if (!(error instanceof IpcError && error.code === "unavailable")) {
          set.delete(handler);
          if (set.size === 0) this.#handlers.delete(topic);
          throw new HiveError(`subscribe ${topic}: ${(error as Error).message}`);
        }
      }
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      set.delete(handler);
      if (set.size > 0 || this.#handlers.get(topic) !== set) return;
      this.#handlers.delete(topic);
      if (!this.#client?.connected) return;
      await this.#client.request("unsubscribe", { topic }, { forget: `sub:${topic}` })
        .catch(() => {});
    };
  }

  /** Connected peers, optionally on one topic. */
  async peers(topic?: string): Promise<PeerInfo[]> {
    const reply = await this.#call("list_peers", topic ? { topic } : {}, _peersReply);
    return reply.peers;
  }

  /** Ask the daemon for its own status (for `/api/status`), or null while it is down. */
  async daemonStatus(): Promise<Record<string, unknown> | null> {
    if (!this.#client?.connected) return null;
    try {
      return await this.#client.request<Record<string, unknown>>("status", {}, {
        timeoutMs: 2000,
      });
    } catch {
      return null;
    }
  }

  /** Kill the supervised daemon (as a crash would); it is restarted by the supervisor. */
  killDaemon(): void {
    this.#supervisor?.kill("SIGKILL");
  }

  /** Disconnect and, when supervised, stop the daemon (SIGTERM, then SIGKILL after 3 s). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#firstUp.reject(new HiveError("host stopped before the daemon was ready"));
    this.#client?.close();
    this.#client = undefined;
    await this.#supervisor?.stop();
    this.#state = "stopped";
  }

  async #call<S extends z.ZodType>(
    type: string,
    params: Record<string, unknown>,
    schema: S,
  ): Promise<z.output<S>> {
    const client = this.#client;
    if (!client?.connected) {
      throw new HiveError(`${type}: the P2P daemon is not connected (state ${this.#state})`, {
        code: "daemon_down",
      });
    }
    let reply: unknown;
    try {
      reply = await client.request(type, params);
    } catch (error) {
      const code = error instanceof IpcError ? `ipc_${error.code}` : "failure";
      throw new HiveError(`${type}: ${(error as Error).message}`, { code });
    }
    const parsed = schema.safeParse(reply, { reportInput: true });
    if (!parsed.success) {
      throw new HiveError(`${type}: unexpected reply: ${formatIssues(parsed.error.issues)}`);
    }
    return parsed.data;
  }

  async #attach(attach: { url: string; tokenFile: string }): Promise<void> {
    const { logger } = this.#options;
    let token: string;
    try {
      token = await readTokenFile(attach.tokenFile);
    } catch (error) {
      throw new HiveError(`daemon token file ${attach.tokenFile}: ${(error as Error).message}`);
    }
    let client: IpcClient;
    try {
      client = await IpcClient.connect({ url: attach.url, token, reconnect: true, logger });
    } catch (error) {
      throw new HiveError(`daemon at ${attach.url}: ${(error as Error).message}`);
    }
    this.#client = client;
    this.#listen(client);
    client.onStatus((status) => {
      if (status === "disconnected") this.#down(null, null);
      if (status === "reconnected") {
        this.#attachedReconnects++;
        void this.#identify(client);
      }
    });
    await this.#identify(client);
  }

  async #identify(client: IpcClient): Promise<void> {
    try {
      const id = _identifyReply.parse(await client.request("identify"));
      this.#info = {
        peer_id: id.peer_id,
        addrs: id.addrs,
        ipc_url: this.#options.attach!.url,
        pid: null,
      };
      this.#up();
    } catch (error) {
      this.#options.logger.warn("daemon identify failed", { error });
    }
  }

  #supervise(): Promise<void> {
    const spawn = this.#options.spawn!;
    const { logger } = this.#options;
    const root = spawn.logLevel ? ["--log-level", spawn.logLevel] : [];
    const args = [...root, "daemon", "--json", "--data-dir", spawn.dataDir];
    for (const ma of spawn.listen) args.push("--listen", ma);
    for (const ma of spawn.bootstrap) args.push("--bootstrap", ma);
    if (!spawn.mdns) args.push("--no-mdns");
    let readyPid = 0;
    const sup = new Supervisor({
      name: "daemon",
      argv: selfArgv(...args),
      logger,
      restart: { initialMs: 250, maxMs: 8000, resetAfterMs: 15_000 },
      graceMs: 3000,
      health: {
        // The IPC server answers plain HTTP on /healthz; a daemon that never became ready fails.
        check: async (pid) => {
          if (readyPid !== pid || !this.#info) return false;
          const url = this.#info.ipc_url.replace(/^ws/, "http").replace(/\/?$/, "/healthz");
          const response = await fetch(url);
          await response.body?.cancel();
          return response.ok;
        },
        intervalMs: 2000,
        failures: 3,
        startDelayMs: 10_000,
      },
    });
    this.#supervisor = sup;
    sup.on("stdout", ({ pid, line }) => {
      if (readyPid === pid) return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        logger.debug("daemon stdout", { line });
        return;
      }
      const parsed = daemonInfoSchema.safeParse(raw, { reportInput: true });
      if (!parsed.success) {
        logger.warn("daemon ready line rejected", { issues: formatIssues(parsed.error.issues) });
        return;
      }
      readyPid = pid;
      void this.#connectTo(parsed.data, pid);
    });
    sup.on("exit", ({ code, signal, expected }) => {
      readyPid = 0;
      if (expected) return;
      if (this.#state === "starting" && this.#upSince === null) {
        this.#firstUp.reject(
          new HiveError(`hive daemon exited (code ${code}, signal ${signal}) before it was ready`),
        );
        return;
      }
      this.#down(code, signal);
    });
    return sup.start();
  }

  async #connectTo(info: DaemonInfo, pid: number): Promise<void> {
    const { logger } = this.#options;
    let client: IpcClient;
    try {
      const token = await readTokenFile(info.token_file);
      client = await IpcClient.connect({ url: info.ipc_url, token, reconnect: false, logger });
    } catch (error) {
      logger.error("cannot reach the daemon's IPC", { url: info.ipc_url, error });
      this.#supervisor?.kill("SIGKILL");
      return;
    }
    if (this.#stopped || this.#supervisor?.pid !== pid) {
      client.close();
      return;
    }
    this.#client?.close();
    this.#client = client;
    this.#info = info;
    this.#listen(client);
    for (const topic of this.#handlers.keys()) {
      await client.request("subscribe", { topic }).catch((error) =>
        logger.warn("resubscribe failed", { topic, error })
      );
    }
    this.#up();
  }

  #listen(client: IpcClient): void {
    const { bus, logger } = this.#options;
    client.on("message_received", (data) => {
      const parsed = _messageEvent.safeParse(data, { reportInput: true });
      if (!parsed.success) {
        logger.warn("bad message_received event", { issues: formatIssues(parsed.error.issues) });
        return;
      }
      for (const handler of this.#handlers.get(parsed.data.topic) ?? []) {
        try {
          handler(parsed.data);
        } catch (error) {
          logger.error("subscriber failed", { topic: parsed.data.topic, error });
        }
      }
    });
    for (const event of ["peer_connected", "peer_disconnected"] as const) {
      client.on(event, (data) => {
        const parsed = _peerEvent.safeParse(data);
        if (parsed.success) bus.publish(`p2p_${event}`, parsed.data);
      });
    }
  }

  #up(): void {
    if (this.#stopped) return;
    this.#state = "up";
    this.#upSince = Date.now();
    const restarts = this.#supervisor?.restarts ?? this.#attachedReconnects;
    this.#options.logger.info("daemon up", {
      peer_id: this.#info?.peer_id,
      ipc_url: this.#info?.ipc_url,
      restarts,
    });
    this.#options.bus.publish("daemon_up", {
      peerId: this.#info!.peer_id,
      url: this.#info!.ipc_url,
      restarts,
    });
    this.#firstUp.resolve();
  }

  #down(code: number | null, signal: string | null): void {
    if (this.#stopped || this.#state === "down") return;
    this.#state = "down";
    this.#upSince = null;
    const restarts = this.#supervisor?.restarts ?? this.#attachedReconnects;
    this.#options.logger.warn("daemon down", { code, signal, restarts });
    this.#options.bus.publish("daemon_down", { code, signal, restarts });
  }
}

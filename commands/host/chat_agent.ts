/**
 * The built-in chat agent: one gossipsub topic per room (`/hive/chat/<room>`), a bounded history
 * per room, and browser clients on a WebSocket that get every message (with the sender's peer id
 * and time), the peer list and the daemon's state as they change.
 *
 * Browser -> host frames: `{type:"send", room, text}`, `{type:"join", room}`.
 * Host -> browser frames: `hello`, `message`, `delivery`, `peers`, `rooms`, `daemon`, `error`.
 *
 * No silent loss: the sender's own messages carry a `status` (`sent`, `pending`,
 * `not_delivered`); a pending one is queued in a {@link ChatOutbox} and retried until a peer of the
 * room gets it, and its final state comes as `{type:"delivery", id, room, status, reason?}`. Each
 * message carries a random `mid` so a receiver shows a retried message once.
 *
 * @module
 */
import { formatIssues } from "../../core/errors.ts";
import { type ServerWebSocket, upgradeWebSocket } from "../../core/http/server.ts";
import { ChatOutbox, type DeliveryStatus } from "./chat_outbox.ts";
import type { Agent, AgentContext, P2PMessage, PeerInfo } from "./agent.ts";
import { chatClientFrameSchema, parseWire, rememberId, sendBodyProblem } from "./chat_wire.ts";

export { chatClientFrameSchema, chatWireSchema, MAX_TEXT } from "./chat_wire.ts";

/** Topic prefix of chat rooms. */
export const CHAT_TOPIC_PREFIX = "/hive/chat/";
/** Most rooms one host follows. */
export const MAX_ROOMS = 64;

/** One chat message as browsers see it. */
export interface ChatMessage {
  id: string;
  room: string;
  /** Sender peer id. */
  from: string;
  text: string;
  /** When the sender sent it (its clock). */
  sent_at: string;
  /** When this host got it. */
  received_at: string;
  /** True when this host sent it. */
  self: boolean;
  /** Own messages only: where the message stands (see the module doc). */
  status?: DeliveryStatus;
  /** Why a message was not delivered. */
  reason?: string;
}

/** Options for {@link createChatAgent}. */
export interface ChatAgentOptions {
  /** Rooms joined at start. */
  rooms: string[];
  /** Messages kept per room. */
  history: number;
  /** Give up on a message no peer got within this time. Default 60 s. */
  deliveryDeadlineMs?: number;
  /** Most messages waiting for a peer at once. Default 1000. */
  maxPending?: number;
  /** First retry delay of a pending message (doubles up to 1 s). Default 100 ms. */
  retryMs?: number;
  /** Longest retry delay. Default 1000 ms. */
  maxRetryMs?: number;
}

/** The chat agent plus what the host wires to its own routes. */
export interface ChatAgent extends Agent {
  /** Upgrade a browser's request to the chat WebSocket (`GET /ws/chat`). */
  upgrade(request: Request): Response;
  /** Counters for `/metrics`. */
  stats(): {
    clients: number;
    sent: number;
    received: number;
    rejected: number;
    rooms: number;
    pending: number;
    not_delivered: number;
  };
}

const _BROWSER_QUEUE_LIMIT = 1024 * 1024;
const _PEER_REFRESH_MS = 5000;

/** Create the built-in chat agent. */
export function createChatAgent(options: ChatAgentOptions): ChatAgent {
  let ctx: AgentContext | null = null;
  const rooms = new Map<string, { history: ChatMessage[]; off: () => Promise<void> }>();
  const sockets = new Set<ServerWebSocket>();
  let peers: PeerInfo[] = [];
  let localSeq = 0;
  const counters = { sent: 0, received: 0, rejected: 0, not_delivered: 0 };
  const cleanups: (() => void)[] = [];
  // Ids of recent messages, so a message retried after a lost reply is shown once.
  const seen = new Set<string>();
  let lastPeerId: string | null = null;
  // Own messages still waiting for a peer, by id (their history entry is updated in place).
  const waiting = new Map<string, ChatMessage>();

  const settle = (message: ChatMessage, status: DeliveryStatus, reason?: string) => {
    message.status = status;
    if (reason !== undefined) message.reason = reason;
    if (status === "sent") counters.sent++;
    if (status === "not_delivered") counters.not_delivered++;
    broadcast({ type: "delivery", id: message.id, room: message.room, status, reason });
  };

  const newOutbox = () =>
    new ChatOutbox({
      publish: (topic, payload) => {
        if (!ctx) return Promise.reject(new Error("chat agent is not running"));
        return ctx.p2p.publish(topic, payload);
      },
      onSettled: (entry, status, reason) => {
        const message = waiting.get(entry.key);
        waiting.delete(entry.key);
        if (message) settle(message, status, reason);
      },
      deadlineMs: options.deliveryDeadlineMs,
      maxPending: options.maxPending,
      retryMs: options.retryMs,
      maxRetryMs: options.maxRetryMs,
    });
  let outbox = newOutbox();

  const broadcast = (frame: unknown) => {
    const text = JSON.stringify(frame);
    for (const socket of sockets) _sendText(socket, text);
  };

  const remember = (message: ChatMessage) => {
    const room = rooms.get(message.room);
    if (!room) return;
    room.history.push(message);
    if (room.history.length > options.history) {
      room.history.splice(0, room.history.length - options.history);
    }
    broadcast({ type: "message", message });
  };

  const onMessage = (room: string) => (m: P2PMessage) => {
    const parsed = m.message === undefined ? null : parseWire(m.message);
    if (!parsed) {
      counters.rejected++;
      ctx?.logger.debug("chat message rejected", { room, from: m.from });
      return;
    }
    const id = parsed.mid ? `${m.from}:${parsed.mid}` : `${m.from}:${m.seqno}`;
    if (seen.has(id)) return;
    rememberId(seen, id);
    counters.received++;
    remember({
      id,
      room,
      from: m.from,
      text: parsed.text,
      sent_at: parsed.sent_at,
      received_at: m.received_at,
      self: false,
    });
  };

  const join = async (room: string) => {
    if (!ctx || rooms.has(room)) return;
    if (rooms.size >= MAX_ROOMS) throw new Error(`at most ${MAX_ROOMS} rooms`);
    const entry = { history: [] as ChatMessage[], off: () => Promise.resolve() };
    rooms.set(room, entry);
    try {
      entry.off = await ctx.p2p.subscribe(CHAT_TOPIC_PREFIX + room, onMessage(room));
    } catch (error) {
      rooms.delete(room);
      throw error;
    }
    broadcast({ type: "rooms", rooms: [...rooms.keys()] });
  };

  const send = async (room: string, text: string): Promise<ChatMessage> => {
    if (!ctx) throw new Error("chat agent is not running");
    if (!rooms.has(room)) await join(room);
    const sent_at = new Date().toISOString();
    const mid = `${Date.now().toString(36)}-${++localSeq}-${crypto.randomUUID().slice(0, 8)}`;
    lastPeerId = ctx.p2p.peerId() ?? lastPeerId;
    const from = lastPeerId ?? "unknown";
    const message: ChatMessage = {
      id: `${from}:${mid}`,
      room,
      from,
      text,
      sent_at,
      received_at: sent_at,
      self: true,
      status: "pending",
    };
    // Registered before the publish: a quick outcome finds it.
    waiting.set(message.id, message);
    const outcome = await outbox.submit({
      key: message.id,
      topic: CHAT_TOPIC_PREFIX + room,
      payload: JSON.stringify({ v: 1, text, sent_at, mid }),
    });
    if (outcome.status !== "pending") {
      waiting.delete(message.id);
      message.status = outcome.status;
      if (outcome.reason !== undefined) message.reason = outcome.reason;
      if (outcome.status === "sent") counters.sent++;
      else counters.not_delivered++;
    }
    // gossipsub does not echo our own messages back, so record them here. The history keeps
    // this object: a later delivery updates it, so a fresh page's hello shows the outcome.
    remember(message);
    return { ...message };
  };

  let refreshing = false;
  const refreshPeers = async () => {
    if (!ctx || refreshing) return;
    refreshing = true;
    try {
      peers = await ctx.p2p.peers();
      broadcast({ type: "peers", peers });
    } catch {
      // Daemon down: the list is refreshed when it is back.
    } finally {
      refreshing = false;
    }
  };

  const hello = () => ({
    type: "hello",
    peer_id: ctx?.p2p.peerId() ?? null,
    daemon: ctx?.p2p.peerId() ? "up" : "down",
    rooms: [...rooms.keys()],
    history: Object.fromEntries([...rooms].map(([name, r]) => [name, r.history])),
    peers,
  });

  const onFrame = async (socket: ServerWebSocket, data: unknown) => {
    let raw: unknown;
    try {
      raw = typeof data === "string" ? JSON.parse(data) : undefined;
    } catch {
      raw = undefined;
    }
    const frame = chatClientFrameSchema.safeParse(raw, { reportInput: true });
    if (!frame.success) {
      _sendText(
        socket,
        JSON.stringify({ type: "error", message: formatIssues(frame.error.issues).join("; ") }),
      );
      return;
    }
    try {
      if (frame.data.type === "join") await join(frame.data.room);
      else await send(frame.data.room, frame.data.text);
    } catch (error) {
      _sendText(socket, JSON.stringify({ type: "error", message: (error as Error).message }));
    }
  };

  const agent: ChatAgent = {
    name: "chat",
    async start(context) {
      ctx = context;
      for (const room of options.rooms) await join(room);
      cleanups.push(
        context.bus.on("p2p_peer_*", () => {
          outbox.kick();
          void refreshPeers();
        }),
        context.bus.on("daemon_up", (p) => {
          broadcast({ type: "daemon", state: "up", peer_id: (p as { peerId: string }).peerId });
          outbox.kick();
          void refreshPeers();
        }),
        context.bus.on("daemon_down", () => broadcast({ type: "daemon", state: "down" })),
      );
      const timer = setInterval(() => void refreshPeers(), _PEER_REFRESH_MS);
      cleanups.push(() => clearInterval(timer));
      context.http.get("/ws", (c) => agent.upgrade(c.req.raw));
      context.http.get("/rooms", async (c) => {
        const list = [];
        for (const [name, room] of rooms) {
          // Peers subscribed to the room's topic; empty while the daemon is down.
          const members = await context.p2p.peers(CHAT_TOPIC_PREFIX + name).catch(() => []);
          list.push({ name, peers: members.map((p) => p.peer_id), messages: room.history });
        }
        return c.json({ peer_id: context.p2p.peerId(), rooms: list, peers });
      });
      context.http.post("/send", async (c) => {
        const body = await c.req.json().catch(() => undefined);
        const refusal = sendBodyProblem(body);
        if (refusal) return c.json({ error: { code: "bad_request", message: refusal } }, 400);
        const frame = chatClientFrameSchema.safeParse(
          { ...(body as object), type: "send" },
          { reportInput: true },
        );
        if (!frame.success || frame.data.type !== "send") {
          const issues = frame.success
            ? ["expected a send request"]
            : formatIssues(frame.error.issues);
          return c.json({ error: { code: "bad_request", message: issues.join("; ") } }, 400);
        }
        try {
          const message = await send(frame.data.room, frame.data.text);
          // 202 while a peer is awaited (the outcome follows on /ws/chat); 200 once decided.
          return c.json(message, message.status === "pending" ? 202 : 200);
        } catch (error) {
          return c.json({ error: { code: "unavailable", message: (error as Error).message } }, 503);
        }
      });
      await refreshPeers();
    },
    async stop() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      // Pending messages are reported as not delivered while browsers still listen.
      outbox.close();
      outbox = newOutbox();
      for (const socket of sockets) {
        try {
          socket.close(1001, "chat agent stopped");
        } catch { /* already closed */ }
      }
      sockets.clear();
      for (const room of rooms.values()) await room.off().catch(() => {});
      rooms.clear();
      ctx = null;
    },
    upgrade(request) {
      if (!ctx) return new Response("chat agent is not running\n", { status: 503 });
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("expected a WebSocket upgrade\n", { status: 426 });
      }
      // A chat frame is at most ~8 KB (MAX_TEXT characters of JSON): anything far larger is
      // refused from its frame header, before it is buffered.
      const { socket, response } = upgradeWebSocket(request, {
        idleTimeout: 60,
        maxMessageBytes: 64 * 1024,
      });
      socket.onopen = () => {
        sockets.add(socket);
        _sendText(socket, JSON.stringify(hello()));
      };
      socket.onmessage = (event) => void onFrame(socket, event.data);
      socket.onclose = () => sockets.delete(socket);
      socket.onerror = () => sockets.delete(socket);
      return response;
    },
    stats: () => ({
      clients: sockets.size,
      rooms: rooms.size,
      pending: outbox.pending,
      ...counters,
    }),
  };
  return agent;
}

function _sendText(socket: ServerWebSocket, text: string): void {
  // A browser that stops reading must not make the host buffer without bound.
  if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > _BROWSER_QUEUE_LIMIT) return;
  socket.send(text);
}

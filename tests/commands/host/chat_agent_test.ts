/**
 * The chat agent against an in-memory P2P facade that records every publish: exact delivery
 * counts (a dropped message is noticed), the outbox for `recipients: 0` and a daemon that is away
 * (pending, retried, then sent or reported not delivered), dedup of retried messages on the
 * receiving side, and the WebSocket shape (`message` with `status`, then `delivery`).
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { Hono } from "hono";
import type { AgentContext, P2PFacade, P2PMessage } from "../../../commands/host/agent.ts";
import {
  CHAT_TOPIC_PREFIX,
  type ChatAgent,
  type ChatMessage,
  createChatAgent,
} from "../../../commands/host/chat_agent.ts";
import { Bus } from "../../../core/bus.ts";
import { HiveError } from "../../../core/errors.ts";
import { serveHttp } from "../../../core/http/server.ts";
import { createLogger } from "../../../core/logger.ts";
import { deadline, waitFor } from "../../_helpers.ts";

const PEER = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN";

/** A facade that records publishes; `recipients` and `down` say how the network behaves now. */
class FakeP2P implements P2PFacade {
  published: { topic: string; payload: string }[] = [];
  attempts = 0;
  recipients = 1;
  down = false;
  handlers = new Map<string, (m: P2PMessage) => void>();
  peerId = () => (this.down ? null : PEER);
  publish = (topic: string, payload: string | Uint8Array) => {
    this.attempts++;
    if (this.down) {
      return Promise.reject(new HiveError("daemon is down (test)", { code: "daemon_down" }));
    }
    if (this.recipients > 0) this.published.push({ topic, payload: String(payload) });
    return Promise.resolve({ recipients: this.recipients });
  };
  subscribe = (topic: string, handler: (m: P2PMessage) => void) => {
    this.handlers.set(topic, handler);
    return Promise.resolve(() => Promise.resolve());
  };
  peers = () => Promise.resolve([]);
  /** Texts that actually left (published to at least one peer), in order. */
  texts(): string[] {
    return this.published.map((p) => JSON.parse(p.payload).text);
  }
}

async function _start(
  options: { deliveryDeadlineMs?: number; retryMs?: number; maxRetryMs?: number } = {},
) {
  const p2p = new FakeP2P();
  const bus = new Bus();
  const http = new Hono();
  const agent = createChatAgent({ rooms: ["general"], history: 500, ...options });
  const ctx: AgentContext = {
    name: "chat",
    bus,
    logger: createLogger({ level: "error", sinks: [] }),
    p2p,
    http,
    signal: new AbortController().signal,
  };
  await agent.start(ctx);
  const post = (body: unknown) =>
    http.request("/send", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const history = async (): Promise<ChatMessage[]> => {
    const rooms = await (await http.request("/rooms")).json();
    return rooms.rooms.find((r: { name: string }) => r.name === "general").messages;
  };
  return { p2p, bus, agent, post, history };
}

Deno.test("chat agent: every one of 200 sends is published exactly once, in order", async () => {
  const { p2p, agent, post, history } = await _start();
  try {
    const sent = Array.from({ length: 200 }, (_, i) => `msg ${i}`);
    for (const text of sent) {
      const res = await post({ room: "general", text });
      equal(res.status, 200);
      equal((await res.json()).status, "sent");
    }
    // Exact counts: one dropped or doubled message fails here.
    deepEqual(p2p.texts(), sent);
    equal(p2p.attempts, 200);
    equal(agent.stats().sent, 200);
    const own = (await history()).filter((m) => m.self);
    deepEqual(own.map((m) => m.text), sent);
    ok(own.every((m) => m.status === "sent"));
    equal(new Set(own.map((m) => m.id)).size, 200, "ids are unique");
    for (const p of p2p.published) {
      equal(p.topic, `${CHAT_TOPIC_PREFIX}general`);
      match(JSON.parse(p.payload).mid, /^[\w-]{1,64}$/);
    }
  } finally {
    await agent.stop();
  }
});

Deno.test("chat agent: recipients 0 is pending, retried in order, then sent", async () => {
  const { p2p, bus, agent, post, history } = await _start();
  try {
    p2p.recipients = 0;
    const first = await post({ room: "general", text: "one" });
    equal(first.status, 202);
    equal((await first.json()).status, "pending");
    // Later messages queue behind the pending one (the room never sees them out of order).
    equal((await post({ room: "general", text: "two" })).status, 202);
    ok(await waitFor(() => p2p.attempts >= 3, 5000), "retries happen");
    deepEqual(p2p.texts(), []);
    equal(agent.stats().pending, 2);
    p2p.recipients = 1;
    bus.publish("daemon_up", { peerId: PEER, url: "ws://127.0.0.1:1/", restarts: 1 });
    ok(await waitFor(() => p2p.published.length === 2, 5000), "queued messages go out");
    deepEqual(p2p.texts(), ["one", "two"]);
    equal(agent.stats().pending, 0);
    equal(agent.stats().sent, 2);
    deepEqual((await history()).map((m) => m.status), ["sent", "sent"]);
  } finally {
    await agent.stop();
  }
});

Deno.test("chat agent: a message sent while others wait goes out after them, not before", async () => {
  const { p2p, bus, agent, post } = await _start({ retryMs: 60_000, maxRetryMs: 60_000 });
  try {
    p2p.recipients = 0;
    equal((await post({ room: "general", text: "first" })).status, 202);
    // The network is back, but "first" has not been retried yet: "second" must wait behind it.
    p2p.recipients = 1;
    const second = await post({ room: "general", text: "second" });
    equal(second.status, 202);
    deepEqual(p2p.texts(), []);
    bus.publish("daemon_up", { peerId: PEER, url: "ws://127.0.0.1:1/", restarts: 1 });
    ok(await waitFor(() => p2p.published.length === 2, 5000), "both go out");
    deepEqual(p2p.texts(), ["first", "second"]);
  } finally {
    await agent.stop();
  }
});

for (const event of ["daemon_up", "p2p_peer_connected"] as const) {
  Deno.test(`chat agent: ${event} retries pending messages at once, not at the next timer`, async () => {
    // Retries by timer are an hour away: only the event can send the message in time.
    const { p2p, bus, agent, post } = await _start({ retryMs: 3_600_000, maxRetryMs: 3_600_000 });
    try {
      p2p.recipients = 0;
      equal((await post({ room: "general", text: "waiting" })).status, 202);
      p2p.recipients = 1;
      if (event === "daemon_up") {
        bus.publish(event, { peerId: PEER, url: "ws://127.0.0.1:1/", restarts: 1 });
      } else bus.publish(event, { peer_id: "other", addr: "/ip4/127.0.0.1/tcp/1" });
      ok(await waitFor(() => agent.stats().sent === 1, 5000), `sent after ${event}`);
      deepEqual(p2p.texts(), ["waiting"]);
    } finally {
      await agent.stop();
    }
  });
}

Deno.test("chat agent: a daemon that is away queues; a deadline reports not delivered", async () => {
  const { p2p, agent, post, history } = await _start({ deliveryDeadlineMs: 400 });
  try {
    p2p.down = true;
    equal((await post({ room: "general", text: "lost cause" })).status, 202);
    ok(await waitFor(() => agent.stats().not_delivered === 1, 5000), "reported not delivered");
    const [message] = await history();
    equal(message.status, "not_delivered");
    match(message.reason!, /^no peer in the room within 400 ms$/);
    ok(p2p.attempts >= 2, `retried (${p2p.attempts} attempts)`);
    deepEqual(p2p.texts(), []);
    equal(agent.stats().sent, 0);
  } finally {
    await agent.stop();
  }
});

Deno.test("chat agent: stopping reports pending messages as not delivered", async () => {
  const { p2p, agent, post } = await _start();
  p2p.recipients = 0;
  equal((await post({ room: "general", text: "bye" })).status, 202);
  equal(agent.stats().pending, 1);
  await agent.stop();
  equal(agent.stats().not_delivered, 1);
  equal(agent.stats().pending, 0);
});

Deno.test("chat agent: a message received twice (a retry) is shown once", async () => {
  const { p2p, agent, history } = await _start();
  try {
    const handler = p2p.handlers.get(`${CHAT_TOPIC_PREFIX}general`)!;
    const payload = JSON.stringify({
      v: 1,
      text: "hello",
      sent_at: new Date().toISOString(),
      mid: "abc-1",
    });
    for (const seqno of ["1", "2"]) {
      handler({
        topic: `${CHAT_TOPIC_PREFIX}general`,
        from: "other",
        seqno,
        message: payload,
        received_at: new Date().toISOString(),
      });
    }
    const messages = await history();
    equal(messages.length, 1);
    equal(messages[0].id, "other:abc-1");
    equal(agent.stats().received, 1);
  } finally {
    await agent.stop();
  }
});

Deno.test("chat agent: POST /send with a wrong type or shape says which field and value", async () => {
  const { agent, post } = await _start();
  try {
    const join = await post({ type: "join", room: "general", text: "x" });
    equal(join.status, 400);
    equal((await join.json()).error.message, 'type: expected "send" or nothing, got "join"');
    const number = await post({ type: 7, room: "general", text: "x" });
    match((await number.json()).error.message, /^type: expected "send" or nothing, got 7$/);
    const list = await post(["x"]);
    match((await list.json()).error.message, /expected a JSON object \{room, text\}, got \["x"\]/);
    const text = await post({ room: "general", text: 5 });
    match((await text.json()).error.message, /^text: expected string, got 5/);
  } finally {
    await agent.stop();
  }
});

/** A WebSocket to `url` that collects JSON frames; every wait has a deadline. */
async function _socket(url: string) {
  const socket = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  socket.onmessage = (e) => frames.push(JSON.parse(e.data as string));
  await deadline(
    new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error("chat socket failed"));
    }),
    5000,
    "chat socket open",
  );
  const until = async (what: string, test: (f: Record<string, unknown>) => boolean) => {
    ok(await waitFor(() => frames.some(test), 5000), `no ${what} frame in ${frames.length}`);
    return frames.find(test)!;
  };
  return { socket, frames, until };
}

async function _serve(agent: ChatAgent) {
  return await serveHttp({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => agent.upgrade(request),
  });
}

Deno.test("chat agent: the WebSocket shows pending, then the delivery outcome", async () => {
  const { p2p, bus, agent } = await _start();
  const server = await _serve(agent);
  const { socket, until } = await _socket(`ws://127.0.0.1:${server.port}/ws/chat`);
  try {
    await until("hello", (f) => f.type === "hello");
    p2p.recipients = 0;
    socket.send(JSON.stringify({ type: "send", room: "general", text: "wait for it" }));
    const pending = await until("message", (f) => f.type === "message");
    const message = pending.message as ChatMessage;
    equal(message.status, "pending");
    equal(message.self, true);
    p2p.recipients = 1;
    bus.publish("p2p_peer_connected", { peer_id: "other" });
    const delivery = await until("delivery", (f) => f.type === "delivery");
    deepEqual(
      { id: delivery.id, room: delivery.room, status: delivery.status },
      { id: message.id, room: "general", status: "sent" },
    );
    deepEqual(p2p.texts(), ["wait for it"]);
  } finally {
    socket.close();
    await agent.stop();
    await server.shutdown();
  }
});

Deno.test("chat agent: a WebSocket frame over 64 KiB closes the socket with 1009", async () => {
  const { agent } = await _start();
  const server = await _serve(agent);
  const { socket, until } = await _socket(`ws://127.0.0.1:${server.port}/ws/chat`);
  try {
    await until("hello", (f) => f.type === "hello");
    const closed = new Promise<number>((resolve) => socket.onclose = (e) => resolve(e.code));
    socket.send("x".repeat(65 * 1024));
    equal(await deadline(closed, 5000, "close after an oversized frame"), 1009);
  } finally {
    await agent.stop();
    await server.shutdown();
  }
});

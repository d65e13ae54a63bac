/**
 * No silent loss across daemon crashes (issue 9, item 2): two `hive host` processes on loopback;
 * a client sends 20 chat messages a second to host A while A's daemon is killed with SIGKILL
 * twice: 3 s after the start, and 2 s after the first restart is up; sending goes on for 2 s after
 * the second restart is up (the old bug lost the first messages after each kill). Every message
 * must be accounted for: received by host B, or reported to the sender as not delivered. A
 * message A called "sent" that B never got fails the test, and so does one still pending when the
 * run is over.
 */
import { equal, ok } from "@std/assert";
import { deadline } from "../_helpers.ts";
import {
  eventually,
  freePort,
  getJson,
  type HostProcess,
  removeTestRoot,
  startHostProcess,
} from "./host_helpers.ts";

const RATE = 20;
/** The first kill, once messages flow. */
const FIRST_KILL_S = 3;
/** Sending goes on this long after each restart is up (then the next kill, or the end). */
const AFTER_UP_S = 2;
/** Deadline for both kills and both restarts; the run fails if they do not fit. */
const MAX_SEND_S = 45;
const KILLS = 2;

interface _Frame {
  type: string;
  message?: { id: string; text: string; self: boolean; status?: string; reason?: string };
  id?: string;
  status?: string;
  reason?: string;
}

/** A chat WebSocket that keeps every frame. */
async function _chat(url: string) {
  const socket = new WebSocket(url.replace(/^http/, "ws") + "ws/chat");
  const frames: _Frame[] = [];
  socket.onmessage = (e) => frames.push(JSON.parse(e.data as string));
  await deadline(
    new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`chat socket to ${url} failed`));
    }),
    10_000,
    `chat socket to ${url}`,
  );
  return { socket, frames };
}

function _roomPeer(host: HostProcess, peer: string): Promise<true> {
  return eventually(`${host.ready.peer_id} to see ${peer} in #general`, async () => {
    const rooms = await getJson<{ rooms: { name: string; peers: string[] }[] }>(
      `${host.ready.url}agents/chat/rooms`,
    );
    return rooms.rooms.find((r) => r.name === "general")?.peers.includes(peer) ? true : undefined;
  }, 60_000);
}

async function _daemon(host: HostProcess) {
  const s = await getJson<{ daemon: { state: string; restarts: number; pid: number } }>(
    `${host.ready.url}api/status`,
  );
  return s.daemon;
}

Deno.test("e2e host: 20 msgs/s through two kill -9 of the sender's daemon; every message is accounted for", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-e2e-outage-" });
  const hosts: HostProcess[] = [];
  const sockets: WebSocket[] = [];
  try {
    const b = await startHostProcess({
      dataDir: `${root}/b`,
      listen: `/ip4/127.0.0.1/tcp/${freePort()}`,
    });
    hosts.push(b);
    const bAddr = b.ready.addrs.find((a) => a.startsWith("/ip4/127.0.0.1/tcp/"))!;
    const a = await startHostProcess({ dataDir: `${root}/a`, args: ["--bootstrap", bAddr] });
    hosts.push(a);
    await _roomPeer(a, b.ready.peer_id);
    await _roomPeer(b, a.ready.peer_id);
    const chatA = await _chat(a.ready.url);
    const chatB = await _chat(b.ready.url);
    sockets.push(chatA.socket, chatB.socket);

    // Send at a fixed rate. Kill A's daemon once messages flow, then again once the first
    // restart has been up for AFTER_UP_S (so each kill hits a running daemon and messages flowed
    // after each restart); stop AFTER_UP_S after the second restart is up.
    const texts: string[] = [];
    const kills: number[] = [];
    const upAt: number[] = []; // when each restart was first seen up
    const started = Date.now();
    for (let i = 0; i < RATE * MAX_SEND_S; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = Date.now();
      if (upAt.length === KILLS && now - upAt[KILLS - 1] >= AFTER_UP_S * 1000) break;
      if (upAt.length < kills.length) {
        const daemon = await _daemon(a);
        if (daemon.state === "up" && daemon.restarts === kills.length) upAt.push(Date.now());
      } else if (
        kills.length < KILLS &&
        (kills.length === 0
          ? now - started >= FIRST_KILL_S * 1000
          : now - upAt[kills.length - 1] >= AFTER_UP_S * 1000)
      ) {
        const daemon = await _daemon(a);
        if (daemon.state === "up" && daemon.restarts === kills.length) {
          Deno.kill(daemon.pid, "SIGKILL");
          kills.push(i);
        }
      }
      const text = `outage ${String(i).padStart(4, "0")}`;
      texts.push(text);
      chatA.socket.send(JSON.stringify({ type: "send", room: "general", text }));
    }
    equal(kills.length, KILLS, `both kills happened within ${MAX_SEND_S} s`);
    equal(upAt.length, KILLS, `both restarts were up within ${MAX_SEND_S} s`);
    const total = texts.length;
    const sendS = (Date.now() - started) / 1000;

    // Every own message reaches a final state: sent, or not delivered (the outbox gives up
    // after 60 s).
    const outcome = new Map<string, { status: string; reason?: string; first: string }>();
    const settle = () => {
      const byId = new Map<string, string>();
      for (const f of chatA.frames) {
        if (f.type === "message" && f.message?.self) {
          byId.set(f.message.id, f.message.text);
          if (!outcome.has(f.message.text)) {
            outcome.set(f.message.text, {
              status: f.message.status ?? "none",
              reason: f.message.reason,
              first: f.message.status ?? "none",
            });
          }
        } else if (f.type === "delivery" && f.id && byId.has(f.id)) {
          const entry = outcome.get(byId.get(f.id)!)!;
          entry.status = f.status!;
          entry.reason = f.reason;
        }
      }
      return [...outcome.values()].filter((o) => o.status === "pending").length;
    };
    await eventually("every message settled", () => {
      settle();
      return Promise.resolve(
        outcome.size === total && settle() === 0 ? true : undefined,
      );
    }, 90_000);

    // What B received (give the last ones a moment to arrive).
    const receivedBy = () => {
      const got = new Map<string, number>();
      for (const f of chatB.frames) {
        if (f.type === "message" && f.message && !f.message.self) {
          got.set(f.message.text, (got.get(f.message.text) ?? 0) + 1);
        }
      }
      return got;
    };
    const sentTexts = texts.filter((t) => outcome.get(t)?.status === "sent");
    await eventually("B to receive every sent message", () => {
      const got = receivedBy();
      return Promise.resolve(sentTexts.every((t) => got.has(t)) ? true : undefined);
    }, 20_000).catch(() => {});
    const got = receivedBy();

    const unaccounted = texts.filter((t) =>
      !got.has(t) && outcome.get(t)?.status !== "not_delivered"
    );
    const counts = {
      total,
      sent_at_once: texts.filter((t) => outcome.get(t)?.first === "sent").length,
      pending_then_sent: texts.filter((t) =>
        outcome.get(t)?.first === "pending" && outcome.get(t)?.status === "sent"
      ).length,
      not_delivered: texts.filter((t) =>
        outcome.get(t)?.status === "not_delivered"
      ).length,
      received_by_b: texts.filter((t) => got.has(t)).length,
      duplicates_at_b: [...got.values()].filter((n) => n > 1).length,
      kills_at_message: kills,
      send_s: sendS,
    };
    console.log(`outage accounting: ${JSON.stringify(counts)}`);
    equal(unaccounted.length, 0, `unaccounted: ${unaccounted.slice(0, 20).join(", ")}`);
    equal(counts.duplicates_at_b, 0, "a retried message is shown once");
    // The crashes really made messages wait (otherwise this test proves nothing).
    ok(counts.pending_then_sent + counts.not_delivered > 0, JSON.stringify(counts));
  } finally {
    for (const socket of sockets) socket.close();
    const codes = [];
    for (const host of hosts.reverse()) {
      codes.push(await deadline(host.stop("SIGTERM"), 30_000, "host to stop on SIGTERM"));
    }
    const left = await removeTestRoot(root);
    equal(left.length, 0, `leftover processes: ${left}`);
    for (const code of codes) equal(code, 0);
  }
});

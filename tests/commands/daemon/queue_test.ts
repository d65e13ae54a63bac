/**
 * A client that stops reading does not grow the daemon's memory: once its queue passes
 * `daemon.queue_bytes`, events for it are dropped and counted in `status.queue_drops`, while a
 * well-behaved client on the same daemon keeps being served.
 */
import { equal, ok } from "@std/assert";
import { IpcClient } from "../../../core/ipc/mod.ts";
import { readTokenFile } from "../../../core/ipc/token.ts";
import { type DaemonChild, startDaemon } from "./_daemon.ts";

const _enc = new TextEncoder();

/** A masked client text frame (RFC 6455 5.2), small enough for a 16-bit length. */
function _frame(text: string): Uint8Array {
  const payload = _enc.encode(text);
  const head = payload.length < 126 ? [0x81, 0x80 | payload.length] : [
    0x81,
    0x80 | 126,
    payload.length >> 8,
    payload.length & 0xff,
  ];
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const out = new Uint8Array(head.length + 4 + payload.length);
  out.set(head);
  out.set(mask, head.length);
  for (let i = 0; i < payload.length; i++) out[head.length + 4 + i] = payload[i] ^ mask[i % 4];
  return out;
}

/** Open a WebSocket by hand, subscribe, and then never read again. */
async function _stuckSubscriber(url: string, token: string, topic: string): Promise<Deno.Conn> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const request = `GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
    `Sec-WebSocket-Version: 13\r\nAuthorization: Bearer ${token}\r\n\r\n`;
  await conn.write(_enc.encode(request));
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  const head = new TextDecoder().decode(buf.subarray(0, n ?? 0));
  if (!head.startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${head}`);
  await conn.write(_frame(JSON.stringify({ v: 1, id: 1, type: "subscribe", topic })));
  return conn;
}

Deno.test("a client that stops reading gets drops counted; the daemon keeps serving", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-daemon-queue-" });
  let a: DaemonChild | undefined;
  let b: DaemonChild | undefined;
  let stuck: Deno.Conn | undefined;
  const clients: IpcClient[] = [];
  try {
    const config = `${root}/config.yaml`;
    await Deno.writeTextFile(config, "daemon:\n  queue_bytes: 262144\n");
    a = await startDaemon({ dataDir: `${root}/a` });
    b = await startDaemon({
      dataDir: `${root}/b`,
      args: ["--bootstrap", a.info.addrs[0]],
      config,
    });
    const connect = async (d: DaemonChild) => {
      const c = await IpcClient.connect({
        url: d.info.ipc_url,
        token: await readTokenFile(d.info.token_file),
        requestTimeoutMs: 30_000,
      });
      clients.push(c);
      return c;
    };
    const ca = await connect(a);
    const cb = await connect(b);
    stuck = await _stuckSubscriber(b.info.ipc_url, await readTokenFile(b.info.token_file), "flood");
    const seen: string[] = [];
    cb.on("message_received", (data) => {
      const m = (data as { message: string }).message;
      if (m.length < 100) seen.push(m);
    });
    await cb.request("subscribe", { topic: "flood" });
    const deadline = Date.now() + 20_000;
    while (
      (await ca.request<{ peers: unknown[] }>("list_peers", { topic: "flood" })).peers
        .length < 1
    ) {
      if (Date.now() > deadline) throw new Error("B's subscription never reached A");
      await new Promise((r) => setTimeout(r, 50));
    }
    // 300 x 48 KiB = ~14 MiB: far beyond the kernel's socket buffers plus the 256 KiB queue.
    const message = "x".repeat(48 * 1024);
    const COUNT = 300;
    for (let i = 0; i < COUNT; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, () => ca.request("publish", { topic: "flood", message })),
      );
    }
    // After the flood the reading client is served as before.
    const until = Date.now() + 20_000;
    while (!seen.includes("after the flood") && Date.now() < until) {
      await ca.request("publish", { topic: "flood", message: "after the flood" });
      await new Promise((r) => setTimeout(r, 200));
    }
    ok(seen.includes("after the flood"), "the reading client still gets messages");
    const status = await cb.request<{ queue_drops: number; clients: number }>("status");
    equal(status.clients, 2);
    ok(status.queue_drops > 0, `expected drops, got ${status.queue_drops}`);
  } finally {
    stuck?.close();
    for (const c of clients) c.close();
    await b?.stop();
    await a?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

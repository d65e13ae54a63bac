/**
 * Memory of a server under 8 concurrent senders of 60 MiB: WebSocket frames and HTTP bodies,
 * against `Deno.serve` + `Deno.upgradeWebSocket` with the size checked after receipt (what the
 * daemon's IPC and host's `/ws/chat` did) and against `serveHttp` from core/http (limits checked
 * before buffering). Prints the server's idle RSS and its peak RSS (VmHWM) for each case.
 *
 * A measurement script, not a `deno bench` file (it times nothing):
 * ```sh
 * deno run -A tests/bench/core_http_rss.ts            # every case, 8 senders
 * SENDERS=64 deno run -A tests/bench/core_http_rss.ts core-ws   # one case, more senders
 * ```
 * Traffic goes to 127.0.0.1 only; every sender stops after its 60 MiB, the whole run after 60 s.
 *
 * @module
 */
import { serveHttp, upgradeWebSocket } from "../../core/http/server.ts";

const MiB = 1024 * 1024;
const SENDERS = Number(Deno.env.get("SENDERS") ?? 8);
const SIZE = 60 * MiB;
const LIMIT = MiB;

type Mode = "deno-ws" | "core-ws" | "deno-body" | "core-body";

async function _server(mode: Mode): Promise<void> {
  const handler = async (request: Request): Promise<Response> => {
    if (mode === "deno-ws" || mode === "core-ws") {
      const { socket, response } = mode === "deno-ws"
        ? Deno.upgradeWebSocket(request)
        : upgradeWebSocket(request);
      socket.onmessage = (event: MessageEvent) => {
        const size = typeof event.data === "string"
          ? event.data.length
          : (event.data as ArrayBuffer).byteLength;
        // The check today's IPC server makes, after the frame is in memory.
        if (size > LIMIT) socket.close(1009, "too big");
      };
      socket.onerror = () => {};
      return response;
    }
    // What Hono's c.req.json()/text() does: read the whole body.
    const text = await request.text().catch(() => "");
    return new Response(`${text.length}\n`);
  };
  let port: number;
  if (mode.startsWith("deno")) {
    const ready = Promise.withResolvers<number>();
    Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: (a) => ready.resolve(a.port),
    }, handler);
    port = await ready.promise;
  } else {
    const server = await serveHttp({
      port: 0,
      fetch: handler,
      limits: { maxBodyBytes: LIMIT, maxMessageBytes: LIMIT },
    });
    port = server.port;
  }
  console.log(JSON.stringify({ port }));
  await new Promise(() => {});
}

function _rss(pid: number): { rss: number; hwm: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

async function _send(port: number, mode: Mode, chunked: boolean): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const enc = new TextEncoder();
  try {
    if (mode.endsWith("ws")) {
      await conn.write(enc.encode(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ));
      await conn.read(new Uint8Array(4096));
      // Binary frame, masked with a zero key (the payload goes out as is), 64-bit length.
      const head = new Uint8Array(14);
      head[0] = 0x82;
      head[1] = 0x80 | 127;
      new DataView(head.buffer).setBigUint64(2, BigInt(SIZE));
      await conn.write(head);
    } else {
      const te = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${SIZE}`;
      await conn.write(enc.encode(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${te}\r\n\r\n`));
    }
    const block = new Uint8Array(MiB).fill(0x61);
    for (let sent = 0; sent < SIZE; sent += MiB) {
      if (chunked && !mode.endsWith("ws")) {
        // 64 KiB chunks: hyper (under Deno.serve) refuses a 1 MiB chunk as an invalid request.
        for (let at = 0; at < MiB; at += 64 * 1024) {
          await conn.write(enc.encode(`${(64 * 1024).toString(16)}\r\n`));
          await conn.write(block.subarray(at, at + 64 * 1024));
          await conn.write(enc.encode("\r\n"));
        }
      } else await conn.write(block);
    }
    if (chunked && !mode.endsWith("ws")) await conn.write(enc.encode("0\r\n\r\n"));
    await conn.read(new Uint8Array(4096));
  } catch {
    // The server refused early and closed: that is the point.
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

async function _measure(mode: Mode, chunked = false): Promise<Record<string, unknown>> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--server", mode],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const { value } = await reader.read();
    const { port } = JSON.parse(value!.split("\n")[0]);
    await new Promise((r) => setTimeout(r, 300));
    const idle = _rss(child.pid);
    const started = Date.now();
    await Promise.race([
      Promise.all(Array.from({ length: SENDERS }, () => _send(port, mode, chunked))),
      new Promise((r) => setTimeout(r, 60_000)),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const after = _rss(child.pid);
    return {
      case: `${mode}${chunked ? " (chunked)" : ""}`,
      senders: SENDERS,
      idle_rss_mb: Math.round(idle.rss / MiB),
      peak_rss_mb: Math.round(after.hwm / MiB),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--server");
  if (at >= 0) await _server(Deno.args[at + 1] as Mode);
  else {
    const only = Deno.args[0];
    const cases: [Mode, boolean][] = [
      ["deno-ws", false],
      ["core-ws", false],
      ["deno-body", false],
      ["core-body", false],
      ["deno-body", true],
      ["core-body", true],
    ];
    for (const [mode, chunked] of cases) {
      if (only && only !== mode) continue;
      console.log(JSON.stringify(await _measure(mode, chunked)));
    }
  }
}

/**
 * What the limits-before-buffering server costs per WebSocket round trip: a 200-byte JSON frame
 * echoed by `serveHttp` + `upgradeWebSocket` (npm `ws` on `node:http`) against the baseline
 * `Deno.serve` + `Deno.upgradeWebSocket`, with Deno's own WebSocket client (as the IPC client),
 * and one HTTP GET through each. Loopback only.
 *
 * ```sh
 * deno bench -A tests/bench/core_http_ws_bench.ts
 * ```
 *
 * @module
 */
import { serveHttp, upgradeWebSocket } from "../../core/http/server.ts";

const FRAME = JSON.stringify({ v: 1, id: 1, type: "publish", data: "x".repeat(150) });

function _echo(socket: { onmessage: ((e: MessageEvent) => void) | null; send(d: string): void }) {
  socket.onmessage = (event) => socket.send(event.data as string);
}

const denoReady = Promise.withResolvers<number>();
const deno = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: (a) => denoReady.resolve(a.port),
}, (request) => {
  if (request.headers.get("upgrade") !== "websocket") return new Response("ok");
  const { socket, response } = Deno.upgradeWebSocket(request);
  _echo(socket);
  return response;
});
const denoPort = await denoReady.promise;
const core = await serveHttp({
  port: 0,
  fetch: (request) => {
    if (request.headers.get("upgrade") !== "websocket") return new Response("ok");
    const { socket, response } = upgradeWebSocket(request);
    _echo(socket);
    return response;
  },
});

async function _client(port: number): Promise<(text: string) => Promise<void>> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let waiting: (() => void) | null = null;
  socket.onmessage = () => waiting?.();
  return (text) =>
    new Promise<void>((resolve) => {
      waiting = resolve;
      socket.send(text);
    });
}

const viaDeno = await _client(denoPort);
const viaCore = await _client(core.port);

Deno.bench(
  "ws round trip, Deno.upgradeWebSocket (baseline)",
  { group: "ws", baseline: true },
  async () => {
    await viaDeno(FRAME);
  },
);
Deno.bench("ws round trip, core/http serveHttp", { group: "ws" }, async () => {
  await viaCore(FRAME);
});
Deno.bench("GET, Deno.serve (baseline)", { group: "get", baseline: true }, async () => {
  await (await fetch(`http://127.0.0.1:${denoPort}/`)).text();
});
Deno.bench("GET, core/http serveHttp", { group: "get" }, async () => {
  await (await fetch(`${core.origin}/`)).text();
});

globalThis.addEventListener("unload", () => {
  void deno.shutdown();
  void core.shutdown();
});

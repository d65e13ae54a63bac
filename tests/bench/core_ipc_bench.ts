/**
 * IPC request -> reply round trips/s (sequential and 64 in flight) and p50/p99 latency, against a
 * bare Deno WebSocket echo measured in the same run. Target: >= 0.7x the echo's throughput.
 */
import { z } from "zod";
import { IpcClient, IpcServer } from "../../core/ipc/mod.ts";

const TOKEN = "bench-token";
const server = await IpcServer.listen({ token: TOKEN });
server.handle("echo", z.object({ text: z.string() }), ({ text }) => ({ text }));
const client = await IpcClient.connect({ url: server.url, token: TOKEN });

// Bare baseline: a WebSocket server echoing each frame, a client matching replies by id.
const echo = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onmessage = (e) => socket.send(e.data);
  return response;
});
const bareSocket = new WebSocket(`ws://127.0.0.1:${echo.addr.port}/`);
await new Promise((r) => bareSocket.onopen = r);
const barePending = new Map<number, () => void>();
let bareId = 0;
bareSocket.onmessage = (e) => {
  const { id } = JSON.parse(e.data);
  barePending.get(id)?.();
  barePending.delete(id);
};
function bareRequest(text = "hello"): Promise<void> {
  const id = bareId++;
  return new Promise((resolve) => {
    barePending.set(id, resolve);
    bareSocket.send(JSON.stringify({ v: 1, id, type: "echo", text }));
  });
}
const ipcRequest = (text = "hello") => client.request("echo", { text });
const TWO_KB = "k".repeat(2048);

Deno.bench("bare WebSocket echo, sequential", { group: "seq", baseline: true }, async () => {
  await bareRequest();
});
Deno.bench("hive IPC request, sequential", { group: "seq" }, async () => {
  await ipcRequest();
});
Deno.bench("bare WebSocket echo, 64 in flight", { group: "par", baseline: true }, async () => {
  await Promise.all(Array.from({ length: 64 }, () => bareRequest()));
});
Deno.bench("hive IPC request, 64 in flight", { group: "par" }, async () => {
  await Promise.all(Array.from({ length: 64 }, () => ipcRequest()));
});

async function measure(fn: () => Promise<unknown>, rounds: number) {
  for (let i = 0; i < Math.min(500, rounds); i++) await fn();
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.floor(latencies.length * p)].toFixed(3);
  return { perSecond: rounds / seconds, p50: pct(0.5), p99: pct(0.99) };
}
async function parallel(fn: () => Promise<unknown>, batches: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < batches; i++) await Promise.all(Array.from({ length: 64 }, fn));
  return (batches * 64) / ((performance.now() - start) / 1000);
}

const ipcSeq = await measure(() => ipcRequest(), 5000);
const bareSeq = await measure(() => bareRequest(), 5000);
const ipcPar = await parallel(() => ipcRequest(), 300);
const barePar = await parallel(() => bareRequest(), 300);
// Mid-size frames: Deno's client stalls them on the delayed ACK; the IPC client pads them.
const ipc2k = await measure(() => ipcRequest(TWO_KB), 200);
const bare2k = await measure(() => bareRequest(TWO_KB), 20);
console.log(
  `ipc sequential: ${
    ipcSeq.perSecond.toFixed(0)
  } rt/s p50 ${ipcSeq.p50} ms p99 ${ipcSeq.p99} ms; ` +
    `echo ${bareSeq.perSecond.toFixed(0)} rt/s p50 ${bareSeq.p50} ms p99 ${bareSeq.p99} ms; ` +
    `ratio ${(ipcSeq.perSecond / bareSeq.perSecond).toFixed(2)}x (target >= 0.7x)`,
);
console.log(
  `ipc 64 in flight: ${ipcPar.toFixed(0)} rt/s; echo ${barePar.toFixed(0)} rt/s; ` +
    `ratio ${(ipcPar / barePar).toFixed(2)}x (target >= 0.7x)`,
);

console.log(
  `ipc 2 KB requests: ${ipc2k.perSecond.toFixed(0)} rt/s p50 ${ipc2k.p50} ms; ` +
    `echo ${bare2k.perSecond.toFixed(0)} rt/s p50 ${bare2k.p50} ms; ` +
    `ratio ${(ipc2k.perSecond / bare2k.perSecond).toFixed(1)}x`,
);

globalThis.addEventListener("unload", () => {
  client.close();
  bareSocket.close();
});
// deno bench waits for open handles after the last bench; close the servers once it finishes.
Deno.bench({
  name: "zz-teardown",
  group: "teardown",
  n: 1,
  warmup: 0,
  async fn() {
    client.close();
    bareSocket.close();
    await server.close();
    await echo.shutdown();
  },
});

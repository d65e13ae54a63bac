/**
 * Bytes allocated per message on the daemon's hot path, measured as V8 heap growth over N
 * messages between two forced collections (no collection runs inside a window: the young
 * generation is made larger than a window's garbage). Our own pieces one by one (sender key
 * lookup on verify, the IPC `publish` parse, the fan-out of one `message_received` event to one
 * client), then a whole daemon pair in this process (IPC client -> daemon A -> libp2p -> daemon B
 * -> IPC client), so our share can be read against libp2p's.
 *
 * Run: deno bench --allow-all --v8-flags=--expose-gc,--min-semi-space-size=64,--max-semi-space-size=64 \
 *   tests/bench/daemon_alloc_bench.ts
 */
import { generateKeyPair } from "@libp2p/crypto/keys";
import { requestSchemas } from "../../adapters/p2p/ipc_protocol.ts";
import { installEd25519KeyCache, publicKeyObject } from "../../adapters/p2p/libp2p/ed25519_keys.ts";
import type { P2PEvent, P2PNode } from "../../adapters/p2p/types.ts";
import { startDaemonService } from "../../commands/daemon/service.ts";
import { IpcClient, IpcServer } from "../../core/ipc/mod.ts";
import { createBenchNode } from "./_bench_node.ts";
import { toP2PMessage } from "../../adapters/p2p/message.ts";
import { eventFrame } from "../../core/ipc/mod.ts";

const _gc = (globalThis as { gc?: () => void }).gc;
if (!_gc) {
  console.log(
    "daemon_alloc_bench: run with --v8-flags=--expose-gc,--min-semi-space-size=64," +
      "--max-semi-space-size=64 for exact figures (without them collections inside a window " +
      "make figures too low)",
  );
}

/** Median bytes per call of `fn` over `rounds` windows of `n` calls. */
async function _bytesPer(n: number, fn: (i: number) => unknown | Promise<unknown>, rounds = 7) {
  const figures: number[] = [];
  for (let r = 0; r < rounds; r++) {
    _gc?.();
    const before = Deno.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) {
      const result = fn(i);
      if (result instanceof Promise) await result;
    }
    figures.push((Deno.memoryUsage().heapUsed - before) / n);
  }
  figures.sort((a, b) => a - b);
  return figures[Math.floor(figures.length / 2)];
}

const _fmt = (bytes: number) => `${Math.round(bytes)} B`;

installEd25519KeyCache();
const sender = await generateKeyPair("Ed25519");
publicKeyObject(sender.publicKey.raw);
// A fresh copy each time, as each received message carries its own key bytes.
const keyCopies = Array.from({ length: 64 }, () => new Uint8Array(sender.publicKey.raw));
const keyBytes = await _bytesPer(2000, (i) => publicKeyObject(keyCopies[i & 63]));

const params = { topic: "bench", message: "1000001" };
const parseBytes = await _bytesPer(2000, () => requestSchemas.publish.safeParse(params));

const event: P2PEvent = {
  type: "message",
  topic: "bench",
  from: "12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo",
  seqno: 1234567890123456789n,
  data: new TextEncoder().encode("1000001"),
  receivedAt: new Date(),
};
const fanoutBytes = await _bytesPer(
  2000,
  () => JSON.stringify(eventFrame("message_received", toP2PMessage(event as never))),
);

console.log(
  `our pieces per message: sender key lookup ${_fmt(keyBytes)}, publish parse ` +
    `${_fmt(parseBytes)}, event fan-out to one client ${_fmt(fanoutBytes)} (with its JSON text)`,
);

// The whole pair in this process: two IPC servers with the daemon service over two nodes.
const token = "bench-token";
async function _daemon(root: string) {
  const node = await createBenchNode(root);
  const server = await IpcServer.listen({ token });
  const service = startDaemonService({ node, server });
  const client = await IpcClient.connect({ url: server.url, token });
  return { node, server, service, client };
}
const root = await Deno.makeTempDir({ prefix: "hive-bench-alloc-" });
const a = await _daemon(root);
const b = await _daemon(root);
await b.node.connect(a.node.addrs()[0]);
await a.client.request("subscribe", { topic: "bench" });
await b.client.request("subscribe", { topic: "bench" });
const meshDeadline = Date.now() + 30_000;
while (!a.node.topicPeers("bench").includes(b.node.peerId)) {
  if (Date.now() > meshDeadline) throw new Error("no mesh within 30 s");
  await new Promise((r) => setTimeout(r, 20));
}
let delivered = 0;
let wake = () => {};
b.client.on("message_received", () => {
  delivered++;
  wake();
});
let n = 0;
async function _oneMessage(): Promise<void> {
  const target = delivered + 1;
  const arrived = new Promise<void>((r) => wake = r);
  await a.client.request("publish", { topic: "bench", message: String(n++) });
  while (delivered < target) await arrived;
}
await _bytesPer(200, _oneMessage, 1); // warm up
const pairBytes = await _bytesPer(300, _oneMessage, 5);
console.log(
  `whole daemon pair in one process (IPC client -> A -> libp2p -> B -> IPC client, both ` +
    `clients and both nodes): ${_fmt(pairBytes)} per message`,
);

const nodes: P2PNode[] = [a.node, b.node];
globalThis.addEventListener("unload", () => {
  for (const d of [a, b]) {
    d.client.close();
    d.service.close();
    void d.server.close();
  }
  for (const node of nodes) void node.stop();
  Deno.removeSync(root, { recursive: true });
});

Deno.bench("publish parse", { n: 2000 }, () => {
  requestSchemas.publish.safeParse(params);
});
Deno.bench("sender key lookup", { n: 2000 }, () => {
  publicKeyObject(keyCopies[0]);
});

/**
 * Propagation across a 20-daemon gossipsub mesh on loopback: for each message, the time from
 * the publish call until every other daemon's subscriber has it (p50/p99), against one direct
 * hop (publisher -> its bootstrap peer) measured on the same mesh in the same run. 20 processes
 * on 2 cores is heavy, so this measures once, briefly: 30 messages, 100 ms apart.
 *
 * Run: deno bench --allow-all tests/bench/daemon_mesh_bench.ts
 */
import { IpcClient } from "../../core/ipc/mod.ts";
import { readTokenFile } from "../../core/ipc/token.ts";
import { type DaemonChild, startDaemon } from "../commands/daemon/_daemon.ts";

const DAEMONS = Number(Deno.env.get("MESH_DAEMONS") ?? 20);
const MESSAGES = 30;
const GAP_MS = 100;
const TOPIC = "mesh-bench";

function _pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// Shared CI machines are busy: print the load so the figures can be read in context.
const _loadLine = `load average at start: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}` +
  ` on ${navigator.hardwareConcurrency} cores`;
console.log(_loadLine);

const root = await Deno.makeTempDir({ prefix: "hive-bench-mesh-" });
const daemons: DaemonChild[] = [];
const clients: IpcClient[] = [];
globalThis.addEventListener("unload", () => {
  for (const c of clients) c.close();
  for (const d of daemons) {
    try {
      d.process.kill("SIGTERM");
    } catch { /* gone */ }
  }
  Deno.removeSync(root, { recursive: true });
});

const t0 = performance.now();
// A ring with chords: each daemon bootstraps to its predecessor and to the first one, so the
// overlay is connected but not a star; gossipsub builds its mesh (D=6) on top.
for (let i = 0; i < DAEMONS; i++) {
  const boot = i === 0
    ? []
    : [...new Set([daemons[i - 1].info.addrs[0], daemons[0].info.addrs[0]])];
  const args = boot.length > 0 ? ["--bootstrap", ...boot] : [];
  daemons.push(await startDaemon({ dataDir: `${root}/d${i}`, args, readyTimeoutMs: 60_000 }));
}
const startedMs = performance.now() - t0;
for (const d of daemons) {
  const c = await IpcClient.connect({
    url: d.info.ipc_url,
    token: await readTokenFile(d.info.token_file),
    requestTimeoutMs: 30_000,
  });
  clients.push(c);
  await c.request("subscribe", { topic: TOPIC });
}
// Wait (bounded) until every daemon knows at least one subscribing peer.
const deadline = Date.now() + 60_000;
for (const c of clients) {
  while ((await c.request<{ peers: unknown[] }>("list_peers", { topic: TOPIC })).peers.length < 1) {
    if (Date.now() > deadline) {
      const s = await Promise.all(
        clients.map((x) => x.request<{ peers: unknown[] }>("list_peers", { topic: TOPIC })),
      );
      throw new Error(`mesh did not form; topic peers per daemon: ${s.map((x) => x.peers.length)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
// Let a couple of gossipsub heartbeats (1 s) graft the mesh.
await new Promise((r) => setTimeout(r, 2500));

const arrivals = new Map<string, number[]>();
clients.forEach((c, i) =>
  c.on("message_received", (data) => {
    const id = (data as { message: string }).message;
    const list = arrivals.get(id);
    if (list) list[i] = performance.now();
  })
);

const all: number[] = [];
const oneHop: number[] = [];
const lost: number[] = [];
for (let m = 0; m < MESSAGES; m++) {
  const from = (m * 7) % DAEMONS;
  const hop = from === 0 ? 1 : from - 1; // a bootstrap neighbour, directly connected
  const id = `m${m}`;
  const times = new Array<number>(DAEMONS).fill(0);
  arrivals.set(id, times);
  const sent = performance.now();
  await clients[from].request("publish", { topic: TOPIC, message: id });
  const until = Date.now() + 10_000;
  const done = () => times.every((t, i) => i === from || t > 0);
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
  const got = times.filter((t, i) => i !== from && t > 0);
  lost.push(DAEMONS - 1 - got.length);
  if (got.length === DAEMONS - 1) all.push(Math.max(...got) - sent);
  if (times[hop] > 0) oneHop.push(times[hop] - sent);
  await new Promise((r) => setTimeout(r, GAP_MS));
}

console.log(`started ${DAEMONS} daemons in ${(startedMs / 1000).toFixed(1)} s`);
console.log(
  `direct hop (baseline): p50 ${_pct(oneHop, 50).toFixed(2)} ms, p99 ${
    _pct(oneHop, 99).toFixed(2)
  } ms`,
);
console.log(
  `all ${DAEMONS - 1} subscribers: p50 ${_pct(all, 50).toFixed(2)} ms, p99 ${
    _pct(all, 99).toFixed(2)
  } ms over ${all.length}/${MESSAGES} messages; undelivered copies ${
    lost.reduce((a, b) => a + b, 0)
  }`,
);
console.log(`ratio: ${(_pct(all, 50) / _pct(oneHop, 50)).toFixed(2)}x baseline (p50, all/one hop)`);

const group = `publish -> all ${DAEMONS - 1} subscribers`;
let n = 0;
const deliverAll = async (from: number, wantAll: boolean) => {
  const id = `b${n++}`;
  const times = new Array<number>(DAEMONS).fill(0);
  arrivals.set(id, times);
  await clients[from].request("publish", { topic: TOPIC, message: id });
  const hop = from === 0 ? 1 : from - 1;
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (wantAll ? times.every((t, i) => i === from || t > 0) : times[hop] > 0) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`${id} not delivered`);
};
Deno.bench("one direct hop", { group, baseline: true, n: 10, warmup: 1 }, async () => {
  await deliverAll(5, false);
});
Deno.bench(`all ${DAEMONS - 1} subscribers`, { group, n: 10, warmup: 1 }, async () => {
  await deliverAll(5, true);
});

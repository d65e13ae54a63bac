/**
 * `hive host` figures, two hosts on loopback (each supervising its own daemon, mDNS off):
 *
 * - chat message latency: a WebSocket client on host A's `/ws/chat` sends, a client on host B's
 *   `/ws/chat` receives (host -> IPC -> libp2p gossipsub -> IPC -> host -> browser socket),
 *   against the baseline of the same two daemons used directly over IPC (publish on A,
 *   `message_received` on B). Sequential rounds; msgs/s and p50/p99; ratio printed.
 * - host startup (spawn to ready line) and supervised daemon restart after `kill -9`.
 */
import { IpcClient, readTokenFile } from "../../core/ipc/mod.ts";
import { eventually, getJson, startHostProcess } from "../e2e/host_helpers.ts";

const ROUNDS = 300;
const root = await Deno.makeTempDir({ prefix: "hive-bench-host-" });

const t = performance.now();
const b = await startHostProcess({ dataDir: `${root}/b` });
const startupMs = performance.now() - t;
const bAddr = b.ready.addrs.find((a) => a.startsWith("/ip4/127.0.0.1/tcp/"))!;
const a = await startHostProcess({ dataDir: `${root}/a`, args: ["--bootstrap", bAddr] });

async function ipcClient(dataDir: string): Promise<IpcClient> {
  const info = JSON.parse(await Deno.readTextFile(`${dataDir}/daemon.json`));
  return await IpcClient.connect({
    url: info.ipc_url,
    token: await readTokenFile(info.token_file),
  });
}
const ipcA = await ipcClient(`${root}/a`);
const ipcB = await ipcClient(`${root}/b`);
const RAW = "/hive/bench/raw";
const rawWaiters = new Map<string, () => void>();
ipcB.on("message_received", (data) => {
  const m = data as { topic: string; message?: string };
  if (m.topic === RAW && m.message) rawWaiters.get(m.message)?.();
});
await ipcB.request("subscribe", { topic: RAW });
await ipcA.request("subscribe", { topic: RAW });
for (
  const [client, peer, topic] of [
    [ipcA, b.ready.peer_id, RAW],
    [ipcA, b.ready.peer_id, "/hive/chat/general"],
    [ipcB, a.ready.peer_id, "/hive/chat/general"],
  ] as const
) {
  await eventually(`mesh on ${topic}`, async () => {
    const { peers } = await client.request<{ peers: { peer_id: string }[] }>("list_peers", {
      topic,
    });
    return peers.some((p) => p.peer_id === peer) ? true : undefined;
  }, 60_000);
}
// gossipsub grafts the mesh on its heartbeat; give it one before measuring.
await new Promise((r) => setTimeout(r, 1500));

async function chatSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}ws/chat`);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  return socket;
}
const chatA = await chatSocket(a.ready.url);
const chatB = await chatSocket(b.ready.url);
const chatWaiters = new Map<string, () => void>();
chatB.onmessage = (e) => {
  const frame = JSON.parse(e.data);
  if (frame.type === "message") chatWaiters.get(frame.message.text)?.();
};

let seq = 0;
function raw(): Promise<void> {
  const text = `raw-${seq++}`;
  const { promise, resolve } = Promise.withResolvers<void>();
  rawWaiters.set(text, resolve);
  void ipcA.request("publish", { topic: RAW, message: text });
  return _bounded(promise, text, rawWaiters);
}
function chat(): Promise<void> {
  const text = `chat-${seq++}`;
  const { promise, resolve } = Promise.withResolvers<void>();
  chatWaiters.set(text, resolve);
  chatA.send(JSON.stringify({ type: "send", room: "general", text }));
  return _bounded(promise, text, chatWaiters);
}
/** Each delivery must arrive within 10 s, so a lost message fails the bench instead of hanging. */
async function _bounded(p: Promise<void>, key: string, map: Map<string, () => void>) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      p,
      new Promise((_, reject) =>
        timer = setTimeout(() => reject(new Error(`lost ${key}`)), 10_000)
      ),
    ]);
  } finally {
    clearTimeout(timer);
    map.delete(key);
  }
}

/** Sequential rounds, raw and chat interleaved so load from other processes hits both alike. */
async function measureBoth(rounds: number) {
  for (let i = 0; i < 30; i++) {
    await raw();
    await chat();
  }
  const samples = { raw: [] as number[], chat: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    for (const [name, fn] of [["raw", raw], ["chat", chat]] as const) {
      const t0 = performance.now();
      await fn();
      samples[name].push(performance.now() - t0);
    }
  }
  const figures = (latencies: number[]) => {
    const total = latencies.reduce((x, y) => x + y, 0) / 1000;
    latencies.sort((x, y) => x - y);
    const pct = (p: number) => latencies[Math.floor(latencies.length * p)].toFixed(2);
    return { perSecond: rounds / total, p50: pct(0.5), p99: pct(0.99) };
  };
  return { rawFig: figures(samples.raw), chatFig: figures(samples.chat) };
}

Deno.bench("daemon IPC publish -> IPC subscriber (A -> B)", {
  group: "deliver",
  baseline: true,
  n: 200,
  warmup: 20,
}, async () => {
  // An async function: deno bench awaits only those.
  await raw();
});
Deno.bench(
  "host chat: /ws/chat on A -> /ws/chat on B",
  { group: "deliver", n: 200, warmup: 20 },
  async () => {
    await chat();
  },
);

const { rawFig, chatFig } = await measureBoth(ROUNDS);

console.log(
  `chat via hosts: ${chatFig.perSecond.toFixed(0)} msgs/s sequential, p50 ${chatFig.p50} ms, ` +
    `p99 ${chatFig.p99} ms; direct daemon IPC: ${rawFig.perSecond.toFixed(0)} msgs/s, ` +
    `p50 ${rawFig.p50} ms, p99 ${rawFig.p99} ms; ratio: ${
      (chatFig.perSecond / rawFig.perSecond).toFixed(2)
    }x baseline`,
);
let tornDown = false;
Deno.bench({
  name: "zz-teardown",
  group: "teardown",
  n: 1,
  warmup: 0,
  async fn() {
    // deno bench may call this more than once; the processes are gone after the first.
    if (tornDown) return;
    tornDown = true;
    // Restarts run last: they kill the daemon the IPC benches above talk to.
    // Supervised restart: kill -9 A's daemon, time until /api/status says up again.
    const restarts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = await getJson<{ daemon: { pid: number; restarts: number } }>(
        `${a.ready.url}api/status`,
      );
      const t0 = performance.now();
      Deno.kill(before.daemon.pid, "SIGKILL");
      await eventually("restart", async () => {
        const s = await getJson<{ daemon: { state: string; restarts: number } }>(
          `${a.ready.url}api/status`,
        );
        return s.daemon.restarts > before.daemon.restarts && s.daemon.state === "up"
          ? true
          : undefined;
      }, 60_000);
      restarts.push(performance.now() - t0);
    }
    console.log(
      `host startup (spawn -> ready line, daemon included): ${startupMs.toFixed(0)} ms; ` +
        `daemon restart after kill -9 (-> up in /api/status): ${
          restarts.map((r) => r.toFixed(0)).join(", ")
        } ms`,
    );
    chatA.close();
    chatB.close();
    ipcA.close();
    ipcB.close();
    await a.stop("SIGTERM");
    await b.stop("SIGTERM");
    await Deno.remove(root, { recursive: true });
  },
});

/**
 * IPC publish -> delivery to a subscriber on a second daemon (two `hive daemon` processes on
 * loopback, clients in this process), against libp2p with the same settings without IPC, in the
 * same run:
 * - throughput (window of 100 in flight) against two in-process nodes (target >= 0.7x);
 * - steady load: a paced 1,000 msgs/s for `HIVE_BENCH_STEADY_S` (default 60) seconds without a
 *   gap, through the daemons, then the same through libp2p in two processes (sender here,
 *   receiver a child with the daemons' V8 settings); p50/p99/p99.9 and the ratios IPC / libp2p
 *   (targets p99 <= 2x, p99.9 <= 4x); the daemons' RSS;
 * - interleaved rounds (1,500 msgs at 1,000 msgs/s and 400 at 200 msgs/s per path in turn),
 *   where each path sits idle while the others run, as a mostly idle daemon would.
 *
 * Latency counts from the time a message was due (its slot in the pace), not from the publish
 * call, for every path: a pause of the sending process (this one, whose libp2p node is the
 * baseline's sender, or daemon A) then delays every message due during it on both paths alike.
 * The libp2p receiver stamps arrivals with its own clock; its offset to ours is measured first.
 *
 * `HIVE_BENCH_MODE`: `all` (default), `steady` (throughput and steady load) or `interleaved`.
 * The daemons and the receiver get `childV8Flags()` (`HIVE_DAEMON_V8_FLAGS`, empty for none);
 * give this process the same with `--v8-flags` so the baseline's sender runs like daemon A:
 *
 *   deno bench --allow-all --v8-flags=--no-memory-reducer tests/bench/daemon_ipc_bench.ts
 */
import type { P2PNode } from "../../adapters/p2p/mod.ts";
import { IpcClient } from "../../core/ipc/mod.ts";
import { readTokenFile } from "../../core/ipc/token.ts";
import { childV8Flags, withV8Flags } from "../../core/self.ts";
import { type DaemonChild, lines, startDaemon } from "../commands/daemon/_daemon.ts";
import { createBenchNode } from "./_bench_node.ts";

const TOPIC = "bench";
const THROUGHPUT_MSGS = 2000;
const WINDOW = 100;
const ROUNDS = 3;
const PACED_MSGS = 1500;
const PACED_RATE = 1000; // msgs/s
const LIGHT_MSGS = 400;
const LIGHT_RATE = 200; // msgs/s
const STEADY_S = Number(Deno.env.get("HIVE_BENCH_STEADY_S") ?? 60);
const MODE = Deno.env.get("HIVE_BENCH_MODE") ?? "all";

const _enc = new TextEncoder();
const _dec = new TextDecoder();

/** One way to publish, and a hook that sees each delivered sequence number. */
interface _Path {
  name: string;
  publish(n: number): Promise<unknown>;
  /** `at`: when the message arrived on this process's `performance.now()` clock, if known. */
  onDeliver(fn: (n: number, at?: number) => void): void;
}

async function _until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function _inProcessPath(root: string): Promise<{ path: _Path; nodes: P2PNode[] }> {
  const a = await createBenchNode(root);
  const b = await createBenchNode(root);
  await b.connect(a.addrs()[0]);
  a.subscribe(TOPIC);
  b.subscribe(TOPIC);
  await _until("in-process mesh", () => a.topicPeers(TOPIC).includes(b.peerId));
  let deliver = (_n: number) => {};
  b.on((e) => {
    if (e.type === "message") deliver(Number(_dec.decode(e.data)));
  });
  return {
    nodes: [a, b],
    path: {
      name: "in-process libp2p",
      publish: (n) => a.publish(TOPIC, _enc.encode(String(n))),
      onDeliver: (fn) => void (deliver = fn),
    },
  };
}

async function _ipcPath(root: string): Promise<{ path: _Path; daemons: DaemonChild[] }> {
  const da = await startDaemon({ dataDir: `${root}/a` });
  const db = await startDaemon({ dataDir: `${root}/b`, args: ["--bootstrap", da.info.addrs[0]] });
  const connect = async (d: DaemonChild) =>
    IpcClient.connect({
      url: d.info.ipc_url,
      token: await readTokenFile(d.info.token_file),
    });
  const ca = await connect(da);
  const cb = await connect(db);
  await ca.request("subscribe", { topic: TOPIC });
  await cb.request("subscribe", { topic: TOPIC });
  await _until("daemon mesh", async () => {
    const { peers } = await ca.request<{ peers: unknown[] }>("list_peers", { topic: TOPIC });
    return peers.length === 1;
  });
  let deliver = (_n: number) => {};
  cb.on("message_received", (data) => deliver(Number((data as { message: string }).message)));
  queueDrops = async () => {
    const drops = await Promise.all(
      [ca, cb].map((c) => c.request<{ queue_drops: number }>("status", {})),
    );
    return drops.map((d) => d.queue_drops);
  };
  const close = () => {
    ca.close();
    cb.close();
  };
  globalThis.addEventListener("unload", close);
  return {
    daemons: [da, db],
    path: {
      name: "IPC via hive daemon",
      publish: (n) => ca.request("publish", { topic: TOPIC, message: String(n) }),
      onDeliver: (fn) => void (deliver = fn),
    },
  };
}

/**
 * The baseline: libp2p with the same settings, sender in this process and receiver in a child
 * process (with the daemons' V8 flags), without IPC.
 */
async function _twoProcessPath(
  root: string,
): Promise<{ path: _Path; child: Deno.ChildProcess; sender: P2PNode; offsetMs: number }> {
  const topic = "bench-two-processes";
  await Deno.mkdir(`${root}/receiver`);
  const [cmd, ...args] = withV8Flags([
    Deno.execPath(),
    "run",
    "-A",
    new URL("./_libp2p_receiver.ts", import.meta.url).pathname,
    topic,
    `${root}/receiver`,
  ], childV8Flags());
  const child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped" }).spawn();
  const out = lines(child.stdout);
  const ready = JSON.parse((await out.next()).value ?? "{}") as { addr: string; peer_id: string };
  // Clock offset (receiver's epoch clock minus ours) from the probe with the shortest round trip.
  const stdin = child.stdin.getWriter();
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await stdin.write(_enc.encode("t\n"));
    const theirs = Number((await out.next()).value);
    const t1 = performance.now();
    const offset = theirs - performance.timeOrigin - (t0 + t1) / 2;
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset };
  }
  const sender = await createBenchNode(root);
  sender.subscribe(topic);
  await sender.connect(ready.addr);
  await _until("two-process mesh", () => sender.topicPeers(topic).includes(ready.peer_id));
  let deliver = (_n: number, _at?: number) => {};
  (async () => {
    for await (const line of out) {
      const [n, at] = line.split(" ");
      deliver(Number(n), Number(at) - performance.timeOrigin - best.offset);
    }
  })();
  return {
    child,
    sender,
    offsetMs: best.offset,
    path: {
      name: "libp2p in 2 processes, no IPC",
      publish: (n) => sender.publish(topic, _enc.encode(String(n))),
      onDeliver: (fn) => void (deliver = fn),
    },
  };
}

let _seq = 1_000_000;
/** Events each daemon dropped because its IPC client read too slowly (`status.queue_drops`). */
let queueDrops = (): Promise<number[]> => Promise.resolve([]);

/** Publish `count` messages with up to `window` in flight; resolve when all are delivered. */
async function _burst(path: _Path, count: number, window: number): Promise<number> {
  const first = _seq;
  const last = _seq + count - 1;
  _seq += count;
  let delivered = 0;
  const all = Promise.withResolvers<void>();
  path.onDeliver((n) => {
    if (n >= first && n <= last && ++delivered === count) all.resolve();
  });
  const t0 = performance.now();
  let next = first;
  const worker = async () => {
    while (next <= last) await path.publish(next++);
  };
  await Promise.all(Array.from({ length: window }, worker));
  const timer = setTimeout(() => all.reject(new Error(`${path.name}: lost messages`)), 30_000);
  await all.promise.finally(() => clearTimeout(timer));
  return performance.now() - t0;
}

/** Latencies of one paced run, sorted, in ms; and how late sends left against their slot. */
interface _Paced {
  latency: Float64Array;
  sendLag: Float64Array;
  /** Messages that never arrived (counted in `latency` as Infinity). */
  lost: number;
}

/**
 * Send `count` messages at `rate`; message i is due at t0 + i / rate. Latency runs from the due
 * time to delivery, so a stall of the sender delays (and counts for) every message due in it.
 */
async function _paced(path: _Path, count: number, rate: number): Promise<_Paced> {
  const first = _seq;
  _seq += count;
  const latency = new Float64Array(count).fill(NaN);
  const sendLag = new Float64Array(count);
  let got = 0;
  const all = Promise.withResolvers<void>();
  const interval = 1000 / rate;
  let t0 = 0;
  path.onDeliver((n, at) => {
    const i = n - first;
    if (i < 0 || i >= count || !Number.isNaN(latency[i])) return;
    latency[i] = (at ?? performance.now()) - (t0 + i * interval);
    if (++got === count) all.resolve();
  });
  t0 = performance.now();
  let sent = 0;
  while (sent < count) {
    const now = performance.now();
    const due = Math.min(count, Math.floor((now - t0) / interval) + 1);
    for (; sent < due; sent++) {
      sendLag[sent] = performance.now() - (t0 + sent * interval);
      // A publish that fails (e.g. times out on an overloaded machine) shows up as lost.
      path.publish(first + sent).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  // A busy machine may drain a backlog for long after the last send: wait while messages still
  // arrive; what never arrives counts as infinitely late (and is reported).
  let seen = -1;
  const watch = setInterval(() => {
    if (got === seen) all.resolve();
    seen = got;
  }, 10_000);
  await all.promise.finally(() => clearInterval(watch));
  const lost = count - got;
  for (let i = 0; i < count; i++) if (Number.isNaN(latency[i])) latency[i] = Infinity;
  return { latency: latency.sort(), sendLag: sendLag.sort(), lost };
}

function _pct(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Resident and peak resident memory of a process, in MB (Linux). */
function _rss(pid: number): { rss: number; peak: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

function _load(): string {
  return Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
}

/** This process's own `--v8-flags`, read from its command line. */
function _ownV8Flags(): string {
  const argv = Deno.readTextFileSync("/proc/self/cmdline").split("\0");
  return argv.find((a) => a.startsWith("--v8-flags="))?.slice(11) ?? "(none)";
}

const _ms = (x: number) => x.toFixed(2);

console.log(
  `load average at start: ${_load()} on ${navigator.hardwareConcurrency} cores; daemons' and ` +
    `receiver's V8 flags: ${childV8Flags().join(",") || "(none)"}; this process: ${_ownV8Flags()}`,
);

const root = await Deno.makeTempDir({ prefix: "hive-bench-ipc-" });
const direct = await _inProcessPath(root);
const ipc = await _ipcPath(root);
const twoProcesses = await _twoProcessPath(root);
console.log(`receiver clock offset ${twoProcesses.offsetMs.toFixed(3)} ms (corrected)`);
globalThis.addEventListener("unload", () => {
  twoProcesses.child.kill("SIGTERM");
  void twoProcesses.sender.stop();
  for (const d of ipc.daemons) d.process.kill("SIGTERM");
  for (const n of direct.nodes) void n.stop();
  Deno.removeSync(root, { recursive: true });
});

// Throughput: warm both paths, then interleaved rounds, each path's median.
await _burst(direct.path, 200, WINDOW);
await _burst(ipc.path, 200, WINDOW);
const samples: Record<string, number[]> = { [direct.path.name]: [], [ipc.path.name]: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const p of [direct.path, ipc.path]) {
    samples[p.name].push(THROUGHPUT_MSGS / ((await _burst(p, THROUGHPUT_MSGS, WINDOW)) / 1000));
  }
}
const rates: Record<string, number> = {};
for (const [name, list] of Object.entries(samples)) {
  rates[name] = list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
}
const throughputRatio = rates[ipc.path.name] / rates[direct.path.name];
console.log(
  `throughput: IPC ${rates[ipc.path.name].toFixed(0)} msgs/s, in-process ` +
    `${rates[direct.path.name].toFixed(0)} msgs/s: ${throughputRatio.toFixed(2)}x ` +
    `(target >= 0.7x; load ${_load()})`,
);
await _paced(twoProcesses.path, 2000, PACED_RATE); // warm the baseline too

if (MODE === "all" || MODE === "steady") {
  const steady: Record<string, _Paced> = {};
  const count = Math.round(STEADY_S * PACED_RATE);
  let daemonMemory = "";
  for (const p of [ipc.path, twoProcesses.path]) {
    steady[p.name] = await _paced(p, count, PACED_RATE);
    const s = steady[p.name];
    console.log(
      `steady ${STEADY_S} s at ${PACED_RATE} msgs/s, ${p.name}: p50 ${_ms(_pct(s.latency, 50))}` +
        ` ms, p99 ${_ms(_pct(s.latency, 99))} ms, p99.9 ${_ms(_pct(s.latency, 99.9))} ms, ` +
        `max ${_ms(_pct(s.latency, 100))} ms, lost ${s.lost} ` +
        `(send lag p50 ${_ms(_pct(s.sendLag, 50))} ms, ` +
        `p99.9 ${_ms(_pct(s.sendLag, 99.9))} ms; load ${_load()})`,
    );
    if (p === ipc.path) {
      daemonMemory = ipc.daemons.map((d, i) => {
        const m = _rss(d.info.pid);
        return `daemon ${"AB"[i]} RSS ${m.rss.toFixed(0)} MB (peak ${m.peak.toFixed(0)} MB)`;
      }).join(", ");
    }
  }
  const r = _rss(twoProcesses.child.pid);
  console.log(
    `after steady load: ${daemonMemory}; IPC events dropped (A, B): ` +
      `${(await queueDrops()).join(", ")}; libp2p receiver RSS ${r.rss.toFixed(0)} MB ` +
      `(peak ${r.peak.toFixed(0)} MB)`,
  );
  const a = steady[ipc.path.name].latency;
  const b = steady[twoProcesses.path.name].latency;
  console.log(
    `steady ratios IPC / two-process libp2p: p99 ${(_pct(a, 99) / _pct(b, 99)).toFixed(2)}x ` +
      `(target <= 2x), p99.9 ${(_pct(a, 99.9) / _pct(b, 99.9)).toFixed(2)}x (target <= 4x); ` +
      `throughput ${throughputRatio.toFixed(2)}x in-process (target >= 0.7x)`,
  );
}

if (MODE === "all" || MODE === "interleaved") {
  // Interleaved paced rounds, each round's percentiles, then the median round.
  const timed = [direct.path, ipc.path, twoProcesses.path];
  const lat: Record<string, Float64Array[]> = Object.fromEntries(timed.map((p) => [p.name, []]));
  const light: Record<string, Float64Array[]> = Object.fromEntries(timed.map((p) => [p.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of timed) {
      lat[p.name].push((await _paced(p, PACED_MSGS, PACED_RATE)).latency);
      light[p.name].push((await _paced(p, LIGHT_MSGS, LIGHT_RATE)).latency);
    }
  }
  const medianOf = (rounds: Float64Array[], p: number) => {
    const values = rounds.map((r) => _pct(r, p)).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  const list = (rounds: Float64Array[], p: number) => rounds.map((r) => _ms(_pct(r, p))).join("/");
  for (const p of timed) {
    const l = lat[p.name];
    const q = light[p.name];
    console.log(
      `interleaved, ${p.name}: at ${PACED_RATE} msgs/s p50 ${_ms(medianOf(l, 50))} ms, p99 ` +
        `${_ms(medianOf(l, 99))} ms (rounds ${list(l, 99)}); at ${LIGHT_RATE} msgs/s p50 ` +
        `${_ms(medianOf(q, 50))} ms, p99 ${_ms(medianOf(q, 99))} ms (rounds ${list(q, 99)})`,
    );
  }
  const ipcP99 = medianOf(lat[ipc.path.name], 99);
  const baseP99 = medianOf(lat[twoProcesses.path.name], 99);
  console.log(
    `interleaved ratio IPC / two-process libp2p p99 (median round): ` +
      `${(ipcP99 / baseP99).toFixed(2)}x; worst IPC round p99 ` +
      `${_ms(Math.max(...lat[ipc.path.name].map((r) => _pct(r, 99))))} ms (load ${_load()})`,
  );
}

const group = "publish 100 msgs -> all delivered on the 2nd node";
Deno.bench("in-process libp2p", { group, baseline: true, n: 20, warmup: 2 }, async () => {
  await _burst(direct.path, 100, WINDOW);
});
Deno.bench("IPC via hive daemon", { group, n: 20, warmup: 2 }, async () => {
  await _burst(ipc.path, 100, WINDOW);
});

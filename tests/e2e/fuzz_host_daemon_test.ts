/**
 * An independent fuzz (issue 9, "Done when") of a default `hive host` and the `hive daemon` it
 * supervises, on loopback only, bounded in count and time: malformed and oversized IPC frames and
 * wrong tokens against the daemon, random HTTP requests (methods, paths, Host, Origin,
 * Content-Type, bodies, lying Content-Lengths) against the host, and random, oversized and
 * invalid frames on the chat WebSocket, all at once from several connections. It checks:
 *
 * - no HTTP 500 and no crash: both processes are alive and answer normally afterwards;
 * - the peak RSS (`VmHWM`) of each process stays under {@link RSS_BOUND_MB}, the bound stated in
 *   the README (oversized senders are refused from their headers, so they cannot make a process
 *   buffer them).
 *
 * The seed is fixed (and printed), so a failure replays. `HIVE_FUZZ_SEED` picks another.
 */
import { equal, ok } from "@std/assert";
import { deadline, readProcFile } from "../_helpers.ts";
import { getJson, type HostProcess, removeTestRoot, startHostProcess } from "./host_helpers.ts";

/** Peak RSS bound per process, in MB (see README, Security). */
export const RSS_BOUND_MB = 400;
const IPC_FRAMES = 1500;
const HTTP_REQUESTS = 400;
const CHAT_FRAMES = 600;
const BIG_SENDERS = 8;
const RUN_DEADLINE_MS = 150_000;

/** A small deterministic PRNG (mulberry32). */
function _rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  return { next, int, pick };
}

type Rng = ReturnType<typeof _rng>;

function _randomString(r: Rng, max: number): string {
  const sizes = [0, 1, 8, 64, 300, 5000, max];
  const n = Math.min(r.pick(sizes), max);
  const alphabets = ["a", "/ip4/1.2.3.4/tcp/", '\u0000\u001f"\\', "é漢😀", "%00<script>"];
  const unit = r.pick(alphabets);
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

function _randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return r.int(2) === 0;
    case 2:
      return r.pick([0, -1, 1e308, 2 ** 53 + 1, 3.5, NaN]);
    case 3:
    case 4:
    case 5:
      return _randomString(r, 20_000);
    case 6:
      return Array.from({ length: r.int(5) }, () => _randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(5) }, () => [_randomString(r, 40), _randomValue(r, depth + 1)]),
      );
  }
}

const _IPC_TYPES = [
  "publish",
  "subscribe",
  "unsubscribe",
  "connect",
  "disconnect",
  "ping",
  "list_peers",
  "status",
  "identify",
  "dht_get",
  "nope",
];
const _FIELDS = ["topic", "message", "data_b64", "multiaddr", "peer", "key", "cid", "limit"];

/** One fuzzed IPC frame: mostly well-framed requests with bad fields, some garbage. */
function _ipcFrame(r: Rng): string | Uint8Array {
  switch (r.int(10)) {
    case 0:
      return _randomString(r, 2000);
    case 1:
      return new Uint8Array(r.int(3000));
    case 2:
      return JSON.stringify(_randomValue(r));
    case 3:
      // Near the frame limit (but under it): the daemon must answer, not stall.
      return JSON.stringify({
        v: 1,
        id: r.int(1e6),
        type: "connect",
        multiaddr: "/dns4/" + "a".repeat(980_000),
      });
    default: {
      const frame: Record<string, unknown> = {
        v: r.pick([1, 1, 1, 2, "1"]),
        id: r.pick([r.int(1e6), _randomString(r, 200), -1, null]),
        type: r.pick(_IPC_TYPES),
      };
      for (let i = r.int(4); i > 0; i--) frame[r.pick(_FIELDS)] = _randomValue(r);
      return JSON.stringify(frame);
    }
  }
}

/** Peak and current RSS of a process in MB, from /proc. */
async function _rss(pid: number): Promise<{ peak: number; now: number }> {
  const text = await readProcFile(pid, "status");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
  return { peak: Math.round(kb("VmHWM") / 1024), now: Math.round(kb("VmRSS") / 1024) };
}

/** Open a WebSocket; resolve once open or failed (never hang). */
function _open(url: string, init?: unknown): Promise<WebSocket | null> {
  let socket: WebSocket;
  try {
    socket = new WebSocket(url, init as never);
  } catch {
    return Promise.resolve(null);
  }
  return deadline(
    new Promise<WebSocket | null>((resolve) => {
      socket.onopen = () => resolve(socket);
      socket.onerror = () => resolve(null);
    }),
    10_000,
    `open ${url}`,
  ).catch(() => null);
}

/** Raw TCP: send `head`, then `frame bytes` announcing a 60 MiB WebSocket payload, then wait. */
async function _bigSender(port: number, path: string, head: Record<string, string>) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      ...Object.entries(head).map(([k, v]) => `${k}: ${v}`),
      "",
      "",
    ];
    await conn.write(new TextEncoder().encode(lines.join("\r\n")));
    // A masked binary frame header announcing 60 MiB, then 4 MiB of it.
    const header = new Uint8Array(14);
    header[0] = 0x82;
    header[1] = 0x80 | 127;
    new DataView(header.buffer).setBigUint64(2, 60n * 1024n * 1024n);
    await conn.write(header);
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < 64; i++) await conn.write(chunk);
  } catch {
    // Refused and closed by the server: what we expect.
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

async function _fuzzIpc(
  r: Rng,
  url: string,
  token: string,
): Promise<{ frames: number; badAuth: number }> {
  let frames = 0;
  let badAuth = 0;
  const sockets: WebSocket[] = [];
  for (let c = 0; c < 6; c++) {
    const s = await _open(url, { headers: { authorization: `Bearer ${token}` } });
    if (s) sockets.push(s);
  }
  ok(sockets.length > 0, "no IPC connection opened");
  for (let i = 0; i < IPC_FRAMES; i++) {
    const live = sockets.filter((s) => s.readyState === WebSocket.OPEN);
    if (live.length === 0) {
      const s = await _open(url, { headers: { authorization: `Bearer ${token}` } });
      if (s) sockets.push(s);
      continue;
    }
    const s = r.pick(live);
    // A slow reader is fine; do not pile up our own send buffer without bound.
    if (s.bufferedAmount > 8 * 1024 * 1024) await new Promise((res) => setTimeout(res, 20));
    s.send(_ipcFrame(r));
    frames++;
    if (i % 50 === 0) await new Promise((res) => setTimeout(res, 1));
  }
  for (let i = 0; i < 60; i++) {
    // Wrong tokens: printable (a client cannot even send control characters in a header).
    const wrong = Array.from({ length: 1 + r.int(600) }, () => String.fromCharCode(33 + r.int(94)))
      .join("");
    const bad = r.int(2) === 0
      ? await _open(url, { headers: { authorization: `Bearer ${wrong}` } })
      : await _open(`${url}?token=${encodeURIComponent(wrong)}`);
    bad?.close();
    badAuth++;
  }
  for (const s of sockets) s.close();
  return { frames, badAuth };
}

async function _fuzzHttp(r: Rng, base: string): Promise<number[]> {
  const statuses: number[] = [];
  const paths = [
    "/",
    "/healthz",
    "/metrics",
    "/api/status",
    "/api/agents",
    "/api/agents/chat",
    "/api/agents/chat/stop",
    "/api/agents/%00/start",
    "/agents/chat/send",
    "/agents/chat/rooms",
    "/agents/../../etc/passwd",
    "/ws/chat",
    "/" + "a".repeat(8000),
  ];
  const hosts = [undefined, "127.0.0.1", "localhost", "evil.example", "rebind.test:1", "[::1]", ""];
  const origins = [undefined, "http://evil.example", "null", base.replace(/\/$/, "")];
  const types = [undefined, "application/json", "text/plain", "multipart/form-data; boundary=x"];
  for (let i = 0; i < HTTP_REQUESTS; i++) {
    const method = r.pick(["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"]);
    const headers: Record<string, string> = {};
    const host = r.pick(hosts);
    if (host !== undefined) headers.host = host;
    const origin = r.pick(origins);
    if (origin) headers.origin = origin;
    const type = r.pick(types);
    if (type) headers["content-type"] = type;
    const hasBody = method !== "GET" && method !== "HEAD" && r.int(3) > 0;
    const body = hasBody
      ? r.int(8) === 0 ? "x".repeat(2 * 1024 * 1024) : JSON.stringify(_randomValue(r))
      : undefined;
    try {
      const response = await fetch(base + r.pick(paths).slice(1), {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(15_000),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    } catch {
      statuses.push(0);
    }
  }
  return statuses;
}

async function _fuzzChat(r: Rng, base: string): Promise<number> {
  let frames = 0;
  const url = base.replace(/^http/, "ws") + "ws/chat";
  const sockets: WebSocket[] = [];
  for (let c = 0; c < 5; c++) {
    const s = await _open(url);
    if (s) sockets.push(s);
  }
  for (let i = 0; i < CHAT_FRAMES; i++) {
    const live = sockets.filter((s) => s.readyState === WebSocket.OPEN);
    if (live.length === 0) {
      const s = await _open(url);
      if (s) sockets.push(s);
      continue;
    }
    const s = r.pick(live);
    const choice = r.int(8);
    if (choice === 0) s.send("x".repeat(100 * 1024)); // over the 64 KiB chat limit: 1009
    else if (choice === 1) s.send(new Uint8Array(r.int(5000)));
    else if (choice === 2) {
      s.send(JSON.stringify({ type: "send", room: "general", text: _randomString(r, 3000) }));
    } else if (choice === 3) s.send(JSON.stringify({ type: "join", room: _randomString(r, 40) }));
    else s.send(JSON.stringify(_randomValue(r)));
    frames++;
    if (i % 25 === 0) await new Promise((res) => setTimeout(res, 1));
  }
  for (const s of sockets) s.close();
  return frames;
}

Deno.test({
  name: "fuzz: IPC, host HTTP and chat WebSocket; no 500, both processes alive, RSS bounded",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seed = Number(Deno.env.get("HIVE_FUZZ_SEED") ?? 20261201);
    console.log(`fuzz seed ${seed}`);
    const root = await Deno.makeTempDir({ prefix: "hive-e2e-fuzz-" });
    let host: HostProcess | undefined;
    try {
      host = await startHostProcess({ dataDir: `${root}/h` });
      const base = host.ready.url;
      const info = JSON.parse(await Deno.readTextFile(`${root}/h/daemon.json`));
      const token = (await Deno.readTextFile(info.token_file)).trim();
      const daemonPid: number = info.pid;
      const idle = { host: await _rss(host.ready.pid), daemon: await _rss(daemonPid) };
      const ipcPort = Number(new URL(info.ipc_url).port);

      const run = async () => {
        const big = [];
        for (let i = 0; i < BIG_SENDERS; i++) {
          big.push(_bigSender(ipcPort, "/", { authorization: `Bearer ${token}` }));
          big.push(_bigSender(host!.ready.port, "/ws/chat", {}));
        }
        const [ipc, http, chat] = await Promise.all([
          _fuzzIpc(_rng(seed), info.ipc_url, token),
          _fuzzHttp(_rng(seed + 1), base),
          _fuzzChat(_rng(seed + 2), base),
          ...big,
        ]);
        return { ipc, http, chat };
      };
      const result = await deadline(run(), RUN_DEADLINE_MS, "the fuzz run");

      // Both processes still serve normally.
      const status = await getJson<{ daemon: { state: string; restarts: number; pid: number } }>(
        `${base}api/status`,
      );
      equal(status.daemon.state, "up");
      equal(status.daemon.restarts, 0, "the daemon never crashed");
      equal(status.daemon.pid, daemonPid);
      const peak = { host: await _rss(host.ready.pid), daemon: await _rss(daemonPid) };
      const byStatus: Record<number, number> = {};
      for (const s of result.http) byStatus[s] = (byStatus[s] ?? 0) + 1;
      console.log(
        `fuzz: ${result.ipc.frames} IPC frames, ${result.ipc.badAuth} bad tokens, ` +
          `${result.http.length} HTTP requests ${JSON.stringify(byStatus)}, ` +
          `${result.chat} chat frames, ${BIG_SENDERS * 2} senders of 60 MiB frames; ` +
          `RSS MB idle/peak host ${idle.host.now}/${peak.host.peak}, ` +
          `daemon ${idle.daemon.now}/${peak.daemon.peak}`,
      );
      equal(byStatus[500] ?? 0, 0, "no HTTP 500");
      ok(peak.host.peak < RSS_BOUND_MB, `host peak RSS ${peak.host.peak} MB`);
      ok(peak.daemon.peak < RSS_BOUND_MB, `daemon peak RSS ${peak.daemon.peak} MB`);
    } finally {
      const code = host ? await deadline(host.stop("SIGTERM"), 30_000, "host stop") : 0;
      const left = await removeTestRoot(root);
      equal(left.length, 0, `leftover processes: ${left}`);
      equal(code, 0);
    }
  },
});

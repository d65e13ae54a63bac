/**
 * What `hive proxy`'s checks cost: authenticated `GET /v1/agents` (the key from the header,
 * verified against the stored hashes (remembered once verified), per-key rate limit, scope,
 * metrics, and listing 10 agents of the process orchestrator) against an unauthenticated Hono
 * hello route on the same app and server, and against the same response bytes served by a Hono
 * route without checks (the cost of a 10-agent JSON body). The server is served as `hive proxy`
 * serves it: `createProxyApp().fetch`, which answers a poller's listing ahead of Hono's router
 * and middleware (`commands/proxy/listing.ts`), so the listing can cost less than the unchecked
 * bytes through Hono. Loopback only, bounded.
 *
 * First measurement, client and server in this process: six rounds of a fixed number of requests
 * with 16 in flight, the three paths in a rotated order each round, medians of the per-round
 * ratios, with the process's CPU time per request beside them (it moves less with other load than
 * requests per second); `deno bench` then reports the same per request. Deno's `fetch` sends
 * `Accept-Encoding: gzip,br` on both routes, as browsers and `curl --compressed` do; the proxy
 * answers uncompressed (Deno's server does not compress on its own either).
 *
 * Second measurement: the same app served from a process of its own (`proxy_bench_server.ts`),
 * driven by a lean keep-alive HTTP/1.1 client (fixed request bytes with `Accept-Encoding: gzip,
 * deflate`, status and Content-Length parsed, 16 connections), so the server is the bottleneck
 * and its CPU time per request is its own; a hello answered by `Deno.serve` without Hono shows
 * the floor. Target: authenticated at least 0.8x the Hono hello route.
 *
 * ```sh
 * deno bench -A tests/bench/proxy_bench.ts
 * ```
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import process from "node:process";
import { BENCH_AGENTS, BENCH_KEY, benchProxyApp } from "./_proxy_bench_app.ts";

const KEY = BENCH_KEY;
const AGENTS = BENCH_AGENTS;
const ROUNDS = 6;
const PER_ROUND = 1500;
const IN_FLIGHT = 16;
const LEAN_PER_ROUND = 5000;

const { fetch: serve, close, dir, orchestrator, setSameBody } = await benchProxyApp();
const ready = Promise.withResolvers<number>();
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: (a) => ready.resolve(a.port) },
  serve,
);
const base = `http://127.0.0.1:${await ready.promise}`;
const authHeaders = { authorization: `Bearer ${KEY}` };

// Both routes' bodies are read the same way (bytes, not parsed): the figure is the server's.
async function listOnce(): Promise<void> {
  const response = await fetch(`${base}/v1/agents`, { headers: authHeaders });
  if (response.status !== 200) throw new Error(`GET /v1/agents answered ${response.status}`);
  await response.arrayBuffer();
}
async function helloOnce(): Promise<void> {
  const response = await fetch(`${base}/hello`);
  if (response.status !== 200) throw new Error(`/hello answered ${response.status}`);
  await response.arrayBuffer();
}
async function sameOnce(): Promise<void> {
  const response = await fetch(`${base}/same-body`);
  if (response.status !== 200) throw new Error(`/same-body answered ${response.status}`);
  await response.arrayBuffer();
}
const sameBody = await (await fetch(`${base}/v1/agents`, { headers: authHeaders })).text();
setSameBody(sameBody);
if (JSON.parse(sameBody).agents.length !== AGENTS) throw new Error(`expected ${AGENTS} agents`);

/** Requests per second, and CPU time of this process (client and server) per request in µs. */
async function rate(fn: () => Promise<void>, count: number): Promise<[number, number]> {
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next++ < count) await fn();
  }));
  const cpu = process.cpuUsage(cpu0);
  return [count / ((performance.now() - t0) / 1000), (cpu.user + cpu.system) / count];
}

// Warm up all three paths, then interleave so other load on the machine hits them alike: each
// round runs the three in a rotated order (so none is always first after a collection) and the
// figures are the medians of the per-round ratios, so one burst of outside load moves one round.
for (const warm of [listOnce, helloOnce, sameOnce]) await rate(warm, 300);
const paths = [["hello", helloOnce], ["list", listOnce], ["same", sameOnce]] as const;
const rounds: Record<"hello" | "list" | "same", number>[] = [];
const cpuRounds: Record<"hello" | "list" | "same", number>[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const round = { hello: 0, list: 0, same: 0 };
  const cpuRound = { hello: 0, list: 0, same: 0 };
  for (let j = 0; j < paths.length; j++) {
    const [name, fn] = paths[(i + j) % paths.length];
    [round[name], cpuRound[name]] = await rate(fn, PER_ROUND);
  }
  rounds.push(round);
  cpuRounds.push(cpuRound);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const list = median(rounds.map((r) => r.list));
const hello = median(rounds.map((r) => r.hello));
const same = median(rounds.map((r) => r.same));
const ratio = median(rounds.map((r) => r.list / r.hello));
const ofSame = median(rounds.map((r) => r.list / r.same));
const ceiling = median(rounds.map((r) => r.same / r.hello));
console.log(
  `proxy: authenticated GET /v1/agents (${AGENTS} agents, ${sameBody.length} B) ` +
    `${list.toFixed(0)} req/s, hello ${hello.toFixed(0)} req/s, ratio ${ratio.toFixed(2)}x ` +
    `(target >= 0.80x); same bytes without checks ${same.toFixed(0)} req/s: list/same ` +
    `${ofSame.toFixed(2)}x, same/hello ${ceiling.toFixed(2)}x (medians of ${ROUNDS} rounds)`,
);
// CPU time per request moves less with other load on the machine than requests per second do.
const cpuOf = (name: "hello" | "list" | "same") => median(cpuRounds.map((r) => r[name]));
console.log(
  `proxy: CPU per request (client and server, this process): hello ${cpuOf("hello").toFixed(1)} ` +
    `µs, list ${cpuOf("list").toFixed(1)} µs, same bytes ${cpuOf("same").toFixed(1)} µs; ` +
    `hello/list ${median(cpuRounds.map((r) => r.hello / r.list)).toFixed(2)}x`,
);

// The server in a process of its own, driven by a lean client: requests/s and server CPU time.
const serverProcess = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("./proxy_bench_server.ts", import.meta.url).pathname],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const lines = serverProcess.stdout.pipeThrough(new TextDecoderStream()).getReader();
let first = "";
const started = setTimeout(() => serverProcess.kill("SIGKILL"), 30_000);
while (!first.includes("\n")) {
  const { value, done } = await lines.read();
  if (done) throw new Error("the bench server ended before it listened");
  first += value;
}
clearTimeout(started);
const port: number = JSON.parse(first).port;
const request = (path: string, extra = "") =>
  new TextEncoder().encode(
    `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nuser-agent: hive-bench/1\r\naccept: */*\r\n` +
      `accept-encoding: gzip, deflate\r\n${extra}\r\n`,
  );
const leanPaths = [
  ["hello", request("/hello")],
  ["bare", request("/bare-hello")],
  ["list", request("/v1/agents", `authorization: Bearer ${KEY}\r\n`)],
  ["same", request("/same-body")],
] as const;
const serverCpu = async () => (await (await fetch(`http://127.0.0.1:${port}/cpu`)).json()).us;

/** One response on a keep-alive connection: status 200 and Content-Length bytes, else throws. */
async function readResponse(conn: Deno.Conn, buf: Uint8Array, have: number): Promise<number> {
  let need = -1;
  for (;;) {
    if (need < 0) {
      for (let i = 0; i + 3 < have; i++) {
        if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) {
          const head = new TextDecoder().decode(buf.subarray(0, i));
          if (!head.startsWith("HTTP/1.1 200 ")) throw new Error(`answered ${head}`);
          const length = /\r\ncontent-length: *(\d+)/i.exec(head);
          if (!length) throw new Error(`no content-length in ${head}`);
          need = i + 4 + Number(length[1]);
          break;
        }
      }
    }
    if (need >= 0 && have >= need) break;
    const n = await conn.read(buf.subarray(have));
    if (n === null) throw new Error("the server closed the connection");
    have += n;
  }
  buf.copyWithin(0, need, have);
  return have - need;
}

/** Requests per second through 16 keep-alive connections, and server CPU µs per request. */
async function leanRate(bytes: Uint8Array, count: number): Promise<[number, number]> {
  let next = 0;
  const cpu0 = await serverCpu();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const buf = new Uint8Array(1 << 16);
    let have = 0;
    try {
      while (next++ < count) {
        await conn.write(bytes);
        have = await readResponse(conn, buf, have);
      }
    } finally {
      conn.close();
    }
  }));
  const rps = count / ((performance.now() - t0) / 1000);
  return [rps, (await serverCpu() - cpu0) / count];
}

for (const [, bytes] of leanPaths) await leanRate(bytes, 1000);
type _Lean = "hello" | "bare" | "list" | "same";
const leanRounds: Record<_Lean, number>[] = [];
const leanCpu: Record<_Lean, number>[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const round = { hello: 0, bare: 0, list: 0, same: 0 };
  const cpuRound = { hello: 0, bare: 0, list: 0, same: 0 };
  for (let j = 0; j < leanPaths.length; j++) {
    const [name, bytes] = leanPaths[(i + j) % leanPaths.length];
    [round[name], cpuRound[name]] = await leanRate(bytes, LEAN_PER_ROUND);
  }
  leanRounds.push(round);
  leanCpu.push(cpuRound);
}
const leanOf = (name: _Lean) => median(leanRounds.map((r) => r[name]));
const leanCpuOf = (name: _Lean) => median(leanCpu.map((r) => r[name]));
console.log(
  `proxy, server in its own process, lean client: GET /v1/agents ${leanOf("list").toFixed(0)} ` +
    `req/s, hello ${leanOf("hello").toFixed(0)} req/s, ratio ` +
    `${median(leanRounds.map((r) => r.list / r.hello)).toFixed(2)}x (target >= 0.80x); same ` +
    `bytes without checks ${leanOf("same").toFixed(0)} req/s (same/hello ` +
    `${median(leanRounds.map((r) => r.same / r.hello)).toFixed(2)}x); server CPU per request: ` +
    `hello ${leanCpuOf("hello").toFixed(1)} µs, list ${leanCpuOf("list").toFixed(1)} µs, same ` +
    `bytes ${leanCpuOf("same").toFixed(1)} µs, Deno.serve hello without Hono ` +
    `${leanCpuOf("bare").toFixed(1)} µs (${leanOf("bare").toFixed(0)} req/s); hello/list ` +
    `${median(leanCpu.map((r) => r.hello / r.list)).toFixed(2)}x`,
);
await serverProcess.stdin.close();
await serverProcess.status;

Deno.bench("GET /hello, no auth (baseline)", { group: "proxy", baseline: true }, async () => {
  await helloOnce();
});
Deno.bench("GET /v1/agents, bearer key, 10 agents", { group: "proxy" }, async () => {
  await listOnce();
});
Deno.bench("GET /same-body, no auth, same bytes", { group: "proxy" }, async () => {
  await sameOnce();
});

globalThis.addEventListener("unload", () => {
  // unload cannot await: end the agents' process groups and the server synchronously.
  const db = new DatabaseSync(`${dir}/agents.db`);
  for (const row of db.prepare("SELECT pid FROM agents").all() as { pid: number }[]) {
    try {
      Deno.kill(-row.pid, "SIGKILL");
    } catch { /* gone */ }
  }
  db.close();
  close();
  void server.shutdown();
  void orchestrator.close();
  Deno.removeSync(dir, { recursive: true });
});

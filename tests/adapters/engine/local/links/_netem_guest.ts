/**
 * The program `netem_vm_test.ts` runs inside a machine whose kernel has `netem` (`_netem_vm.ts`).
 * As a local run does, it decides the links of a three-host model on `--links auto`, builds the
 * namespace path with `startLinks`, then measures what the kernel does to each link from inside
 * the namespaces: TCP connect times (one round trip), UDP echoes (loss both ways) and a bulk
 * send (the sender's upload rate). It prints one `HIVE_VM_RESULT {json}` line; the test judges.
 *
 * Each measurement is a process of its own in a host's namespace (`links.wrap`), started as
 * `deno run -A /guest.js ROLE ...`.
 *
 * @module
 */
import {
  decideLinks,
  probeNetem,
  startLinks,
} from "../../../../../adapters/engine/local/links/mod.ts";
import { listFabrics, netnsAddress } from "../../../../../adapters/engine/local/links/netns.ts";
import type { LocalHostPlacement } from "../../../../../adapters/engine/local/options.ts";
import { Buffer } from "node:buffer";
import { createSocket } from "node:dgram";
import type { SimEdge } from "../../../../../adapters/engine/types.ts";
import { testHost, testModel } from "../../_sim_model.ts";

/** The links the test measures, as a scenario gives them. */
export const NETEM_EDGES: SimEdge[] = [
  { a: "h0", b: "h1", latencyMs: 40, packetLoss: 0 },
  { a: "h0", b: "h2", latencyMs: 100, packetLoss: 0, jitterMs: 20 },
  { a: "h1", b: "h2", latencyMs: 10, packetLoss: 0.2 },
];
/** h2's upload in bits per second: its bulk send to h0 takes about {@link BULK_BYTES}·8/this. */
export const H2_UP_BPS = 2_000_000;
export const BULK_BYTES = 500_000;
const _TCP = 7000, _UDP = 7001;

async function _serve(ip: string) {
  const udp = createSocket("udp4");
  udp.on("message", (data, from) => udp.send(data, from.port, from.address));
  await new Promise<void>((r) => udp.bind(_UDP, ip, r));
  const tcp = Deno.listen({ hostname: ip, port: _TCP });
  console.log("ready");
  for await (const conn of tcp) {
    (async () => {
      const buf = new Uint8Array(65_536);
      while ((await conn.read(buf)) !== null) { /* a bulk send: taken and dropped */ }
      conn.close(); // the sender waits for this FIN: every byte arrived
    })().catch(() => {});
  }
}

/** TCP connect times to `ip` (a SYN and its SYN-ACK: one round trip), in ms. */
async function _rtt(ip: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const t = performance.now();
    const c = await Deno.connect({ hostname: ip, port: _TCP });
    out.push(performance.now() - t);
    c.close();
  }
  return out;
}

/**
 * UDP echoes answered out of `count` sent 5 ms apart (a packet lost either way is lost), and
 * the shortest round trip among them (ms).
 */
async function _udp(ip: string, count: number) {
  const sock = createSocket("udp4");
  const sentAt: number[] = [];
  const rtts = new Map<number, number>();
  sock.on("message", (data) => {
    const k = data.readUInt32BE(0);
    rtts.set(k, performance.now() - sentAt[k]);
  });
  await new Promise<void>((r) => sock.bind(0, r));
  for (let k = 0; k < count; k++) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(k);
    sentAt[k] = performance.now();
    sock.send(b, _UDP, ip);
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 1000)); // stragglers: the slowest link's round trip
  sock.close();
  return { sent: count, answered: rtts.size, minRttMs: Math.min(...rtts.values()) };
}

/** Seconds to push `bytes` to `ip` until the receiver's kernel has acked them all. */
async function _bulk(ip: string, bytes: number): Promise<number> {
  const c = await Deno.connect({ hostname: ip, port: _TCP });
  const t = performance.now();
  const w = c.writable.getWriter();
  const chunk = new Uint8Array(16_384);
  for (let sent = 0; sent < bytes; sent += chunk.length) await w.write(chunk);
  await c.closeWrite(); // FIN after the data: its ack comes only once every byte was taken
  // The server reads to EOF, then closes: our read ends when its FIN arrives.
  const buf = new Uint8Array(16);
  while ((await c.read(buf)) !== null) { /* drain */ }
  const s = (performance.now() - t) / 1000;
  c.close();
  return s;
}

/** One measurement of a prober: to whom, and how. */
type Probe =
  | { kind: "rtt"; ip: string; count: number }
  | { kind: "udp"; ip: string; count: number }
  | { kind: "bulk"; ip: string; bytes: number };

async function _probe(probes: Probe[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const p of probes) {
    if (p.kind === "rtt") out.push(await _rtt(p.ip, p.count));
    else if (p.kind === "udp") out.push(await _udp(p.ip, p.count));
    else out.push(await _bulk(p.ip, p.bytes));
  }
  return out;
}

/** Run `probes` from inside `host`'s namespace (one process: Deno starts slowly here). */
async function _probeFrom(
  links: { wrap(host: string, argv: readonly string[]): string[] },
  host: string,
  probes: Probe[],
): Promise<unknown[]> {
  const argv = [Deno.execPath(), "run", "-A", "/guest.js", "probe", JSON.stringify(probes)];
  const [cmd, ...rest] = links.wrap(host, argv);
  const out = await new Deno.Command(cmd, { args: rest, stdout: "piped", stderr: "inherit" })
    .output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) throw new Error(`probes from ${host}: exit ${out.code}: ${text}`);
  return JSON.parse(text);
}

async function _main() {
  const hosts = ["h0", "h1", "h2"].map((name) =>
    testHost(name, name === "h2" ? { bandwidthUpBps: H2_UP_BPS } : {})
  );
  const model = testModel(hosts, { name: "netem", edges: NETEM_EDGES });
  const probe = await probeNetem();
  const decision = await decideLinks({ model, mode: "auto" });
  const result: Record<string, unknown> = { probe, path: decision.path };
  if (decision.path !== "netns" || !decision.netns) {
    console.log("HIVE_VM_RESULT " + JSON.stringify({ ...result, decision }));
    return;
  }
  const plan = decision.netns;
  const placements: LocalHostPlacement[] = hosts.map((h, i) => ({
    name: h.name,
    kind: h.kind,
    ip: netnsAddress(plan, i),
    p2pPort: 18080,
    rpcPort: 18081,
    rpcUrl: `http://${netnsAddress(plan, i)}:18081`,
    dir: "/tmp",
  }));
  const links = await startLinks({ model, placements, decision });
  const servers: Deno.ChildProcess[] = [];
  try {
    for (const p of placements) {
      const argv = [Deno.execPath(), "run", "-A", "/guest.js", "serve", p.ip];
      const [cmd, ...rest] = links.wrap(p.name, argv);
      servers.push(
        new Deno.Command(cmd, { args: rest, stdout: "piped", stderr: "inherit" }).spawn(),
      );
    }
    await Promise.all(servers.map(async (child, i) => {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const first = await reader.read();
      if (!first.value?.includes("ready")) {
        throw new Error(`server ${placements[i].name}: ${first.value}`);
      }
      reader.releaseLock();
    }));
    const ip = (name: string) => placements.find((p) => p.name === name)!.ip;
    const [rtt01, rtt02, udp01, bulk01] = await _probeFrom(links, "h0", [
      { kind: "rtt", ip: ip("h1"), count: 5 },
      { kind: "rtt", ip: ip("h2"), count: 16 },
      { kind: "udp", ip: ip("h1"), count: 100 },
      { kind: "bulk", ip: ip("h1"), bytes: BULK_BYTES },
    ]);
    // Lossy: TCP would wait a second per lost SYN; the echoes time the round trip as well.
    const [udp12] = await _probeFrom(links, "h1", [{ kind: "udp", ip: ip("h2"), count: 300 }]);
    const [bulk20] = await _probeFrom(links, "h2", [
      { kind: "bulk", ip: ip("h0"), bytes: BULK_BYTES },
    ]);
    result.rtt = { "h0-h1": rtt01, "h0-h2": rtt02 };
    result.udp = { "h0-h1": udp01, "h1-h2": udp12 };
    result.bulk = { "h0-h1": bulk01, "h2-h0": bulk20 };
    await links.readCounters();
    result.record = links.record();
  } finally {
    for (const s of servers) {
      try {
        s.kill("SIGKILL");
        await s.status;
      } catch { /* gone */ }
    }
    await links.close();
  }
  result.leftovers = [...await listFabrics()];
  console.log("HIVE_VM_RESULT " + JSON.stringify(result));
}

if (import.meta.main) {
  const [role, arg] = Deno.args;
  if (role === "serve") await _serve(arg);
  else if (role === "probe") console.log(JSON.stringify(await _probe(JSON.parse(arg))));
  else await _main();
}

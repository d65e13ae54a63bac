/**
 * Dynamic and hybrid peers on the namespace path (`--links netns`) with real monerod. Peers see a node at
 * the address that carries its links (here its relay alias and P2P port: this kernel has no
 * netem, so relays add the latency), so an address learnt from a peer list is one the node's
 * relay serves, with the link's latency for whoever dials it. Nothing is gated: the namespaces
 * route nothing beyond the run's /24. Needs root.
 */
import { equal, match, ok } from "@std/assert";
import type { LinksRecord } from "../../../../../adapters/engine/local/links/mod.ts";
import type { OutboundRecord } from "../../../../../adapters/engine/local/outbound.ts";
import { netnsAlias, netnsNames } from "../../../../../adapters/engine/local/links/netns_plan.ts";
import type { SimModel } from "../../../../../adapters/engine/types.ts";
import { startNetnsRun } from "./_netns_run.ts";
import { deadline } from "../../../../_helpers.ts";
import { netnsLeftovers, testHost, testModel } from "../../_sim_model.ts";

/** A Levin COMMAND_PING (1003) with an empty portable-storage body, timed to its reply. */
const _PING = `
Deno.unrefTimer(setTimeout(() => Deno.exit(3), 10_000)); // a silent relay fails the ping
const [host, port] = Deno.args;
const body = [0x01, 0x11, 0x01, 0x01, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00];
const head = new DataView(new ArrayBuffer(33));
head.setBigUint64(0, 0x0101010101012101n, true);
head.setBigUint64(8, BigInt(body.length), true);
head.setUint8(16, 1);
head.setUint32(17, 1003, true);
head.setUint32(25, 1, true);
head.setUint32(29, 1, true);
const conn = await Deno.connect({ hostname: host, port: Number(port) });
const t0 = performance.now();
await conn.write(new Uint8Array([...new Uint8Array(head.buffer), ...body]));
const buf = new Uint8Array(512);
const n = await conn.read(buf);
const text = new TextDecoder().decode(buf.subarray(0, n ?? 0));
console.log(JSON.stringify({ ms: performance.now() - t0, ok: text.includes("OK") }));
conn.close();
`;

/** Ping `address` from inside namespace `ns` (or from here without one). */
async function _ping(ns: string | null, host: string, port: number) {
  const deno = [Deno.execPath(), "eval", "--quiet", _PING, host, String(port)];
  const argv = ns ? ["ip", "netns", "exec", ns, ...deno] : deno;
  const out = await new Deno.Command(argv[0], { args: argv.slice(1), stdout: "piped" }).output();
  const line = new TextDecoder().decode(out.stdout).trim();
  return line ? JSON.parse(line) as { ms: number; ok: boolean } : null;
}

interface _Connection {
  address: string;
  host: string;
}

async function _connections(rpcUrl: string): Promise<_Connection[]> {
  const res = await fetch(`${rpcUrl}/json_rpc`, {
    method: "POST",
    signal: AbortSignal.timeout(10_000),
    body: JSON.stringify({ jsonrpc: "2.0", id: "0", method: "get_connections" }),
  });
  const body = await res.json() as { result?: { connections?: _Connection[] } };
  return body.result?.connections ?? [];
}

for (const peerMode of ["dynamic", "hybrid"] as const) {
  Deno.test({
    name:
      `local run --links netns, ${peerMode} peers: a node's advertised address carries its links`,
    ignore: Deno.uid() !== 0,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "hive_netns_dyn_" });
      const stop = new AbortController();
      let running: Promise<unknown> = Promise.resolve();
      try {
        const model: SimModel = testModel(
          ["b", "a", "a"].map((seed, i) => testHost("abc"[i], { peers: [seed] })),
          {
            name: "netns-dynamic",
            seed: 7,
            stopTimeS: 600,
            peerMode,
            edges: [
              { a: "a", b: "b", latencyMs: 20, packetLoss: 0 },
              { a: "a", b: "c", latencyMs: 20, packetLoss: 0 },
              { a: "b", b: "c", latencyMs: 40, packetLoss: 0 },
            ],
          },
        );
        const netns = startNetnsRun(model, dir, stop.signal);
        running = netns.run;
        const { hosts, plan } = await netns.ready();
        const id = plan.id;
        const alias = (i: number) => netnsAlias(plan, i);

        // Each dynamic node reached its seed through the relays: a sees b at b's relay alias.
        const end = Date.now() + 60_000;
        let seen: _Connection | undefined;
        // Bounded by the deadline; one poll per 500 ms.
        while (!seen && Date.now() < end) {
          seen = (await _connections(hosts[0].rpcUrl)).find((x) => x.host === alias(1));
          if (!seen) await new Promise((r) => setTimeout(r, 500));
        }
        ok(seen, `a is connected to b at b's relay alias ${alias(1)}`);

        // c was never told of b. The address b's peers know it by, dialled from c (as c would
        // once a peer list names it), reaches b with the c-b link's 40 ms each way.
        const learnt = await _ping(netnsNames.namespace(id, 2), alias(1), 18080);
        ok(learnt?.ok, `b answered a ping at ${alias(1)}:18080 from c: ${JSON.stringify(learnt)}`);
        ok(learnt!.ms >= 80, `c-b round trip ${learnt!.ms} ms, the link has 40 ms each way`);
        // Nothing beyond the run's /24 is routed: a public seed node's address fails at once.
        const out = await new Deno.Command("ip", {
          args: [
            "netns",
            "exec",
            netnsNames.namespace(id, 2),
            Deno.execPath(),
            "eval",
            "--quiet",
            "Deno.unrefTimer(setTimeout(() => Deno.exit(3), 10_000)); " +
            "await Deno.connect({ hostname: '176.9.0.187', port: 18080 })",
          ],
          stdout: "piped",
          stderr: "piped",
        }).output();
        ok(!out.success, "a dial beyond the run's /24 failed");
        match(new TextDecoder().decode(out.stderr), /unreachable/i);
        // Anyone else (here the root namespace) is closed unserved.
        const stranger = await _ping(null, alias(1), 18080);
        equal(stranger?.ok ?? false, false, `a dialler that is no host is closed unserved`);

        stop.abort();
        const result = await deadline(netns.run, 60_000, "local run stop");
        const summary = result.summary as { links: LinksRecord; outbound: OutboundRecord };
        equal(summary.links.path, "netns");
        ok(summary.links.netns!.relays);
        ok(summary.links.links >= 4, `directed links a>b, b>a, c>a, c>b: ${summary.links.links}`);
        ok(summary.links.stats!.refused >= 1, JSON.stringify(summary.links.stats));
        ok(summary.outbound.contained?.includes("/24"), JSON.stringify(summary.outbound));
        equal(summary.outbound.gated_hosts, 0);
        equal((await netnsLeftovers(id)).join(" "), "", "nothing of the run is left");
      } finally {
        stop.abort();
        await deadline(running.catch(() => {}), 60_000, "local run stop").catch(() => {});
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

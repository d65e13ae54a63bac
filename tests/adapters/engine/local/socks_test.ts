/**
 * The SOCKS gate and the outbound routing of a local run, without monerod: SOCKS 4 (what
 * monerod 0.18 sends) and SOCKS 5 requests relayed when the route accepts them and refused and
 * counted otherwise; names never resolved; a run's routes allow its nodes (by address, or by
 * their unique port on 127.0.0.1) and the relays of its own links, nothing else.
 */
import { deepEqual, equal, ok } from "@std/assert";
import { SocksGate } from "../../../../adapters/engine/local/socks.ts";
import { LocalOutbound, needsGate } from "../../../../adapters/engine/local/outbound.ts";
import { startLinks } from "../../../../adapters/engine/local/links/mod.ts";
import type { LocalHostPlacement } from "../../../../adapters/engine/local/options.ts";
import type { SimModel } from "../../../../adapters/engine/types.ts";
import { deadline } from "../../../_helpers.ts";

/** An echo server on loopback; returns its port and a stop function. */
function _echo(): { port: number; stop: () => Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.TcpConn[] = [];
  const serving = (async () => {
    try {
      for await (const c of listener) {
        conns.push(c);
        c.readable.pipeTo(c.writable).catch(() => {});
      }
    } catch { /* closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    stop: async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await serving;
    },
  };
}

async function _readN(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  // Bounded: each read returns at least one byte or ends the loop.
  while (got < n) {
    const r = await conn.read(out.subarray(got));
    if (r === null) break;
    got += r;
  }
  return out.subarray(0, got);
}

function _socks4(ip: number[], port: number, name?: string): Uint8Array {
  const tail = name ? [...new TextEncoder().encode(name), 0] : [];
  return new Uint8Array([4, 1, port >> 8, port & 255, ...ip, 0, ...tail]);
}

Deno.test("SocksGate: SOCKS 4 relayed where the route says, refused and counted elsewhere", async () => {
  const echo = _echo();
  const allowed = `127.0.0.1:${echo.port}`;
  const gate = SocksGate.listen({
    hostname: "127.0.0.1",
    route: (d) => d === allowed ? d : undefined,
  });
  try {
    await deadline(
      (async () => {
        // Allowed: granted (90), then bytes go both ways.
        const c = await Deno.connect({ hostname: "127.0.0.1", port: gate.port });
        await c.write(_socks4([127, 0, 0, 1], echo.port));
        deepEqual([...await _readN(c, 8)].slice(0, 2), [0, 90]);
        await c.write(new TextEncoder().encode("levin"));
        equal(new TextDecoder().decode(await _readN(c, 5)), "levin");
        c.close();
        // A public seed node: rejected (91) and closed, nothing dialled.
        for (let i = 0; i < 2; i++) {
          const r = await Deno.connect({ hostname: "127.0.0.1", port: gate.port });
          await r.write(_socks4([176, 9, 0, 187], 18080));
          deepEqual([...await _readN(r, 8)].slice(0, 2), [0, 91]);
          equal((await _readN(r, 1)).length, 0, "closed after the refusal");
          r.close();
        }
        // 4a: a name is never resolved, even one that would be allowed.
        const n = await Deno.connect({ hostname: "127.0.0.1", port: gate.port });
        await n.write(_socks4([0, 0, 0, 1], echo.port, "localhost"));
        deepEqual([...await _readN(n, 8)].slice(0, 2), [0, 91]);
        n.close();
      })(),
      10_000,
      "SOCKS 4 exchanges",
    );
    deepEqual(gate.record(), {
      relayed: 1,
      refused: { "176.9.0.187:18080": 2, [`localhost:${echo.port}`]: 1 },
      failed: 0,
    });
  } finally {
    await gate.close();
    await echo.stop();
  }
});

Deno.test("SocksGate: SOCKS 5 CONNECT relayed, an outside address refused", async () => {
  const echo = _echo();
  const gate = SocksGate.listen({
    hostname: "127.0.0.1",
    route: (d) => d.startsWith("127.") ? d : undefined,
  });
  try {
    await deadline(
      (async () => {
        const c = await Deno.connect({ hostname: "127.0.0.1", port: gate.port });
        await c.write(new Uint8Array([5, 1, 0]));
        deepEqual([...await _readN(c, 2)], [5, 0]);
        await c.write(new Uint8Array([5, 1, 0, 1, 127, 0, 0, 1, echo.port >> 8, echo.port & 255]));
        equal((await _readN(c, 10))[1], 0, "succeeded");
        await c.write(new TextEncoder().encode("ping"));
        equal(new TextDecoder().decode(await _readN(c, 4)), "ping");
        c.close();
        const r = await Deno.connect({ hostname: "127.0.0.1", port: gate.port });
        await r.write(new Uint8Array([5, 1, 0]));
        await _readN(r, 2);
        await r.write(new Uint8Array([5, 1, 0, 1, 8, 8, 8, 8, 0, 53]));
        equal((await _readN(r, 10))[1], 2, "not allowed by the rule set");
        r.close();
      })(),
      10_000,
      "SOCKS 5 exchanges",
    );
    deepEqual(gate.record(), { relayed: 1, refused: { "8.8.8.8:53": 1 }, failed: 0 });
  } finally {
    await gate.close();
    await echo.stop();
  }
});

function _placement(name: string, ip: string, p2pPort: number): LocalHostPlacement {
  return {
    name,
    kind: "observer",
    ip,
    p2pPort,
    rpcPort: p2pPort + 1,
    rpcUrl: `http://${ip}:${p2pPort + 1}`,
    dir: "/nonexistent",
  };
}

Deno.test("needsGate: only a command line with no exclusive node, no --offline, no own proxy", () => {
  equal(needsGate(["--regtest", "--seed-node=127.0.0.2:1"]), true);
  equal(needsGate(["--add-priority-node=127.0.0.2:1"]), true);
  equal(needsGate(["--add-exclusive-node=127.0.0.2:1"]), false);
  equal(needsGate(["--offline"]), false);
  equal(needsGate(["--proxy=127.0.0.1:9050"]), false);
});

Deno.test("LocalOutbound: routes to the run's nodes (address or unique port), refuses the rest", async () => {
  const placements = [
    _placement("a", "127.0.52.2", 41001),
    _placement("b", "127.0.52.3", 41002),
  ];
  const out = new LocalOutbound({ placements });
  try {
    equal(out.route("a", "127.0.52.3:41002"), "127.0.52.3:41002");
    // Loopback peers see each other from 127.0.0.1; the port names the node.
    equal(out.route("a", "127.0.0.1:41002"), "127.0.52.3:41002");
    equal(out.route("a", "127.0.52.3:9999"), undefined);
    equal(out.route("a", "176.9.0.187:18080"), undefined);
    const flags = out.flags("a", ["--seed-node=127.0.52.3:41002"], true);
    equal(flags.length, 2);
    ok(flags[0].startsWith("--proxy=127.0.52.2:"), flags[0]);
    equal(flags[1], "--proxy-allow-dns-leaks");
    deepEqual(out.flags("b", ["--add-exclusive-node=127.0.52.2:41001"]), []);
    equal(out.record().gated_hosts, 1);
  } finally {
    await out.close();
  }
});

Deno.test("LocalOutbound: with shaped links, a node is reached through the link's relay", async () => {
  const placements = [
    _placement("a", "127.0.52.2", 41001),
    _placement("b", "127.0.52.3", 41002),
  ];
  const model: SimModel = {
    name: "gate",
    seed: 1,
    stopTimeS: 10,
    bootstrapEndTimeS: 0,
    parallelism: 1,
    peerMode: "dynamic",
    hosts: [],
    edges: [{ a: "a", b: "b", latencyMs: 50, packetLoss: 0 }],
    attacks: [],
  };
  const links = await startLinks({ model, placements, probe: false });
  const out = new LocalOutbound({ placements, links });
  try {
    equal(links.path, "relay");
    const via = out.route("a", "127.0.52.3:41002")!;
    const relay = links.relay("a", "b")!;
    equal(via, `${relay.hostname}:${relay.port}`, "dialled through a's relay to b");
    // The relay's own address (what a rewritten peer flag names) is allowed to a, not to b.
    equal(out.route("a", via), via);
    equal(out.route("b", via), undefined);
  } finally {
    await out.close();
    await links.close();
  }
});

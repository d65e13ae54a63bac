/**
 * The links of a local run without monerod: which path a model gets, peer flags pointed at
 * relays on the peer's own address (the scenario's latency applied), other flags untouched,
 * and the run record.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { startLinks } from "../../../../../adapters/engine/local/links/mod.ts";
import type { LocalHostPlacement } from "../../../../../adapters/engine/local/options.ts";
import type { SimHost, SimModel } from "../../../../../adapters/engine/types.ts";
import { deadline } from "../../../../_helpers.ts";
import { testHost, testModel } from "../../_sim_model.ts";

function _host(name: string, ip: string, p2pPort: number): SimHost {
  return testHost(name, { ip, p2pPort, rpcPort: p2pPort + 1 });
}

function _setup(latencyMs: number, target: number) {
  const hosts = [_host("a", "127.0.0.1", 1), _host("b", "127.0.0.1", target)];
  const model: SimModel = testModel(hosts, {
    name: "links",
    seed: 3,
    edges: [{ a: "a", b: "b", latencyMs, packetLoss: 0 }],
  });
  const placements: LocalHostPlacement[] = hosts.map((h) => ({
    name: h.name,
    kind: h.kind,
    ip: h.ip,
    p2pPort: h.p2pPort,
    rpcPort: h.rpcPort,
    rpcUrl: `http://${h.ip}:${h.rpcPort}`,
    dir: "/nonexistent",
  }));
  return { model, placements };
}

Deno.test("links: peer flags point at a relay that carries the link's latency", async () => {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (server.addr as Deno.NetAddr).port;
  const links = await startLinks({ ..._setup(80, port), probe: false });
  try {
    equal(links.path, "relay");
    const args = links.rewrite("a", [
      "--regtest",
      `--add-exclusive-node=127.0.0.1:${port}`,
      "--add-exclusive-node=127.0.0.9:5", // no placed node: left alone
      `--p2p-bind-port=${port}`,
    ]);
    const relay = links.relay("a", "b")!;
    deepEqual(args, [
      "--regtest",
      `--add-exclusive-node=127.0.0.1:${relay.port}`,
      "--add-exclusive-node=127.0.0.9:5",
      `--p2p-bind-port=${port}`,
    ]);
    ok(relay.port !== port && relay.port !== port + 1);
    // The same link is one relay, however often the flags are rewritten (a restart).
    links.rewrite("a", [`--add-exclusive-node=127.0.0.1:${port}`]);
    equal(links.record().links, 1);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: relay.port });
    const far = await deadline(server.accept(), 5000, "accept");
    const t0 = performance.now();
    await conn.write(new Uint8Array([7]));
    const got = new Uint8Array(1);
    await deadline(far.read(got), 5000, "byte through the relay");
    ok(performance.now() - t0 >= 79, "the byte took the link's 80 ms");
    far.close();
    conn.close();
    const record = links.record();
    equal(record.path, "relay");
    match(record.message, /relay/);
    equal(record.stats!.bytes_forward, 1);
  } finally {
    server.close();
    await links.close();
  }
});

Deno.test("links: a model without latency or loss, or ideal asked for, keeps loopback", async () => {
  for (const [latency, mode] of [[0, "auto"], [50, "ideal"]] as const) {
    const links = await startLinks({ ..._setup(latency, 9), mode, probe: false });
    equal(links.path, "ideal");
    deepEqual(links.rewrite("a", ["--add-exclusive-node=127.0.0.1:9"]), [
      "--add-exclusive-node=127.0.0.1:9",
    ]);
    match(links.record().message, /links are ideal/);
    await links.close();
  }
});

Deno.test("links.json: each link of the run with the shape it was given; none when ideal", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { model, placements } = _setup(80, 9);
    model.edges[0] = { ...model.edges[0], jitterMs: 5, packetLoss: 1 };
    // An edge to a host the run did not place (over --max-hosts) is no link of the run.
    model.edges.push({ a: "a", b: "z", latencyMs: 10, packetLoss: 0 });
    const links = await startLinks({ model, placements, probe: false });
    equal(links.path, "relay");
    await links.close(dir);
    const written = JSON.parse(await Deno.readTextFile(`${dir}/links.json`));
    deepEqual(written.shapes, [{ a: "a", b: "b", latency_ms: 80, jitter_ms: 5, loss: 0.99 }]);
    equal(links.record().shapes, undefined, "the run summary stays short");

    const ideal = await startLinks({ ..._setup(80, 9), mode: "ideal", probe: false });
    await ideal.close(dir);
    equal(JSON.parse(await Deno.readTextFile(`${dir}/links.json`)).shapes, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The P2P port over in-process libp2p nodes (built through the port's factory): two real nodes
 * on loopback. libp2p leaves handles behind after `stop()` under Deno, so the sanitizers are off
 * (as in node_test.ts); every node is still closed in `finally`.
 */
import { deepEqual, equal } from "@std/assert";
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { Libp2pP2P } from "../../../../adapters/p2p/libp2p/port.ts";
import { createP2P, type P2PMessage, type P2PPortEvent } from "../../../../adapters/p2p/mod.ts";

async function _until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function _p2p(): Promise<Libp2pP2P> {
  const p2p = await createP2P({
    backend: "libp2p",
    privateKey: privateKeyToProtobuf(await generateKeyPair("Ed25519")),
    listen: ["/ip4/127.0.0.1/tcp/0"],
    mdns: false,
  });
  if (!(p2p instanceof Libp2pP2P)) throw new Error("the libp2p backend is not Libp2pP2P");
  return p2p;
}

Deno.test({
  name: "libp2p port: peers, pub/sub in the subscriber's shape, unsubscribe, close",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const all: Libp2pP2P[] = [];
    try {
      const a = await _p2p();
      all.push(a);
      const b = await _p2p();
      all.push(b);
      const events: P2PPortEvent[] = [];
      a.on((e) => events.push(e));
      await b.node.connect(a.node.addrs()[0]);
      await _until("a sees b", () => events.some((e) => e.type === "peer_connected"));
      deepEqual(events[0], {
        type: "peer_connected",
        peer_id: b.peerId(),
        addr: (events[0] as { addr: string }).addr,
      });
      deepEqual((await a.peers()).map((p) => p.peer_id), [b.peerId()]);

      const got: P2PMessage[] = [];
      const got2: P2PMessage[] = [];
      const off = await b.subscribe("t", (m) => got.push(m));
      const off2 = await b.subscribe("t", (m) => got2.push(m));
      deepEqual(b.node.topics(), ["t"]);
      await _until("a knows b subscribes", async () => (await a.peers("t")).length === 1);
      equal((await a.publish("t", "hello")).recipients, 1);
      await a.publish("t", new Uint8Array([0xff]));
      await _until("two messages", () => got.length === 2 && got2.length === 2);
      equal(got[0].message, "hello");
      equal(got[0].from, a.peerId());
      equal(got[1].data_b64, "/w==");

      await off();
      deepEqual(b.node.topics(), ["t"], "still wanted by the second handler");
      await off2();
      await off2();
      deepEqual(b.node.topics(), [], "the last handler gone: the node leaves the topic");

      await b.close();
      equal(b.peerId(), null);
      await _until("a sees b go", () => events.some((e) => e.type === "peer_disconnected"));
    } finally {
      for (const p of all) await p.close().catch(() => {});
    }
  },
});

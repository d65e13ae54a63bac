/**
 * The libp2p backend of the P2P port, in process: two real nodes on loopback.
 *
 * libp2p 3.x leaves timers and sockets behind after `stop()` under Deno (see ENVIRONMENT.md),
 * so these tests turn the resource and op sanitizers off; every node is still stopped in
 * `finally`. The daemon tests run nodes in child processes instead.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { createP2PNode, type P2PEvent, type P2PNode } from "../../../../adapters/p2p/mod.ts";
import { messageIdText } from "../../../../adapters/p2p/libp2p/node.ts";
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { gossipsub, StrictSign } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import type { PrivateKey } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import { createLibp2p } from "libp2p";

async function _key(): Promise<Uint8Array> {
  return privateKeyToProtobuf(await generateKeyPair("Ed25519"));
}

async function _until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const _leaky = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  name: "libp2p node: listen, connect, pub/sub, ping, peers, disconnect",
  ..._leaky,
  async fn() {
    const nodes: P2PNode[] = [];
    try {
      const a = await createP2PNode({
        backend: "libp2p",
        privateKey: await _key(),
        listen: ["/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/tcp/0/ws"],
        mdns: false,
      });
      nodes.push(a);
      const b = await createP2PNode({
        backend: "libp2p",
        privateKey: await _key(),
        listen: ["/ip4/127.0.0.1/tcp/0"],
        mdns: false,
      });
      nodes.push(b);
      equal(a.addrs().length, 2);
      match(a.addrs()[0], new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${a.peerId}$`));
      match(a.addrs()[1], /\/ws\/p2p\//);
      ok(a.protocols().includes("/meshsub/1.2.0"));
      ok(a.protocols().includes("/ipfs/ping/1.0.0"));
      equal(a.dht, null);

      const aEvents: P2PEvent[] = [];
      a.on((e) => aEvents.push(e));
      const bEvents: P2PEvent[] = [];
      b.on((e) => bEvents.push(e));

      // Dial over WebSockets to prove that transport too.
      equal(await b.connect(a.addrs()[1]), a.peerId);
      await _until(
        "peer_connected",
        () => aEvents.some((e) => e.type === "peer_connected" && e.peerId === b.peerId),
      );
      deepEqual(b.peers().map((p) => p.peerId), [a.peerId]);

      a.subscribe("topic/x");
      b.subscribe("topic/x");
      deepEqual(b.topics(), ["topic/x"]);
      await _until("mesh", () => a.topicPeers("topic/x").includes(b.peerId));
      const sent = await a.publish("topic/x", Uint8Array.of(9, 8, 7));
      equal(sent.recipients, 1);
      await _until("message", () => bEvents.some((e) => e.type === "message"));
      const msg = bEvents.find((e) => e.type === "message")!;
      if (msg.type !== "message") throw new Error("unreachable");
      deepEqual([...msg.data], [9, 8, 7]);
      equal(msg.from, a.peerId);
      equal(msg.topic, "topic/x");
      equal(typeof msg.seqno, "bigint");
      ok(
        bEvents.some((e) =>
          e.type === "subscription_change" && e.peerId === a.peerId && e.subscribed
        ),
      );

      ok(await b.ping(a.peerId) >= 0);
      // Nobody else subscribes to this topic: publishing is fine and reaches no one.
      equal((await a.publish("empty", Uint8Array.of(1))).recipients, 0);

      await b.disconnect(a.peerId);
      await _until(
        "peer_disconnected",
        () => aEvents.some((e) => e.type === "peer_disconnected" && e.peerId === b.peerId),
      );
      deepEqual(b.peers(), []);
    } finally {
      for (const n of nodes) await n.stop();
    }
  },
});

Deno.test({
  name: "libp2p node: a garbage private key fails to start",
  ..._leaky,
  async fn() {
    let threw = false;
    try {
      const n = await createP2PNode({
        backend: "libp2p",
        privateKey: Uint8Array.of(1, 2, 3),
        listen: ["/ip4/127.0.0.1/tcp/0"],
        mdns: false,
      });
      await n.stop();
    } catch {
      threw = true;
    }
    ok(threw, "garbage private key must be refused");
  },
});

Deno.test({
  name: "libp2p node: 16 peers from 127.0.0.1 are not graylisted as colocated",
  ..._leaky,
  async fn() {
    const nodes: P2PNode[] = [];
    const LEAVES = 16;
    try {
      const make = async () => {
        const n = await createP2PNode({
          backend: "libp2p",
          privateKey: await _key(),
          listen: ["/ip4/127.0.0.1/tcp/0"],
          mdns: false,
          // As the daemon does by default: 16 dials in a second from one host would hit the
          // per-host inbound rate limit otherwise.
          allow: ["/ip4/127.0.0.0/ipcidr/8"],
        });
        nodes.push(n);
        return n;
      };
      const hub = await make();
      hub.subscribe("crowd");
      const got: string[] = [];
      hub.on((e) => {
        if (e.type === "message") got.push(e.from);
      });
      const leaves: P2PNode[] = [];
      for (let i = 0; i < LEAVES; i++) {
        const leaf = await make();
        await leaf.connect(hub.addrs()[0]);
        leaves.push(leaf);
      }
      for (const leaf of leaves) leaf.subscribe("crowd");
      // Gossipsub's colocation penalty is -5 * (peers on one IP - 10)^2: at 16 peers that is
      // -180, below the graylist threshold (-80), and a penalised hub would ignore the leaves.
      await _until("hub sees every subscriber", () => hub.topicPeers("crowd").length === LEAVES);
      await new Promise((r) => setTimeout(r, 1200)); // one heartbeat recomputes scores
      for (const leaf of leaves) await leaf.publish("crowd", Uint8Array.of(1));
      await _until("hub got a message from every leaf", () => new Set(got).size === LEAVES);
    } finally {
      for (const n of nodes) await n.stop();
    }
  },
});

Deno.test({
  name: "libp2p node: a message with a forged signature is dropped, the next good one delivered",
  ..._leaky,
  async fn() {
    // The sender is a bare libp2p node whose key signs with another key on demand, after the
    // noise handshake (which signs too) went through.
    const real = await generateKeyPair("Ed25519");
    const impostor = await generateKeyPair("Ed25519");
    let forge = false;
    const forgingKey = Object.create(real) as PrivateKey;
    forgingKey.sign = (data, options) =>
      forge ? impostor.sign(data, options) : real.sign(data, options);
    const sender = await createLibp2p({
      privateKey: forgingKey,
      addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        pubsub: gossipsub({ globalSignaturePolicy: StrictSign }),
      },
    });
    const receiver = await createP2PNode({
      backend: "libp2p",
      privateKey: await _key(),
      listen: ["/ip4/127.0.0.1/tcp/0"],
      mdns: false,
    });
    try {
      const got: string[] = [];
      receiver.on((e) => {
        if (e.type === "message") got.push(new TextDecoder().decode(e.data));
      });
      receiver.subscribe("signed");
      sender.services.pubsub.subscribe("signed");
      await receiver.connect(sender.getMultiaddrs()[0].toString());
      await _until(
        "both see each other on the topic",
        () =>
          receiver.topicPeers("signed").length === 1 &&
          sender.services.pubsub.getSubscribers("signed").length === 1,
      );
      const send = (text: string) =>
        sender.services.pubsub.publish("signed", new TextEncoder().encode(text));

      forge = true;
      await send("forged");
      forge = false;
      await send("genuine");
      await _until("the genuine message", () => got.includes("genuine"));
      await new Promise((r) => setTimeout(r, 500));
      deepEqual(got, ["genuine"]);
    } finally {
      await receiver.stop();
      await sender.stop();
    }
  },
});

Deno.test({
  name: "libp2p node: 2.5 MiB of 64 KiB messages cross intact (many yamux windows)",
  ..._leaky,
  async fn() {
    const nodes: P2PNode[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        nodes.push(
          await createP2PNode({
            backend: "libp2p",
            privateKey: await _key(),
            listen: ["/ip4/127.0.0.1/tcp/0"],
            mdns: false,
          }),
        );
      }
      const [a, b] = nodes;
      const got = new Map<number, Uint8Array>();
      b.on((e) => {
        if (e.type === "message") got.set(e.data[0], e.data);
      });
      a.subscribe("bulk");
      b.subscribe("bulk");
      await b.connect(a.addrs()[0]);
      await _until("mesh", () => a.topicPeers("bulk").includes(b.peerId));
      const COUNT = 40;
      const payload = (i: number) => {
        const bytes = new Uint8Array(64 * 1024);
        for (let j = 0; j < bytes.length; j++) bytes[j] = (i * 31 + j) & 0xff;
        bytes[0] = i;
        return bytes;
      };
      await Promise.all(Array.from({ length: COUNT }, (_, i) => a.publish("bulk", payload(i))));
      await _until("every message", () => got.size === COUNT);
      for (let i = 0; i < COUNT; i++) deepEqual(got.get(i), payload(i));
    } finally {
      for (const n of nodes) await n.stop();
    }
  },
});

Deno.test("message id text: one character per byte, distinct for distinct ids", () => {
  const ids = Array.from({ length: 2000 }, () => crypto.getRandomValues(new Uint8Array(44)));
  ids.push(new Uint8Array(44), new Uint8Array(44).fill(255), new Uint8Array(43));
  const texts = new Set(ids.map(messageIdText));
  equal(texts.size, ids.length);
  for (const id of ids.slice(-3)) {
    const text = messageIdText(id);
    equal(text.length, id.length);
    deepEqual([...text].map((c) => c.charCodeAt(0)), [...id]);
  }
  // A view into a larger buffer renders only its own bytes.
  const whole = Uint8Array.of(9, 1, 2, 3, 9);
  equal(messageIdText(whole.subarray(1, 4)), "\x01\x02\x03");
});

/**
 * The daemon keeps its bootstrap peers connected by itself: a peer that is down at start is
 * dialled until it comes up, and a peer that is killed (-9) and restarted with the same identity
 * and address is reconnected, after which pub/sub flows again. Real daemons on loopback.
 */
import { deepEqual, equal, ok } from "@std/assert";
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPublicKey } from "@libp2p/peer-id";
import { createP2PNode } from "../../../adapters/p2p/mod.ts";
import { peerIdOfMultiaddr, startBootstrapKeeper } from "../../../commands/daemon/bootstrap.ts";
import { loadOrCreateIdentity } from "../../../commands/daemon/identity.ts";
import type { DaemonEvent, Reply } from "../../../adapters/p2p/ipc_protocol.ts";

type MessageReceivedEvent = DaemonEvent<"message_received">;
type StatusReply = Reply<"status">;
import { IpcClient } from "../../../core/ipc/mod.ts";
import { readTokenFile } from "../../../core/ipc/token.ts";
import { type DaemonChild, startDaemon } from "./_daemon.ts";

async function _client(d: DaemonChild): Promise<IpcClient> {
  return await IpcClient.connect({
    url: d.info.ipc_url,
    token: await readTokenFile(d.info.token_file),
  });
}

async function _until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 40_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function _freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("daemon redials a bootstrap peer that was down at start and one that restarted", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-bootstrap-" });
  let a: DaemonChild | undefined;
  let b: DaemonChild | undefined;
  const clients: IpcClient[] = [];
  try {
    const identity = `${root}/a/identity.key`;
    await Deno.mkdir(`${root}/a`, { recursive: true });
    const aId = (await loadOrCreateIdentity(identity)).peerId;
    const listen = `/ip4/127.0.0.1/tcp/${_freePort()}`;
    const startA = () =>
      startDaemon({ dataDir: `${root}/a`, args: ["--identity", identity, "--p2p-listen", listen] });

    // B starts first: its bootstrap peer A is not up yet.
    b = await startDaemon({ dataDir: `${root}/b`, args: ["--bootstrap", `${listen}/p2p/${aId}`] });
    const cb = await _client(b);
    clients.push(cb);
    const bootstrapOf = async () => (await cb.request<StatusReply>("status")).bootstrap[0];
    await _until("a failed dial of A", async () => (await bootstrapOf()).failures >= 1);
    equal((await bootstrapOf()).connected, false);

    a = await startA();
    equal(a.info.peer_id, aId);
    await _until("B connected to A", async () => (await bootstrapOf()).connected);
    const received: MessageReceivedEvent[] = [];
    cb.on("message_received", (data) => received.push(data as MessageReceivedEvent));
    await cb.request("subscribe", { topic: "chat" });

    // A crashes and comes back with the same identity and address.
    await a.stop("SIGKILL");
    await _until("B noticed A is gone", async () => !(await bootstrapOf()).connected);
    a = await startA();
    await _until("B reconnected to A", async () => (await bootstrapOf()).connected);
    const status = await bootstrapOf();
    equal(status.peer_id, aId);
    equal(status.addr, `${listen}/p2p/${aId}`);
    ok(status.reconnects >= 1, JSON.stringify(status));
    ok(status.attempts > status.failures, JSON.stringify(status));

    const ca = await _client(a);
    clients.push(ca);
    await _until("A sees B subscribed to chat", async () => {
      const { peers } = await ca.request<{ peers: { peer_id: string }[] }>("list_peers", {
        topic: "chat",
      });
      return peers.some((p) => p.peer_id === b!.info.peer_id);
    });
    deepEqual(await ca.request("publish", { topic: "chat", message: "after restart" }), {
      topic: "chat",
      recipients: 1,
    });
    await _until("B's subscriber got the message", () => received.length >= 1);
    equal(received[0].message, "after restart");
    equal(received[0].from, aId);
    ok(b.stderr().includes("bootstrap peer reconnected"), "the reconnect is logged");
  } finally {
    for (const c of clients) c.close();
    await b?.stop();
    await a?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "bootstrap keeper: failed dials back off and stop when closed",
  // libp2p leaves timers and sockets behind after stop() under Deno (see ENVIRONMENT.md).
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const node = await createP2PNode({
      backend: "libp2p",
      privateKey: privateKeyToProtobuf(await generateKeyPair("Ed25519")),
      listen: ["/ip4/127.0.0.1/tcp/0"],
      mdns: false,
    });
    const absent = (await generateKeyPair("Ed25519")).publicKey;
    const addr = `/ip4/127.0.0.1/tcp/${_freePort()}/p2p/${peerIdFromPublicKey(absent)}`;
    const keeper = startBootstrapKeeper({ node, bootstrap: [addr], initialMs: 20, maxMs: 80 });
    try {
      equal(peerIdOfMultiaddr(addr), peerIdFromPublicKey(absent).toString());
      await _until("five failed dials", () => keeper.status()[0].failures >= 5);
      const [s] = keeper.status();
      equal(s.connected, false);
      equal(s.reconnects, 0);
      ok(s.attempts - s.failures <= 1, JSON.stringify(s));
      keeper.close();
      const after = keeper.status()[0].attempts;
      await new Promise((r) => setTimeout(r, 400));
      ok(keeper.status()[0].attempts <= after + 1, "no new dials after close");
    } finally {
      keeper.close();
      await Promise.race([node.stop(), new Promise((r) => setTimeout(r, 2000))]);
    }
  },
});

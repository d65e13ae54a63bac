/**
 * Address-only bootstrap peers: dialled by a DNS address without a peer id, the peer id learned
 * from the handshake, and dialled again when the connection is lost.
 */
import { equal } from "@std/assert";
import { AddressDialer } from "../../../commands/hap/dialer.ts";
import { memoryLogger, node, until } from "./_mesh.ts";

Deno.test({
  name: "hap dialer: a peer named by /dns4 address only is reached, and reached again when lost",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const a = await node();
    const b = await node();
    const port = a.node.addrs()[0].match(/\/tcp\/(\d+)\//)![1];
    const dialer = new AddressDialer({
      addrs: [`/dns4/localhost/tcp/${port}`],
      dial: (addr) => b.node.connect(addr),
      p2p: b,
      logger: memoryLogger().logger,
      initialMs: 50,
    });
    try {
      dialer.start();
      await until("b reached a", () => dialer.status()[0].connected);
      equal(dialer.status()[0].peer_id, a.peerId());
      equal((await b.peers()).some((p) => p.peer_id === a.peerId()), true);
      await b.node.disconnect(a.peerId()!);
      await until(
        "b reached a again",
        async () =>
          dialer.status()[0].attempts >= 2 && dialer.status()[0].connected &&
          (await b.peers()).some((p) => p.peer_id === a.peerId()),
      );
    } finally {
      dialer.stop();
      await a.close();
      await b.close();
    }
  },
});

/**
 * The signing facade `hive host` gives its agents, over two real libp2p nodes: payloads arrive
 * unwrapped after verification, raw and role-denied messages never reach the handler, RBAC
 * refuses a send, records of the peers are learned.
 */
import { equal, match, ok } from "@std/assert";
import { SignedPubSub } from "../../../core/envelope/signed_pubsub.ts";
import { generateKeyFile, identityFromKeyFile } from "../../../core/identity/identity.ts";
import type { Libp2pP2P } from "../../../adapters/p2p/libp2p/port.ts";
import { defaultRbac, memoryLogger, node, until } from "../../commands/hap/_mesh.ts";
import { HiveError } from "../../../core/errors.ts";
import { rejection } from "../../_helpers.ts";

async function signed(p2p: Libp2pP2P, id: string, role: string) {
  const rbac = defaultRbac();
  const identity = await identityFromKeyFile(await generateKeyFile("agent", id), {
    role,
    capabilities: rbac.capabilities(role),
  });
  const s = new SignedPubSub({
    inner: p2p,
    identity,
    rbac,
    logger: memoryLogger().logger,
    announceMs: 300,
  });
  await s.start();
  return s;
}

Deno.test({
  name: "signed pub/sub: verified payloads only, RBAC on send, records learned",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const nodes: Libp2pP2P[] = [];
    try {
      nodes.push(await node(), await node());
      const [na, nb] = nodes;
      await nb.node.connect(na.node.addrs()[0]);
      const a = await signed(na, "host-a", "agent");
      const b = await signed(nb, "host-b", "agent");
      const got: string[] = [];
      await b.subscribe("/hive/chat/general", (m) => got.push(m.message ?? ""));
      await until(
        "a sees b on the topic",
        async () => (await na.peers("/hive/chat/general")).length > 0,
      );
      await a.publish("/hive/chat/general", '{"v":1,"text":"hi","sent_at":"2026-01-01T00:00:00Z"}');
      await na.publish(
        "/hive/chat/general",
        '{"v":1,"text":"raw","sent_at":"2026-01-01T00:00:00Z"}',
      );
      await until("the signed one arrived", () => got.length === 1);
      await until("the raw one was dropped", () => b.verifier.drops().unsigned === 1);
      match(got[0], /"text":"hi"/);
      await until("b learned a's record", () => b.registry.get("host-a") !== undefined);
      equal(b.registry.get("host-a")?.kind, "agent");
      const watcher = await signed(na, "watcher", "observer");
      const error = await rejection(watcher.publish("/hive/chat/general", "x"), HiveError);
      match(error.message, /role observer may not publish on \/hive\/chat\/general/);
      ok(got.every((t) => !t.includes("raw")));
      await Promise.all([a.stop(), b.stop(), watcher.stop()]);
    } finally {
      for (const n of nodes) await n.close().catch(() => {});
    }
  },
});

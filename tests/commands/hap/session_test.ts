/**
 * Sessions over real libp2p nodes on loopback: agents listed apart, messages verified end to
 * end, forgeries injected through a raw node dropped per reason, RBAC on send and on receive,
 * and role-encrypted documents across nodes.
 */
import { equal, match, ok } from "@std/assert";
import { encodeEnvelope, signEnvelope } from "../../../core/envelope/envelope.ts";
import { generateKeyFile, identityFromKeyFile } from "../../../core/identity/identity.ts";
import { NotRecipientError } from "../../../core/documents/document.ts";
import { type HapMessage, RbacDeniedError } from "../../../commands/hap/session.ts";
import { rejection } from "../../_helpers.ts";
import { HiveError } from "../../../core/errors.ts";
import { defaultRbac, memoryLogger, node, peerSession, session, until } from "./_mesh.ts";
import { HapSession } from "../../../commands/hap/session.ts";
import { DaemonP2P } from "../../../adapters/p2p/daemon/client.ts";
import { endpointOfInfo } from "../../../adapters/p2p/daemon/endpoint.ts";
import { startDaemon } from "../daemon/_daemon.ts";
import type { Libp2pP2P } from "../../../adapters/p2p/libp2p/port.ts";

const TOPIC = "/hive/chat/general";

Deno.test({
  name: "hap session: agents, verified chat, forgeries and RBAC dropped per reason, documents",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const nodes: Libp2pP2P[] = [];
    const closers: (() => Promise<void>)[] = [];
    try {
      // alice's node holds her identity key (as under `hive hap`): her envelopes are
      // peer-signed. The others' nodes have keys of their own: their envelopes carry signatures.
      const { p2p: na, session: alice } = await peerSession("alice", "operator");
      nodes.push(na);
      for (let i = 0; i < 3; i++) nodes.push(await node());
      const [, nb, nc, raw] = nodes;
      for (const n of [nb, nc, raw]) await n.node.connect(na.node.addrs()[0]);
      const { session: bob, lines: bobLog } = await session(nb, "bob", "operator");
      const { session: bot } = await session(nc, "bot", "agent", "agent");
      const { session: olly } = await session(raw, "olly", "observer");
      closers.push(() => alice.close(), () => bob.close(), () => bot.close(), () => olly.close());

      // Everyone's record reaches bob; people and agents apart.
      await until("bob knows all four", () => bob.agents().length === 4);
      const kinds = bob.agents().map((a) => `${a.kind}:${a.id}:${a.role}`);
      equal(
        kinds.join(" "),
        "agent:bot:agent hap:alice:operator hap:bob:operator hap:olly:observer",
      );
      ok(bob.agents().find((a) => a.id === "alice")?.peer_id === na.peerId());

      // A chat line from alice arrives verified, with sender id, role and kind.
      const got: HapMessage[] = [];
      bob.on((e) => e.type === "message" && got.push(e.message));
      await bob.join(TOPIC);
      await alice.join(TOPIC);
      await until("alice sees bob on the topic", async () => (await na.peers(TOPIC)).length > 0);
      const sent = await alice.sendChat(TOPIC, "hello bob");
      equal(sent.envelope.sig, "peer", "one signature: alice's node's");
      await until("bob gets the line", () => got.length === 1);
      equal(got[0].text, "hello bob");
      equal(got[0].from, "alice");
      equal(got[0].role, "operator");
      equal(got[0].kind, "hap");

      // Forgeries injected through a raw node (no session on the send path).
      const mallory = await identityFromKeyFile(await generateKeyFile("hap", "mallory"), {
        role: "operator",
        capabilities: [],
      });
      const good = signEnvelope(mallory, { topic: TOPIC, payload: "x", type: "text" });
      const forgedKey = signEnvelope({ ...mallory, id: "alice" }, {
        topic: TOPIC,
        payload: "I am alice",
      });
      const tampered = { ...good, payload: "changed" };
      const stale = signEnvelope(mallory, {
        topic: TOPIC,
        payload: "old",
        ts: Date.now() - 120_000,
      });
      const denied = signEnvelope({ ...mallory, role: "observer" }, {
        topic: TOPIC,
        payload: "not allowed",
      });
      // Peer-signed in alice's name, but published by another node: its signature is not hers.
      const peerForged = signEnvelope({
        ...mallory,
        id: "alice",
        public_key: alice.identity.public_key,
      }, {
        topic: TOPIC,
        payload: "I am alice too",
        signature: "peer",
      });
      const before = bob.verifier.drops();
      await raw.publish(TOPIC, encodeEnvelope(good));
      await raw.publish(TOPIC, encodeEnvelope(good)); // replay
      await raw.publish(TOPIC, encodeEnvelope(forgedKey));
      await raw.publish(TOPIC, JSON.stringify(tampered));
      await raw.publish(TOPIC, encodeEnvelope(stale));
      await raw.publish(TOPIC, "plain unsigned text");
      await raw.publish(TOPIC, encodeEnvelope(denied));
      await raw.publish(TOPIC, encodeEnvelope(peerForged));
      await until("bob counted seven drops", () => {
        const d = bob.verifier.drops();
        return Object.values(d).reduce((a, b) => a + b, 0) -
            Object.values(before).reduce((a, b) => a + b, 0) === 7;
      });
      const drops = bob.verifier.drops();
      equal(drops.replayed - before.replayed, 1);
      equal(drops.key_mismatch - before.key_mismatch, 1);
      equal(drops.bad_signature - before.bad_signature, 2, "tampered, and peer-signed by another");
      equal(drops.stale - before.stale, 1);
      equal(drops.unsigned - before.unsigned, 1);
      equal(drops.rbac_denied - before.rbac_denied, 1);
      equal(got.length, 2, "only the first copy of mallory's good message got through");
      match(bob.metrics(), /hive_hap_envelopes_dropped_total\{reason="rbac_denied"\} 1/);
      ok(bobLog.some((l) => l.includes('"reason":"replayed"')), "drops are in the audit log");
      ok(bobLog.some((l) => l.includes("peer-signed, but published by " + raw.peerId())));

      // RBAC on send: the observer is refused with its role and rule; nothing is published.
      const refused = await rejection(olly.sendChat(TOPIC, "hi"), RbacDeniedError);
      match(refused.message, /role observer may not publish on \/hive\/chat\/general/);
      match(refused.message, /rbac\.roles\.observer\.publish allows \/hive\/agents, \/hive\/docs/);

      // Documents: for operators; bob (operator, other node) reads it, the agent cannot.
      await alice.put("runbook", ["operator"], "restart with care");
      const read = await bob.get("runbook", 10_000);
      equal(read.content, "restart with care");
      equal(read.doc.writer, "alice");
      await until("bot has the document", () => bot.documents.get("runbook") !== undefined);
      const notRecipient = await rejection(bot.get("runbook"), NotRecipientError);
      match(notRecipient.message, /^not a recipient/);
      // A late joiner gets it by sync.
      const late = await node();
      nodes.push(late);
      await late.node.connect(na.node.addrs()[0]);
      const { session: carol } = await session(late, "carol", "operator");
      closers.push(() => carol.close());
      await until("carol holds runbook", () => carol.documents.get("runbook") !== undefined);
      // carol was not a member when it was written: a recipient list is fixed at writing.
      await rejection(carol.get("runbook"), NotRecipientError);
    } finally {
      for (const close of closers) await close().catch(() => {});
      for (const n of nodes) await n.close().catch(() => {});
    }
  },
});

Deno.test({
  name: "hap session: with the daemon gone, sends fail, then fail fast through the breaker",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-hap-breaker-" });
    const daemon = await startDaemon({ dataDir: `${root}/d`, readyTimeoutMs: 60_000 });
    const p2p = new DaemonP2P({ reconnect: false });
    await p2p.use(await endpointOfInfo(daemon.info));
    const rbac = defaultRbac();
    const identity = await identityFromKeyFile(await generateKeyFile("hap", "alice"), {
      role: "operator",
      capabilities: rbac.capabilities("operator"),
    });
    const s = new HapSession({ identity, p2p, rbac, logger: memoryLogger().logger });
    try {
      await s.start();
      await s.sendChat(TOPIC, "while up");
      await daemon.stop();
      await until("the client saw the daemon go", () => !p2p.connected);
      for (let i = 0; i < 3; i++) await s.sendChat(TOPIC, `try ${i}`).catch(() => {});
      equal(s.breaker.state, "open");
      const started = performance.now();
      const error = await rejection(s.sendChat(TOPIC, "again"), HiveError);
      ok(performance.now() - started < 100, "refused without waiting");
      equal(error.code, "daemon_unreachable");
      match(
        error.message,
        /the daemon is unreachable; not sent to \/hive\/chat\/general \(failing fast/,
      );
      match(s.metrics(), /hive_hap_breaker_rejected_total 1/);
      equal(s.daemonUp, false);
    } finally {
      await s.close();
      await p2p.close();
      await daemon.stop().catch(() => {});
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});

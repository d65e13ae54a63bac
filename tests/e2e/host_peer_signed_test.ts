/**
 * `hive host` envelopes with one signature: two real hosts on loopback and a raw `hive daemon`
 * that watches the room. Host A's daemon has A's identity key, so A's chat message travels
 * peer-signed (`sig: "peer"`, authored by the peer id of the key it names) and host B accepts it.
 * The raw daemon then publishes an envelope naming A's id and key with `sig: "peer"`: its author
 * is the raw daemon's own peer, so B drops it as `bad_signature` and never shows it. Without the
 * author check the forged message would be accepted and no drop counted, so the test fails.
 * A third host starts on a data dir whose daemon already had a key other than its identity's: it
 * keeps that key (and peer id), and its envelopes carry their own signature, which B accepts.
 */
import { equal, match, ok } from "@std/assert";
import { DaemonP2P } from "../../adapters/p2p/daemon/client.ts";
import { resolveEndpoint } from "../../adapters/p2p/daemon/endpoint.ts";
import type { P2PMessage } from "../../adapters/p2p/types.ts";
import { newNonce } from "../../core/envelope/envelope.ts";
import { peerIdOfBase64Key } from "../../core/identity/peer_key.ts";
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { loadHostIdentity } from "../../commands/host/host_identity.ts";
import { Rbac, rbacConfigSchema } from "../../core/rbac/rbac.ts";
import { type DaemonChild, startDaemon } from "../commands/daemon/_daemon.ts";
import {
  eventually,
  freePort,
  getJson,
  type HostProcess,
  removeTestRoot,
  startHostProcess,
} from "./host_helpers.ts";

const TOPIC = "/hive/chat/general";

interface _Rooms {
  rooms: { name: string; peers: string[]; messages: { text: string; from: string }[] }[];
}

async function _general(host: HostProcess) {
  const rooms = await getJson<_Rooms>(`${host.ready.url}agents/chat/rooms`);
  return rooms.rooms.find((r) => r.name === "general")!;
}

async function _dropped(host: HostProcess, reason: string): Promise<number> {
  const text = await (await fetch(`${host.ready.url}metrics`)).text();
  const line = text.split("\n").find((l) =>
    l.startsWith(`hive_host_envelopes_dropped_total{reason="${reason}"} `)
  );
  return Number(line?.split(" ")[1] ?? NaN);
}

Deno.test({
  name: "e2e host: chat envelopes are peer-signed and verified; a forged author is dropped",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "hive-e2e-peersig-" });
    const hosts: HostProcess[] = [];
    let raw: DaemonChild | undefined;
    let watch: DaemonP2P | undefined;
    try {
      const b = await startHostProcess({
        dataDir: `${root}/b`,
        listen: `/ip4/127.0.0.1/tcp/${freePort()}`,
      });
      hosts.push(b);
      const bAddr = b.ready.addrs.find((a) => a.startsWith("/ip4/127.0.0.1/tcp/"))!;
      // C: a host identity and a daemon key made apart (as a host before this change left them).
      const oldKey = await generateKeyPair("Ed25519");
      await Deno.mkdir(`${root}/c`, { recursive: true });
      await Deno.writeFile(`${root}/c/identity.key`, privateKeyToProtobuf(oldKey), { mode: 0o600 });
      const rbac = new Rbac(rbacConfigSchema.parse({}));
      const cIdentity = await loadHostIdentity({ dataDir: `${root}/c`, supervised: false, rbac });
      const [a, c, rawChild] = await Promise.all([
        startHostProcess({ dataDir: `${root}/a`, args: ["--bootstrap", bAddr] }),
        startHostProcess({ dataDir: `${root}/c`, args: ["--bootstrap", bAddr] }),
        startDaemon({ dataDir: `${root}/raw`, args: ["--bootstrap", bAddr] }),
      ]);
      hosts.push(a, c);
      raw = rawChild;
      equal(c.ready.peer_id, peerIdFromPrivateKey(oldKey).toString(), "C kept its daemon's key");
      await eventually("C to say it keeps its daemon's key", () => {
        const said = c.logs.some((l) => l.includes("the daemon keeps its own libp2p key"));
        return Promise.resolve(said || undefined);
      });
      watch = new DaemonP2P({});
      await watch.use(await resolveEndpoint({ dataDir: `${root}/raw` }));
      const seen: P2PMessage[] = [];
      await watch.subscribe(TOPIC, (m) => seen.push(m));
      await eventually("B to see A, C and the raw daemon in #general", async () => {
        const peers = (await _general(b)).peers;
        return [a.ready.peer_id, c.ready.peer_id, raw!.info.peer_id].every((p) => peers.includes(p))
          ? true
          : undefined;
      }, 60_000);
      await eventually("A to see B in #general", async () => {
        return (await _general(a)).peers.includes(b.ready.peer_id) ? true : undefined;
      }, 60_000);

      // A's message: one signature, by A's node, whose key is A's identity key.
      const text = `peer-signed ${crypto.randomUUID()}`;
      const sent = await fetch(`${a.ready.url}agents/chat/send`, {
        method: "POST",
        body: JSON.stringify({ room: "general", text }),
        headers: { "content-type": "application/json" },
      });
      ok(sent.status === 200 || sent.status === 202, `send: HTTP ${sent.status}`);
      await sent.body?.cancel();
      const wire = await eventually("the raw daemon to see A's envelope", () => {
        const m = seen.find((m) => m.message?.includes(text));
        return Promise.resolve(m);
      });
      const env = JSON.parse(wire.message!);
      equal(env.sig, "peer", "no second signature in the envelope");
      equal(wire.from, a.ready.peer_id, "published by A's node");
      equal(peerIdOfBase64Key(env.key), a.ready.peer_id, "A's node has A's identity key");
      equal(JSON.parse(env.payload).text, text);
      await eventually("B to accept A's message", async () => {
        return (await _general(b)).messages.some((m) => m.text === text) ? true : undefined;
      });

      // C's message: its own signature (its daemon's key is not its identity's); B accepts it.
      await eventually("C to see B in #general", async () => {
        return (await _general(c)).peers.includes(b.ready.peer_id) ? true : undefined;
      }, 60_000);
      const textC = `own-signed ${crypto.randomUUID()}`;
      const sentC = await fetch(`${c.ready.url}agents/chat/send`, {
        method: "POST",
        body: JSON.stringify({ room: "general", text: textC }),
        headers: { "content-type": "application/json" },
      });
      ok(sentC.status === 200 || sentC.status === 202, `send: HTTP ${sentC.status}`);
      await sentC.body?.cancel();
      const wireC = await eventually("the raw daemon to see C's envelope", () => {
        return Promise.resolve(seen.find((m) => m.message?.includes(textC)));
      });
      const envC = JSON.parse(wireC.message!);
      equal(wireC.from, c.ready.peer_id);
      equal(envC.key, cIdentity.public_key, "signed by C's identity");
      match(envC.sig, /^[A-Za-z0-9+/]{86}==$/, "an Ed25519 signature of its own");
      await eventually("B to accept C's message", async () => {
        return (await _general(b)).messages.some((m) => m.text === textC) ? true : undefined;
      });

      // The raw daemon forges A: A's id, role and key, `sig: "peer"`, authored by itself.
      const before = await _dropped(b, "bad_signature");
      equal(before, 0, "nothing dropped so far");
      const forged = `forged ${crypto.randomUUID()}`;
      await watch.publish(
        TOPIC,
        JSON.stringify({
          ...env,
          ts: Date.now(),
          nonce: newNonce(),
          payload: JSON.stringify({ v: 1, text: forged, sent_at: new Date().toISOString() }),
        }),
      );
      await eventually("B to drop the forged envelope as bad_signature", async () => {
        return (await _dropped(b, "bad_signature")) === before + 1 ? true : undefined;
      });
      ok(
        b.logs.some((l) =>
          l.includes("message dropped") && l.includes(`published by ${raw!.info.peer_id}`)
        ),
        "the drop is audited with the real author",
      );
      ok(!(await _general(b)).messages.some((m) => m.text === forged), "never shown on B");
    } finally {
      await watch?.close();
      for (const host of hosts.reverse()) await host.stop();
      await raw?.stop();
      const left = await removeTestRoot(root);
      equal(left.length, 0, `processes left: ${left.join(" ")}`);
    }
  },
});

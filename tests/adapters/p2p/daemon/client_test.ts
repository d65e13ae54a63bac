/**
 * The P2P port's daemon client against real `hive daemon`s on loopback (children, so no libp2p
 * handle lives in the test process): pub/sub and peers through the port, then the subscriber's
 * daemon is killed with -9 and started again on a new IPC port; the client follows daemon.json,
 * reports down and up, subscribes again by itself, and messages flow again.
 */
import { deepEqual, equal, notEqual } from "@std/assert";
import { DaemonP2P } from "../../../../adapters/p2p/daemon/client.ts";
import { resolveEndpoint } from "../../../../adapters/p2p/daemon/endpoint.ts";
import type { P2PMessage, P2PPortEvent } from "../../../../adapters/p2p/types.ts";
import { HiveError } from "../../../../core/errors.ts";
import { rejection } from "../../../_helpers.ts";
import { type DaemonChild, startDaemon } from "../../../commands/daemon/_daemon.ts";

async function _until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("daemon client: pub/sub through the port, then reconnect and resubscribe after a daemon restart", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-p2p-client-" });
  let pub: DaemonChild | undefined;
  let s: DaemonChild | undefined;
  let publisher: DaemonP2P | undefined;
  let subscriber: DaemonP2P | undefined;
  try {
    pub = await startDaemon({ dataDir: `${root}/pub` });
    const startS = () =>
      startDaemon({ dataDir: `${root}/s`, args: ["--bootstrap", pub!.info.addrs[0]] });
    s = await startS();
    publisher = await DaemonP2P.connect({
      endpoint: () => resolveEndpoint({ dataDir: `${root}/pub` }),
    });
    subscriber = await DaemonP2P.connect({
      endpoint: () => resolveEndpoint({ dataDir: `${root}/s` }),
      backoffInitialMs: 50,
      backoffMaxMs: 200,
    });
    equal(publisher.peerId(), pub.info.peer_id);
    equal(subscriber.peerId(), s.info.peer_id);
    equal(subscriber.identity?.url, s.info.ipc_url);

    const events: P2PPortEvent["type"][] = [];
    subscriber.on((e) => events.push(e.type));
    const got: P2PMessage[] = [];
    const off = await subscriber.subscribe("news", (m) => got.push(m));
    deepEqual(subscriber.topics(), ["news"]);
    const sSubscribed = async () =>
      (await publisher!.peers("news")).some((p) => p.peer_id === s!.info.peer_id);
    await _until("the subscription reached the publisher", sSubscribed);

    equal((await publisher.publish("news", "before")).recipients, 1);
    await publisher.publish("news", new Uint8Array([0xff, 0x00]));
    await _until("two messages", () => got.length === 2);
    equal(got[0].message, "before");
    equal(got[0].from, pub.info.peer_id);
    equal(got[1].data_b64, "/wA=", "bytes that are not UTF-8 arrive as base64");

    // Crash the subscriber's daemon: daemon.json still names the dead port until the restart.
    const oldUrl = s.info.ipc_url;
    await s.stop("SIGKILL");
    await _until("the client noticed", () => !subscriber!.connected);
    equal(subscriber.peerId(), null, "no peer id while down");
    const down = await rejection(subscriber.peers(), HiveError);
    equal(down.code, "daemon_down");
    s = await startS();
    notEqual(s.info.ipc_url, oldUrl, "the restarted daemon has a new IPC port");

    // `up` comes once the topics are subscribed again on the new daemon.
    await _until("the client reconnected", () => events.includes("up"));
    equal(subscriber.identity?.url, s.info.ipc_url);
    equal(subscriber.reconnects, 1);
    await _until("the client subscribed again on the new daemon", sSubscribed);
    await publisher.publish("news", "after");
    await _until("a message after the restart", () => got.length === 3);
    equal(got[2].message, "after");
    deepEqual(events.filter((e) => e === "down" || e === "up"), ["down", "up"]);

    // The last handler gone: the daemon drops the topic and the publisher sees it.
    await off();
    deepEqual(subscriber.topics(), []);
    await _until("the unsubscribe reached the publisher", async () => !(await sSubscribed()));
  } finally {
    await subscriber?.close();
    await publisher?.close();
    await s?.stop();
    await pub?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("daemon client: without an endpoint function it stays down until use() names a daemon", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-p2p-client-" });
  let a: DaemonChild | undefined;
  let b: DaemonChild | undefined;
  const p2p = new DaemonP2P();
  try {
    a = await startDaemon({ dataDir: `${root}/a` });
    b = await startDaemon({ dataDir: `${root}/b` });
    const ups: string[] = [];
    p2p.on((e) => e.type === "up" && ups.push(e.peer_id));
    equal(p2p.peerId(), null, "nothing before use()");
    await p2p.subscribe("t", () => {});
    await p2p.use(await resolveEndpoint({ dataDir: `${root}/a` }));
    equal(p2p.peerId(), a.info.peer_id);
    await a.stop();
    await _until("the loss is seen", () => !p2p.connected);
    // A supervisor hands over the next daemon; the wanted topic follows it there.
    await p2p.use(await resolveEndpoint({ dataDir: `${root}/b` }));
    equal(p2p.peerId(), b.info.peer_id);
    deepEqual(ups, [a.info.peer_id, b.info.peer_id]);
    const status = await p2p.request("status", {});
    deepEqual(status.topics, ["t"]);
  } finally {
    await p2p.close();
    await a?.stop();
    await b?.stop();
    await Deno.remove(root, { recursive: true });
  }
});

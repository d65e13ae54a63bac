/** The daemon's IPC contract: what requests it accepts and what replies and events look like. */
import { deepEqual, equal, match, ok } from "@std/assert";
import {
  daemonInfoSchema,
  dhtRequestSchemas,
  eventSchemas,
  peerIdSchema,
  replySchema,
  replySchemas,
  requestSchemas,
} from "../../../adapters/p2p/ipc_protocol.ts";
import { peerMultiaddrSchema } from "../../../adapters/p2p/types.ts";
import { formatIssues } from "../../../core/errors.ts";

function _error(result: { success: boolean; error?: { issues: never[] } }): string {
  ok(!result.success, "expected a rejection");
  return formatIssues(result.error!.issues).join("; ");
}

Deno.test("publish takes exactly one of message and data_b64", () => {
  ok(requestSchemas.publish.safeParse({ topic: "t", message: "m" }).success);
  ok(requestSchemas.publish.safeParse({ topic: "t", data_b64: "AAE=" }).success);
  match(
    _error(requestSchemas.publish.safeParse({ topic: "t" }) as never),
    /exactly one of message, data_b64/,
  );
  match(
    _error(requestSchemas.publish.safeParse({ topic: "t", data_b64: "***" }) as never),
    /base64/,
  );
  match(_error(requestSchemas.subscribe.safeParse({ topic: "t", x: 1 }) as never), /x/);
});

Deno.test("peer ids, multiaddrs, DHT keys and CIDs are checked", () => {
  ok(peerIdSchema.safeParse("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN").success);
  ok(!peerIdSchema.safeParse("nobody").success);
  ok(!peerMultiaddrSchema.safeParse("/ip4/127.0.0.1/tcp/1").success);
  ok(dhtRequestSchemas.dht_get.safeParse({ key: "/hive/x" }).success);
  ok(!dhtRequestSchemas.dht_get.safeParse({ key: "/ipfs/x" }).success);
  equal(dhtRequestSchemas.find_providers.parse({ key: "/hive/x" }).limit, 20);
  ok(!dhtRequestSchemas.provide.safeParse({ cid: "not-a-cid" }).success);
});

Deno.test("every request type has a reply schema", () => {
  for (const type of Object.keys(requestSchemas)) {
    ok(replySchemas[type as keyof typeof replySchemas], type);
  }
  deepEqual(replySchema("find_providers").parse({ cid: "c", providers: [] }), {
    cid: "c",
    providers: [],
  });
  ok(!replySchema("publish").safeParse({ topic: "t", recipients: -1 }).success);
});

Deno.test("events and daemon.json", () => {
  ok(eventSchemas.peer_connected.safeParse({ peer_id: "p", addr: "/ip4/1.2.3.4/tcp/1" }).success);
  ok(!eventSchemas.message_received.safeParse({ topic: "t" }).success);
  const info = {
    peer_id: "p",
    addrs: [],
    ipc_url: "ws://127.0.0.1:1/",
    token_file: "/t",
    pid: 1,
  };
  deepEqual(daemonInfoSchema.parse(info), info);
  ok(!daemonInfoSchema.safeParse({ ...info, ipc_url: "http://x" }).success);
});

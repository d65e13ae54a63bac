/** The daemon's IPC contract: what requests it accepts and what replies and events look like. */
import { deepEqual, equal, match, ok } from "@std/assert";
import {
  daemonInfoSchema,
  dhtRequestSchemas,
  eventSchemas,
  isPlainPublish,
  MAX_PAYLOAD_CHARS,
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

Deno.test("every string field of every request is bounded, refused at once, echoed short", () => {
  // 2 MiB is over every bound (the largest is a 1 MiB payload); each field alone must fail,
  // quickly (no parser runs over it), with an error that quotes a short prefix only.
  const huge = "/ip4/" + "1".repeat(2 * 1024 * 1024);
  const all: Record<string, { shape?: Record<string, unknown>; safeParse: (v: unknown) => never }> =
    { ...requestSchemas, ...dhtRequestSchemas } as never;
  let fields = 0;
  for (const [type, schema] of Object.entries(all)) {
    for (const field of Object.keys(schema.shape ?? {})) {
      fields++;
      const result = schema.safeParse({ [field]: huge }) as {
        success: boolean;
        error?: { issues: { path: PropertyKey[] }[] };
      };
      ok(!result.success, `${type}.${field} accepted a 2 MiB string`);
      ok(
        result.error!.issues.some((i) => i.path[0] === field),
        `${type}.${field}: no issue names the field`,
      );
      const text = formatIssues(result.error!.issues as never).join("; ");
      ok(text.length < 400, `${type}.${field}: error of ${text.length} chars`);
    }
  }
  ok(fields >= 15, `only ${fields} fields found`);
});

Deno.test("a 980 KB multiaddr is refused by its length, before it is parsed", () => {
  const long = "/dns4/" + "a".repeat(980_000) + "/tcp/1";
  const result = requestSchemas.connect.safeParse({ multiaddr: long }, { reportInput: true });
  const text = _error(result as never);
  match(text, /^multiaddr: expected length <= 1024, got "\/dns4\/a+\.\.\.$/);
  ok(text.length < 200, text);
  // One issue: the multiaddr parser never ran on the oversized input (it would add its own).
  equal((result as { error: { issues: unknown[] } }).error.issues.length, 1);
});

Deno.test("publish's fast path accepts exactly what the full schema returns unchanged", () => {
  // The schema behind the fast path: a plain object parse, no fast path in front.
  const full = Object.getPrototypeOf(requestSchemas.publish) as typeof requestSchemas.publish;
  const long = "x".repeat(MAX_PAYLOAD_CHARS);
  const cases: unknown[] = [
    { topic: "t", message: "m" },
    { topic: "t", message: "" },
    { topic: "t".repeat(256), message: long },
    { topic: "t".repeat(257), message: "m" },
    { topic: "", message: "m" },
    { topic: "t", message: long + "x" },
    { topic: "t", message: 1 },
    { topic: 1, message: "m" },
    { topic: "t" },
    { message: "m" },
    { topic: "t", message: "m", extra: 1 },
    { topic: "t", message: "m", data_b64: "AAE=" },
    { topic: "t", data_b64: "AAE=" },
    JSON.parse('{"topic":"t","message":"m","__proto__":{"x":1}}'),
    null,
    "text",
    [],
  ];
  for (const input of cases) {
    const expected = full.safeParse(input, { reportInput: true });
    const got = requestSchemas.publish.safeParse(input, { reportInput: true });
    const what = JSON.stringify(input)?.slice(0, 80);
    equal(got.success, expected.success, what);
    if (expected.success) deepEqual(got.data, expected.data, what);
    else deepEqual(formatIssues(got.error!.issues), formatIssues(expected.error!.issues), what);
    if (isPlainPublish(input)) ok(expected.success, `fast path took a bad input: ${what}`);
  }
  ok(isPlainPublish({ topic: "t", message: "m" }), "the common request takes the fast path");
  ok(!isPlainPublish({ topic: "t", data_b64: "AAE=" }), "bytes go through the schema");
});

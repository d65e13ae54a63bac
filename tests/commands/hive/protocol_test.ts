import { deepEqual, equal, ok, throws } from "@std/assert";
import {
  decodeMessage,
  encodeMessage,
  MAX_MESSAGE_BYTES,
  MessageType,
  ProtocolCounters,
} from "../../../commands/hive/protocol.ts";
import { fromHex, toHex } from "../../../adapters/lightning/signmessage.ts";
import vectors from "../../../fixtures/cl_hive/canonical_vectors.json" with { type: "json" };

const enc = new TextEncoder();
const hive = (json: string) => enc.encode("HIVE" + json);

/** A HIVE message of exactly `size` bytes (padding inside a string field). */
function sized(size: number): Uint8Array {
  const head = '{"type":32777,"version":1,"payload":{"pad":"';
  const tail = '"}}';
  return hive(head + "x".repeat(size - 4 - head.length - tail.length) + tail);
}

Deno.test("encode frames cl-hive's envelope byte for byte (recorded HELLO)", () => {
  const hello = JSON.parse(new TextDecoder().decode(fromHex(vectors.hello_wire_hex).subarray(4)));
  equal(toHex(encodeMessage(MessageType.HELLO, hello.payload)), vectors.hello_wire_hex);
  // The first two bytes are what Core Lightning takes as the BOLT#1 type: 0x4849.
  equal(vectors.hello_wire_hex.slice(0, 4), "4849");
});

Deno.test("bad input is dropped and counted per reason, never thrown", () => {
  const c = new ProtocolCounters();
  const cases: [Uint8Array, string][] = [
    [enc.encode("HIV"), "truncated_magic"],
    [enc.encode("H"), "truncated_magic"],
    [new Uint8Array([0x48, 0x49, 0x56, 0x45, 0xff, 0xfe]), "bad_utf8"],
    [hive("{not json"), "bad_json"],
    [hive("[1,2,3]"), "non_object_envelope"],
    [hive('"a string"'), "non_object_envelope"],
    [hive("42"), "non_object_envelope"],
    [hive("null"), "non_object_envelope"],
    [hive('{"type":32769,"version":2,"payload":{}}'), "bad_version"],
    [hive('{"type":"32769","version":1,"payload":{}}'), "bad_type"],
    [hive('{"type":32770,"version":1,"payload":{}}'), "unknown_type"],
    [hive('{"type":32769,"version":1,"payload":[1]}'), "non_object_payload"],
    [hive('{"type":32769,"version":1,"payload":"x"}'), "non_object_payload"],
    [sized(MAX_MESSAGE_BYTES + 1), "oversize"],
  ];
  for (const [bytes, reason] of cases) {
    const d = c.count(decodeMessage(bytes));
    equal(d.kind, "drop", reason);
    if (d.kind === "drop") equal(d.reason, reason);
  }
  equal(c.droppedTotal, cases.length);
  equal(c.dropped.non_object_envelope, 4);
  equal(c.dropped.truncated_magic, 2);
});

Deno.test("non-HIVE payloads pass through untouched; 65535 bytes is accepted", () => {
  const c = new ProtocolCounters();
  for (const other of [enc.encode("LNDX{}"), new Uint8Array([0x00, 0x01]), new Uint8Array(0)]) {
    equal(c.count(decodeMessage(other)).kind, "pass");
  }
  equal(c.passed, 3);
  const max = sized(MAX_MESSAGE_BYTES);
  equal(max.length, 65535);
  const d = c.count(decodeMessage(max));
  equal(d.kind, "message");
  equal(c.received.GOSSIP, 1);
  equal(sized(65536).length, 65536);
  equal(decodeMessage(sized(65536)).kind, "drop");
});

Deno.test("a valid message decodes; a missing payload is an empty one; oversize encode throws", () => {
  const d = decodeMessage(encodeMessage(MessageType.INTENT, { target: "t", n: 1 }));
  ok(d.kind === "message");
  if (d.kind === "message") {
    equal(d.name, "INTENT");
    deepEqual(d.payload, { target: "t", n: 1 });
  }
  const e = decodeMessage(hive('{"type":32779,"version":1}'));
  ok(e.kind === "message" && Object.keys(e.payload).length === 0);
  throws(() => encodeMessage(MessageType.GOSSIP, { pad: "x".repeat(70000) }), RangeError);
});

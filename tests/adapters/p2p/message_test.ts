import { deepEqual, equal } from "@std/assert";
import { payloadBytes, payloadFields, toP2PMessage } from "../../../adapters/p2p/message.ts";
import { p2pMessageSchema } from "../../../adapters/p2p/types.ts";

Deno.test("payloadFields: UTF-8 as text, anything else as base64", () => {
  deepEqual(payloadFields(new TextEncoder().encode("héllo")), { message: "héllo" });
  deepEqual(payloadFields(new Uint8Array([0xff, 0x00])), { data_b64: "/wA=" });
  deepEqual(payloadFields(new Uint8Array()), { message: "" });
});

Deno.test("toP2PMessage: a node event in the shape subscribers and the IPC contract use", () => {
  const m = toP2PMessage({
    type: "message",
    topic: "t",
    from: "12D3KooWx",
    seqno: 12345678901234567890n,
    data: new TextEncoder().encode("hi"),
    receivedAt: new Date("2026-01-02T03:04:05.000Z"),
  });
  deepEqual(m, {
    topic: "t",
    from: "12D3KooWx",
    seqno: "12345678901234567890",
    message: "hi",
    received_at: "2026-01-02T03:04:05.000Z",
  });
  deepEqual(p2pMessageSchema.parse(m), m);
  const bytes = toP2PMessage({
    type: "message",
    topic: "t",
    from: "12D3KooWx",
    seqno: 1n,
    data: new Uint8Array([0xff, 0x00]),
    receivedAt: new Date("2026-01-02T03:04:05.000Z"),
  });
  deepEqual(bytes, {
    topic: "t",
    from: "12D3KooWx",
    seqno: "1",
    data_b64: "/wA=",
    received_at: "2026-01-02T03:04:05.000Z",
  });
});

Deno.test("payloadBytes: text is sent as UTF-8, bytes as they are", () => {
  deepEqual([...payloadBytes("é")], [0xc3, 0xa9]);
  const bytes = new Uint8Array([1, 2]);
  equal(payloadBytes(bytes), bytes);
});

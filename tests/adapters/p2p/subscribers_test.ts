import { deepEqual, equal } from "@std/assert";
import { PortListeners, TopicHandlers } from "../../../adapters/p2p/subscribers.ts";
import type { P2PMessage, P2PPortEvent } from "../../../adapters/p2p/types.ts";

function _message(topic: string, message: string): P2PMessage {
  return { topic, from: "p", seqno: "1", message, received_at: "2026-01-01T00:00:00.000Z" };
}

Deno.test("TopicHandlers: first and last handler of a topic, dispatch by topic, a throwing handler", () => {
  const errors: string[] = [];
  const handlers = new TopicHandlers((_e, what) => errors.push(what));
  const got: string[] = [];
  const a = handlers.add("t", (m) => got.push(`a:${m.message}`));
  const b = handlers.add("t", () => {
    throw new Error("boom");
  });
  const c = handlers.add("u", (m) => got.push(`c:${m.message}`));
  deepEqual([a.first, b.first, c.first], [true, false, true]);
  deepEqual(handlers.topics(), ["t", "u"]);
  handlers.dispatch(_message("t", "1"));
  handlers.dispatch(_message("u", "2"));
  handlers.dispatch(_message("v", "3"));
  deepEqual(got, ["a:1", "c:2"]);
  deepEqual(errors, ["subscriber of t"]);
  equal(a.remove(), false, "b still wants t");
  equal(a.remove(), false, "a second remove does nothing");
  equal(b.remove(), true, "the last handler of t");
  equal(handlers.has("t"), false);
  const again = handlers.add("t", () => {});
  equal(again.first, true, "a topic left can be wanted again");
  equal(b.remove(), false, "an old remove does not touch the new set");
  deepEqual(handlers.topics(), ["u", "t"]);
});

Deno.test("PortListeners: every listener hears, removal works, a throwing one is reported", () => {
  const errors: string[] = [];
  const listeners = new PortListeners((_e, what) => errors.push(what));
  const heard: P2PPortEvent[] = [];
  const off = listeners.on((e) => heard.push(e));
  listeners.on(() => {
    throw new Error("boom");
  });
  listeners.emit({ type: "down" });
  off();
  listeners.emit({ type: "peer_disconnected", peer_id: "p" });
  deepEqual(heard, [{ type: "down" }]);
  deepEqual(errors, ["p2p listener of down", "p2p listener of peer_disconnected"]);
});

import { deepEqual, equal, ok } from "@std/assert";
import { Bus, compilePattern } from "../../core/bus.ts";
import { deadline } from "../_helpers.ts";

Deno.test("bus delivers to exact and wildcard handlers with the topic", () => {
  const bus = new Bus();
  const seen: string[] = [];
  bus.on("agent_loaded", (p, t) => seen.push(`exact:${t}:${p.name}`));
  bus.on("agent_*", (_p, t) => seen.push(`wild:${t}`));
  bus.on("daemon_*", () => seen.push("never"));
  bus.publish("agent_loaded", { name: "chat", source: "builtin" });
  deepEqual(seen, ["exact:agent_loaded:chat", "wild:agent_loaded"]);
});

Deno.test("wildcards: * stays in a segment, ** crosses segments", () => {
  ok(compilePattern("chat.*").test("chat.lobby"));
  ok(!compilePattern("chat.*").test("chat.lobby.x"));
  ok(compilePattern("chat.**").test("chat.lobby.x"));
  ok(compilePattern("**").test("/hive/chat/room"));
  ok(!compilePattern("a+b").test("aab"), "regex characters are literal");
});

Deno.test("unsubscribe stops delivery and once fires once", () => {
  const bus = new Bus<{ tick: number }>();
  let count = 0;
  let onceCount = 0;
  const off = bus.on("tick", () => {
    count++;
  });
  bus.once("tick", () => {
    onceCount++;
  });
  bus.publish("tick", 1);
  off();
  bus.publish("tick", 2);
  equal(count, 1);
  equal(onceCount, 1);
  equal(bus.stats.subscribers, 0);
});

Deno.test("a throwing or rejecting handler is isolated and reported", async () => {
  const errors: string[] = [];
  const bus = new Bus<{ x: number }>({
    onHandlerError: (e, topic) => errors.push(`${topic}:${(e as Error).message}`),
  });
  const got: number[] = [];
  bus.on("x", () => {
    throw new Error("sync boom");
  });
  bus.on("x", () => Promise.reject(new Error("async boom")));
  bus.on("x", (v) => {
    got.push(v);
  });
  bus.publish("x", 7);
  await new Promise((r) => setTimeout(r, 0));
  deepEqual(got, [7]);
  deepEqual(errors.sort(), ["x:async boom", "x:sync boom"]);
  equal(bus.stats.handlerErrors, 2);
});

Deno.test("iterator subscription receives events in order", async () => {
  const bus = new Bus<{ n: number }>();
  const sub = bus.subscribe("n");
  bus.publish("n", 1);
  bus.publish("n", 2);
  const first = await sub.next();
  const second = await sub.next();
  deepEqual([first.value?.payload, second.value?.payload], [1, 2]);
  const pending = sub.next();
  bus.publish("n", 3);
  equal((await pending).value?.payload, 3);
  sub.close();
  equal((await sub.next()).done, true);
});

Deno.test("slow iterator: bounded buffer drops oldest and never blocks publish", async () => {
  const bus = new Bus<{ n: number }>();
  const sub = bus.subscribe("n", { bufferSize: 3 });
  for (let i = 0; i < 10; i++) bus.publish("n", i);
  equal(sub.buffered, 3);
  equal(sub.dropped, 7);
  const values: number[] = [];
  for (let i = 0; i < 3; i++) values.push((await sub.next()).value!.payload);
  deepEqual(values, [7, 8, 9]);
  sub.close();
});

Deno.test("drop-newest keeps the oldest events", async () => {
  const bus = new Bus<{ n: number }>();
  const sub = bus.subscribe("n", { bufferSize: 2, overflow: "drop-newest" });
  for (let i = 0; i < 5; i++) bus.publish("n", i);
  deepEqual([(await sub.next()).value!.payload, (await sub.next()).value!.payload], [0, 1]);
  equal(sub.dropped, 3);
  sub.close();
});

Deno.test("for-await loop ends when the subscription closes", async () => {
  const bus = new Bus<{ n: number }>();
  const sub = bus.subscribe("n");
  const got: number[] = [];
  const loop = (async () => {
    for await (const event of sub) got.push(event.payload);
  })();
  bus.publish("n", 1);
  await new Promise((r) => setTimeout(r, 0));
  sub.close();
  // A loop that does not end on close fails here instead of hanging.
  await deadline(loop, 2000, "the for-await loop to end after close");
  deepEqual(got, [1]);
});

Deno.test("a subscriber added after a publish sees later events only (cache invalidation)", () => {
  const bus = new Bus<Record<string, number>>();
  const seen: string[] = [];
  bus.publish("a.b", 1);
  bus.on("a.*", (_p, t) => seen.push(t));
  bus.publish("a.b", 2);
  deepEqual(seen, ["a.b"]);
});

import { deepEqual, equal } from "@std/assert";
import { type AgentRecord, AgentRegistry } from "../../../core/identity/registry.ts";

function record(id: string, kind: "agent" | "hap", role: string, key = `key-${id}`): AgentRecord {
  return {
    id,
    kind,
    role,
    capabilities: ["chat"],
    public_key: key,
    recipient: "age1" + "q".repeat(58),
    peer_id: null,
  };
}

Deno.test("records list people and agents apart and expire without announcements", () => {
  let now = 1_000;
  const registry = new AgentRegistry({ ttlMs: 100, now: () => now });
  equal(registry.upsert(record("zed", "hap", "operator")), "added");
  equal(registry.upsert(record("bot", "agent", "agent")), "added");
  equal(registry.upsert(record("amy", "hap", "observer")), "added");
  deepEqual(registry.list().map((a) => `${a.kind}:${a.id}`), ["agent:bot", "hap:amy", "hap:zed"]);
  deepEqual(registry.membersOf(["operator", "agent"]).map((a) => a.id), ["bot", "zed"]);
  now += 60;
  equal(registry.upsert(record("bot", "agent", "agent")), "updated");
  now += 60;
  deepEqual(registry.list().map((a) => a.id), ["bot"]);
  equal(registry.get("bot")?.last_seen, 1_060);
});

Deno.test("an id stays pinned to its first key", () => {
  const registry = new AgentRegistry({ pinned: { boss: "k1" } });
  equal(registry.upsert(record("boss", "hap", "admin", "k2")), "key_mismatch");
  equal(registry.upsert(record("boss", "hap", "admin", "k1")), "added");
  equal(registry.upsert(record("eve", "hap", "admin", "k3")), "added");
  equal(registry.upsert(record("eve", "hap", "admin", "k4")), "key_mismatch");
  equal(registry.keyOf("eve"), "k3");
  equal(registry.pin("new", "k5"), true);
  equal(registry.pin("new", "k6"), false);
});

import { deepEqual } from "@std/assert";
import { namePeers, withPeerNames } from "../../../commands/host/peer_names.ts";
import type { AgentRecord } from "../../../core/identity/registry.ts";

function _record(id: string, peer_id: string | null, role = "agent"): AgentRecord {
  return {
    id,
    kind: "agent",
    role,
    capabilities: [],
    public_key: "k",
    recipient: "age1" + "q".repeat(58),
    peer_id,
  };
}

Deno.test("peer_names: each peer carries the agents its node announced; others none", () => {
  const peers = [{ peer_id: "P1", addrs: ["/ip4/127.0.0.1/tcp/1"] }, { peer_id: "P2", addrs: [] }];
  const named = namePeers(peers, [
    _record("alice", "P1", "operator"),
    _record("bob", "P1"),
    _record("nobody", null),
  ]);
  deepEqual(named, [
    {
      peer_id: "P1",
      addrs: ["/ip4/127.0.0.1/tcp/1"],
      agents: [{ id: "alice", kind: "agent", role: "operator" }, {
        id: "bob",
        kind: "agent",
        role: "agent",
      }],
    },
    { peer_id: "P2", addrs: [], agents: [] },
  ]);
});

Deno.test("peer_names: the facade names peers with the records of the moment", async () => {
  let records: AgentRecord[] = [];
  const facade = withPeerNames({
    peerId: () => "ME",
    publish: () => Promise.resolve({ recipients: 0 }),
    subscribe: () => Promise.resolve(() => Promise.resolve()),
    peers: () => Promise.resolve([{ peer_id: "P1", addrs: [] }]),
  }, () => records);
  deepEqual(await facade.peers(), [{ peer_id: "P1", addrs: [], agents: [] }]);
  records = [_record("carol", "P1")];
  deepEqual((await facade.peers() as unknown as { agents: unknown }[])[0].agents, [{
    id: "carol",
    kind: "agent",
    role: "agent",
  }]);
});

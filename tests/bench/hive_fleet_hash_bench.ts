/**
 * cl-hive's fleet hash over 1000 members against a bare sha256 of the same bytes, in one run.
 * The fleet hash must build the sorted compact JSON and hash it; the baseline only hashes the
 * finished string. The general canonicaliser (pyDumps) is shown too, as the slow path it
 * replaces. Target: fleet hash <= 5x the bare sha256.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../commands/hive/canonical.ts";
import { fleetHashJson, HiveMap, type PeerState } from "../../commands/hive/state.ts";

const N = 1000;
const states: PeerState[] = Array.from({ length: N }, (_, i) => ({
  peer_id: (i % 2 ? "02" : "03") + createHash("sha256").update(String(i)).digest("hex"),
  capacity_sats: 1e7,
  available_sats: 5e6,
  fee_policy: {},
  topology: [],
  version: i + 1,
  last_update: 1_764_547_200 + i,
  state_hash: "",
  budget_available_sats: 0,
}));
const bytes = fleetHashJson(states);
const map = new HiveMap();
for (const s of states) map.merge(s);
let k = 0;

const sha = () => createHash("sha256").update(bytes, "utf8").digest("hex");
// A real recomputation: one member's version moves, so the cached hash is invalid.
const fleet = () => {
  const s = states[k++ % N];
  map.merge({ ...s, version: s.version + k });
  return map.fleetHash();
};
const general = () => {
  const tuples = states.map((s) => ({
    peer_id: s.peer_id,
    version: s.version,
    timestamp: s.last_update,
  }))
    .sort((a, b) => (a.peer_id < b.peer_id ? -1 : 1));
  return createHash("sha256").update(canonicalJson(tuples)).digest("hex");
};

const group = `fleet hash, ${N} members`;
Deno.bench("bare sha256 of the same bytes", { group, baseline: true }, () => void sha());
Deno.bench("HiveMap.fleetHash after one change", { group }, () => void fleet());
Deno.bench("sort + general canonicaliser + sha256", { group }, () => void general());

function perCall(fn: () => unknown, rounds: number): number {
  const t = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return (performance.now() - t) / rounds;
}

let best = { sha: Infinity, fleet: Infinity, general: Infinity };
for (let r = 0; r < 5; r++) {
  best = {
    sha: Math.min(best.sha, perCall(sha, 300)),
    fleet: Math.min(best.fleet, perCall(fleet, 300)),
    general: Math.min(best.general, perCall(general, 30)),
  };
}
console.log(
  `fleet hash ${N} members: ${(best.fleet * 1000).toFixed(0)} us vs bare sha256 ` +
    `${(best.sha * 1000).toFixed(0)} us: ratio ${
      (best.fleet / best.sha).toFixed(2)
    }x (target <= 5x); ` +
    `general canonicaliser ${(best.general / best.sha).toFixed(2)}x`,
);

/**
 * The price of speaking cl-hive's FULL_SYNC and of exact big integers, each against a baseline in
 * the same run: cutting 1000 member states into chunks that each hash to their own fleet_hash
 * (cl-hive's compute_states_hash check) against one bare serialisation of the same states; and
 * parsing a chunk with u64 amounts through `parsePyJson` (bigints kept) against `JSON.parse`
 * (digits lost), and the same text without big numbers (the fast path).
 */
import { chunkFullSync } from "../../commands/hive/sync.ts";
import { parsePyJson, pyDumpsCompact } from "../../commands/hive/canonical.ts";

const T = 1_700_000_000;
const id = (i: number) => "02" + i.toString(16).padStart(64, "0");
const states = Array.from({ length: 1000 }, (_, i) => ({
  peer_id: id(i + 1),
  capacity_sats: 20_000_000 + i,
  available_sats: 7_000_000,
  fee_policy: { base_fee: 1000, fee_rate: 250 },
  topology: [id(90_000 + (i % 50))],
  version: 1 + (i % 7),
  last_update: T + i,
  state_hash: "",
  budget_available_sats: 1_000_000,
}));
const members = states.map((s) => ({ peer_id: s.peer_id, tier: "member", joined_at: T }));

Deno.bench(
  "bare pyDumpsCompact of 1000 states + members",
  { group: "full sync", baseline: true },
  () => {
    pyDumpsCompact({ states, members });
  },
);
Deno.bench(
  "chunkFullSync: chunks under 65535 B, each with its states hash",
  { group: "full sync" },
  () => {
    chunkFullSync(states, members, [], { overhead: 6000 });
  },
);

const big = pyDumpsCompact({
  states: states.slice(0, 150).map((s) => ({ ...s, capacity_sats: 18446744073709551615n })),
});
const small = pyDumpsCompact({ states: states.slice(0, 150) });
Deno.bench("JSON.parse of a chunk with u64 amounts (digits lost)", {
  group: "parse",
  baseline: true,
}, () => {
  JSON.parse(big);
});
Deno.bench("parsePyJson of the same chunk (bigints kept)", { group: "parse" }, () => {
  parsePyJson(big);
});
Deno.bench("parsePyJson of a chunk without big numbers (fast path)", { group: "parse" }, () => {
  parsePyJson(small);
});

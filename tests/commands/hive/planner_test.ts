import { deepEqual, equal } from "@std/assert";
import { plan, SATURATION_CAP } from "../../../commands/hive/planner.ts";

const T1 = "02" + "01".repeat(32), T2 = "02" + "02".repeat(32), T3 = "02" + "03".repeat(32);
const M1 = "03" + "a1".repeat(32), M2 = "03" + "a2".repeat(32);

Deno.test("saturation: cap at 20 %, release only below 15 %", () => {
  const targets = [{ id: T1, public_capacity_sats: 100_000_000 }];
  const sat = new Set<string>();
  const at = (fleet: number) =>
    plan({
      targets,
      channels: [{ member: M1, target: T1, capacity_sats: fleet }],
      candidates: [],
      previouslySaturated: sat,
    })
      .saturation[0].saturated;
  equal(at(19_000_000), false);
  equal(at(20_000_000), true);
  equal(at(16_000_000), true); // hysteresis: still saturated between 15 and 20 %
  equal(at(14_999_999), false);
  equal(SATURATION_CAP, 0.2);
});

Deno.test("expansion goes to the member with the most idle funds, never to a served or saturated target", () => {
  const r = plan({
    targets: [
      { id: T1, public_capacity_sats: 1_000_000_000 },
      { id: T2, public_capacity_sats: 1_000_000_000 },
      { id: T3, public_capacity_sats: 10_000_000 },
    ],
    channels: [{ member: M1, target: T1, capacity_sats: 5_000_000 }],
    candidates: [{ peer_id: M1, onchain_sats: 8_000_000 }, {
      peer_id: M2,
      onchain_sats: 9_000_000,
    }],
    previouslySaturated: new Set(),
    maxExpansions: 5,
  });
  deepEqual(r.expansions.map((e) => [e.target, e.member]), [[T2, M2]]);
  // T3 would be pushed past the cap by a 5M channel: skipped. M1 then lacks funds for more.
});

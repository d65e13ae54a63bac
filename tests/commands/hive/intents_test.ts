import { deepEqual, equal } from "@std/assert";
import { Fleet, raceIntents } from "../../../commands/hive/fleet.ts";
import { IntentManager } from "../../../commands/hive/intents.ts";
import { withDeadline } from "./_deadline.ts";

const A = "02" + "11".repeat(32), B = "02" + "22".repeat(32), C = "03" + "00".repeat(32);

Deno.test("lowest pubkey wins: the loser aborts, the winner commits after the hold", () => {
  const a = new IntentManager(A, 60), b = new IntentManager(B, 60);
  const ia = a.create("channel_open", C, 1000), ib = b.create("channel_open", C, 1000);
  deepEqual(a.receive({ ...ib }).aborted, []);
  deepEqual(b.receive({ ...ia }).aborted.map((i) => i.initiator), [B]);
  equal(a.commitDue(1059).length, 0);
  equal(a.commitDue(1060).length, 1);
  equal(b.commitDue(1060).length, 0);
  // A later intent on a target a lower key already holds is born aborted.
  equal(b.create("channel_open", C, 1100).status, "aborted");
  equal(a.cleanup(1000 + 3601), 2); // our intent and B's, both stale
});

Deno.test("1000 seeded simultaneous conflicting intents: one commit per target, the lowest key", () =>
  withDeadline(120_000, async () => {
    // 250 targets x 4 contenders = 1000 intents in one instant; a second seed re-draws the
    // fleet keys and the contenders on a smaller race.
    for (const [seed, targets] of [[1, 250], [2, 50]]) {
      const fleet = Fleet.create({ nodes: 20, seed });
      await fleet.bootstrap();
      await fleet.converge(600);
      const r = await raceIntents(fleet, { targets, contenders: 4, seed });
      equal(r.intents, targets * 4);
      deepEqual(r.violations, []);
      equal(r.correct, targets);
      equal(r.committed, targets);
      equal(r.aborted, targets * 3);
      fleet.stopLoops();
    }
  }));

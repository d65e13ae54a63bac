/**
 * `hive hive` from the command line: separate runs build one simnet hive in a data dir, and
 * `simulate --json` streams NDJSON events ending in a result.
 */
import { equal, match, ok } from "@std/assert";
import { MAIN_MODULE } from "../_helpers.ts";

async function hive(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN_MODULE, "hive", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", NO_PROGRESS: "1" },
    signal: AbortSignal.timeout(60_000),
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("genesis, invite and join in separate runs; a replayed ticket is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-cli-" });
  try {
    const g = await hive(["genesis", "--data-dir", dir, "--hive-id", "hive_e2e", "--json"]);
    equal(g.code, 0, g.stderr);
    const genesis = JSON.parse(g.stdout);
    equal(genesis.status, "genesis_complete");
    equal(genesis.hive_id, "hive_e2e");

    const inv = await hive(["invite", "--data-dir", dir, "--json"]);
    equal(inv.code, 0, inv.stderr);
    const ticket = JSON.parse(inv.stdout).ticket as string;
    equal(JSON.parse(atob(ticket)).admin_pubkey, genesis.admin_pubkey);

    const j = await hive(["join", ticket, "--node", "2", "--data-dir", dir, "--json"]);
    equal(j.code, 0, j.stderr);
    const joined = JSON.parse(j.stdout);
    equal(joined.status, "join_requested"); // cl-hive's hive-join status
    equal(joined.joined, true);
    equal(joined.tier, "neophyte");

    const again = await hive(["join", ticket, "--node", "3", "--data-dir", dir, "--json"]);
    equal(JSON.parse(again.stdout).error, "join refused: ticket_replayed");
    equal(JSON.parse(again.stdout).reason, "ticket_replayed");

    const s = JSON.parse(
      (await hive(["status", "--node", "2", "--data-dir", dir, "--json"])).stdout,
    );
    equal(s.hive_id, "hive_e2e");
    equal(s.membership.tier, "neophyte");
    equal(s.members.total, 2);
    equal(s.governance_mode, "advisor");

    const v = JSON.parse((await hive(["vouch", "2", "--data-dir", dir, "--json"])).stdout);
    equal(v.promoted, true); // one voter: the admin alone is 51 %
    const m = JSON.parse(
      (await hive(["members", "--node", "2", "--data-dir", dir, "--json"])).stdout,
    );
    equal(m.count, 2);
    equal(m.members.find((x: { peer_id: string }) => x.peer_id === joined.via).tier, "admin");

    // Planner -> intent -> (hold passes) -> pending action -> approval -> a channel.
    const plan = JSON.parse((await hive(["topology", "--data-dir", dir, "--json"])).stdout);
    const member = plan.expansions[0].member as string;
    const k = member === genesis.admin_pubkey ? "0" : "2";
    const mine = JSON.parse(
      (await hive(["topology", "--node", k, "--data-dir", dir, "--json"])).stdout,
    );
    equal(mine.intents_announced.length, 1);
    const acts = await hive([
      "actions",
      "--node",
      k,
      "--advance",
      "70s",
      "--data-dir",
      dir,
      "--json",
    ]);
    const pending = JSON.parse(acts.stdout);
    equal(pending.count, 1);
    equal(pending.actions[0].action_type, "channel_open");
    const approved = JSON.parse(
      (await hive(["approve", "1", "--node", k, "--data-dir", dir, "--json"])).stdout,
    );
    equal(approved.status, "executed");
    const after = JSON.parse(
      (await hive(["topology", "--node", k, "--data-dir", dir, "--json"])).stdout,
    );
    ok(after.targets.some((t: { fleet_capacity_sats: number }) => t.fleet_capacity_sats === 5e6));

    const mode = JSON.parse(
      (await hive(["set-mode", "autonomous", "--data-dir", dir, "--json"])).stdout,
    );
    equal(mode.current_mode, "autonomous");
    equal(mode.previous_mode, "advisor");
    const bad = await hive(["set-mode", "anarchy", "--data-dir", dir]);
    equal(bad.code, 2);
    match(bad.stderr, /advisor, autonomous, oracle/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a corrupt node store is reported with exit 1 and left in place", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/node-0.sqlite`, "garbage ".repeat(1000));
    const r = await hive(["status", "--data-dir", dir]);
    equal(r.code, 1);
    match(r.stderr, /not a usable SQLite database/);
    equal((await Deno.readTextFile(`${dir}/node-0.sqlite`)).length, 8000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("simulate --json streams NDJSON events and a result", async () => {
  const r = await hive([
    "simulate",
    "--nodes",
    "12",
    "--seed",
    "5",
    "--partition",
    "0-5|6-11",
    "--at",
    "30s",
    "--heal",
    "200s",
    "--conflicts",
    "5",
    "--json",
  ]);
  equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const events = lines.filter((l) => l.type === "event").map((l) => l.event);
  ok(events.includes("partition") && events.includes("heal") && events.includes("converged"));
  const result = lines.at(-1);
  equal(result.type, "result");
  equal(result.state_hash_agreement, 1);
  equal(result.partition.diverged, true);
  ok(result.partition.heal_converge_s !== null);
  equal(result.conflicts.committed, 5);
  equal(result.conflicts.violations, 0);
  const usage = await hive(["simulate", "--nodes", "10", "--partition", "0-20|3"]);
  equal(usage.code, 2);
  // Time flags are durations with a unit, like every other time flag of hive.
  const bare = await hive(["simulate", "--nodes", "10", "--at", "60"]);
  equal(bare.code, 2);
  match(
    bare.stderr,
    /--at: expected a duration with a unit \(e\.g\. 70s, 5m\) of whole seconds 0s\.\.10000000s, got "60"/,
  );
  const before = await hive([
    "simulate",
    "--nodes",
    "10",
    "--partition",
    "half",
    "--at",
    "2m",
    "--heal",
    "1m",
  ]);
  equal(before.code, 2);
  match(before.stderr, /--heal: must not be before --at \(120s\), got 1m/);
});

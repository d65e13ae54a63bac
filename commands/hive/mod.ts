/**
 * `hive hive`: Lightning fleet coordination with the cl-hive protocol. The state commands act on
 * one node of a fleet kept between runs (simnet: a workspace directory); `simulate` runs a whole
 * fleet in memory. Flags and help only: the protocol, noble and sqlite load inside the actions.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand, type LoggingConfig } from "../../core/cli.ts";
import { UsageError } from "../../core/errors.ts";
import { parseDurationSeconds } from "../../core/duration.ts";
import type { HiveFleetConfig } from "./config.ts";
import type { HiveOp } from "./run.ts";

/** The config sections `hive hive` reads. */
export type HiveCommandConfig = LoggingConfig & { data_dir: string; hive: HiveFleetConfig };
type _Load = ContextLoader<HiveCommandConfig>;

interface _Common {
  backend?: string;
  dataDir?: string;
  node?: string;
  advance?: string;
}

/**
 * A whole-number flag: `read` turns the text into a number (null: not that kind of value), and
 * the number must be a whole one within `lo..hi`; absent, it is `dflt`.
 */
function _bounded(
  flag: string,
  text: string | undefined,
  read: (text: string) => number | null,
  expected: string,
  [lo, hi, dflt]: [number, number, number],
  unit = "",
): number {
  if (text === undefined) return dflt;
  const n = read(text);
  if (n === null || !Number.isInteger(n) || n < lo || n > hi) {
    throw new UsageError(
      `${flag}: expected ${expected} ${lo}${unit}..${hi}${unit}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

function _int(flag: string, text: string | undefined, lo: number, hi: number, dflt: number) {
  const read = (t: string) => /^\d{1,10}$/.test(t) ? Number(t) : null;
  return _bounded(flag, text, read, "integer", [lo, hi, dflt]);
}

/**
 * A time flag in whole simulated seconds, written as a duration (`70s`, `5m`): one unit for
 * every time flag of hive, and a bare number is refused rather than guessed.
 */
function _seconds(flag: string, text: string | undefined, lo: number, hi: number, dflt: number) {
  const expected = "a duration with a unit (e.g. 70s, 5m) of whole seconds";
  return _bounded(flag, text, parseDurationSeconds, expected, [lo, hi, dflt], "s");
}

function _common(cmd: Command<unknown[], Record<string, unknown>>): void {
  cmd.option("--backend <name>", "lightning backend: simnet (default) or cln (not built yet)")
    .option("--data-dir <dir>", "simnet workspace (default <data_dir>/hive-simnet)")
    .option("--node <i>", "act as node i of the simnet fleet (default 0)")
    .option(
      "--advance <duration>",
      "first let this much simulated time pass, e.g. 70s (intents commit, syncs run)",
    );
}

async function _act(
  load: _Load,
  command: Command<unknown[], Record<string, unknown>>,
  op: HiveOp,
  human: (r: Record<string, unknown>) => string,
) {
  const ctx = await load(command, "hive");
  const flags = command.opts() as _Common;
  const backend = flags.backend ?? ctx.config.hive.backend;
  if (backend === "cln") {
    throw new UsageError("--backend cln (Core Lightning plugin mode) is not built yet; use simnet");
  }
  if (backend !== "simnet") {
    throw new UsageError(`--backend: expected simnet or cln, got ${JSON.stringify(backend)}`);
  }
  const dir = flags.dataDir ?? ctx.config.hive.simnet_dir ?? `${ctx.config.data_dir}/hive-simnet`;
  const node = _int("--node", flags.node, 0, 199, 0);
  const { runHiveOp } = await import("./run.ts");
  const advance = _seconds("--advance", flags.advance, 0, 30 * 86_400, 0);
  const result = await runHiveOp(dir, node, op, ctx.config.hive, advance);
  // Amounts past 2^53 are bigints: printed as exact digits with --json.
  const { jsonSafe } = await import("./canonical.ts");
  ctx.output.result(jsonSafe(result) as typeof result, () => human(result));
}

const _json = (r: unknown) =>
  JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);

/** Build the `hive hive` command group. */
export function hiveFleetCommand(load: _Load): Command {
  const root = hiveCommand("hive", "hive hive").description(
    "Lightning fleet coordination (cl-hive protocol): signed-ticket admission, gossip state with " +
      "anti-entropy, intent locks, membership votes, planner and governance. Backend: simnet " +
      "(N in-process nodes with real secp256k1 keys) today, Core Lightning next.",
  );
  const sub = (name: string, description: string) => {
    const c = hiveCommand(name, `hive hive ${name}`).description(description);
    _common(c as never);
    root.addCommand(c);
    return c;
  };

  sub(
    "status",
    "this node's hive: tier, member counts, governance mode, fleet hash, protocol counters; --json gives cl-hive's hive-status result",
  )
    .action(async (_o, c) =>
      await _act(load, c as never, { op: "status" }, (r) => {
        const m = r.membership as Record<string, unknown>, n = r.members as Record<string, unknown>;
        const f = r.fleet as Record<string, unknown>;
        return `hive: ${r.hive_id ?? "(none)"}  status: ${r.status}  mode: ${r.governance_mode}\n` +
          `this node: ${(r.node as Record<string, unknown>).id} tier ${m.tier ?? "-"}\n` +
          `members: ${n.total} (admin ${n.admin}, member ${n.member}, neophyte ${n.neophyte})\n` +
          `fleet hash: ${f.fleet_hash}  peers: ${f.peer_count}  capacity: ${f.total_capacity_sats} sats`;
      })
    );
  sub(
    "members",
    "members with tier, join time and contribution ratio; --json gives cl-hive's hive-members result",
  )
    .action(async (_o, c) =>
      await _act(
        load,
        c as never,
        { op: "members" },
        (r) =>
          (r.members as Record<string, unknown>[]).map((m) =>
            `${m.peer_id}  ${String(m.tier).padEnd(8)}  ratio ${m.contribution_ratio}`
          ).join("\n") || "(no members)",
      )
    );
  sub(
    "genesis",
    "found a hive with this node as admin (prints the genesis ticket); --json gives cl-hive's hive-genesis result",
  )
    .option("--hive-id <id>", "hive id (default hive_<random>)")
    .action(async (o, c) =>
      await _act(
        load,
        c as never,
        { op: "genesis", hiveId: (o as { hiveId?: string }).hiveId },
        _json,
      )
    );
  sub(
    "invite",
    "an invite ticket (admins only), valid 24 h by default; --json gives cl-hive's hive-invite result",
  )
    .option("--valid-hours <h>", "hours until the ticket expires (24)")
    .option("--requirements <mask>", "feature bitmask the joiner must support (0)")
    .action(async (o, c) => {
      const f = o as { validHours?: string; requirements?: string };
      await _act(load, c as never, {
        op: "invite",
        validHours: _int("--valid-hours", f.validHours, 1, 24 * 365, 24),
        requirements: _int("--requirements", f.requirements, 0, 255, 0),
      }, (r) => String(r.ticket));
    });
  sub(
    "join",
    "join with a ticket: HELLO, CHALLENGE, ATTEST, WELCOME with the ticket's admin; --json gives cl-hive's hive-join result",
  )
    .argument("<ticket>", "base64 ticket from `hive hive invite`")
    .option("--via <i>", "node to present the ticket to (default: the ticket's admin)")
    .action(async (ticket, o, c) => {
      const via = (o as { via?: string }).via;
      await _act(load, c as never, {
        op: "join",
        ticket: String(ticket),
        via: via === undefined ? undefined : _int("--via", via, 0, 199, 0),
      }, _json);
    });
  sub(
    "vouch",
    "vouch for a neophyte's promotion (51 % of members and at least 3 promote); --json gives cl-hive's hive-vouch result",
  )
    .argument("<peer>", "node id or simnet node index")
    .action(async (peer, _o, c) =>
      await _act(load, c as never, { op: "vouch", peer: String(peer) }, _json)
    );
  sub(
    "ban",
    "propose banning a member (51 % of members must approve); --json gives cl-hive's hive-ban result",
  )
    .argument("<peer>", "node id or simnet node index")
    .option("--reason <text>", "why", "operator request")
    .action(async (peer, o, c) =>
      await _act(load, c as never, {
        op: "ban",
        peer: String(peer),
        reason: String((o as { reason?: string }).reason),
      }, _json)
    );
  sub(
    "topology",
    "planner run: saturation per target, expansions; announces intents assigned here; --json gives cl-hive's hive-topology result",
  )
    .action(async (_o, c) => await _act(load, c as never, { op: "topology" }, _json));
  sub("intents", "local and remote intent locks; --json gives cl-hive's hive-intent-status result")
    .action(async (_o, c) =>
      await _act(
        load,
        c as never,
        { op: "intents" },
        (r) =>
          (r.intents as Record<string, unknown>[]).map((i) =>
            `${i.scope}  ${i.intent_type}  ${i.target}  ${i.initiator}  ${i.status}`
          ).join("\n") || "(no intents)",
      )
    );
  sub(
    "actions",
    "actions pending approval (advisor mode, or over an autonomous limit); --json gives cl-hive's hive-pending-actions result",
  )
    .action(async (_o, c) =>
      await _act(
        load,
        c as never,
        { op: "actions" },
        (r) =>
          (r.actions as Record<string, unknown>[]).map((a) =>
            `${a.id}  ${a.action_type}  ${a.amount_sats} sats  ${JSON.stringify(a.payload)}`
          ).join("\n") || "(no pending actions)",
      )
    );
  sub(
    "approve",
    "approve and execute a pending action (or all); --json gives cl-hive's hive-approve-action result",
  )
    .argument("<id>", "action id or all")
    .action(async (id, _o, c) =>
      await _act(load, c as never, { op: "approve", id: String(id) }, _json)
    );
  sub(
    "reject",
    "reject a pending action (or all); --json gives cl-hive's hive-reject-action result",
  )
    .argument("<id>", "action id or all")
    .action(async (id, _o, c) =>
      await _act(load, c as never, { op: "reject", id: String(id) }, _json)
    );
  sub(
    "set-mode",
    "governance mode: advisor, autonomous or oracle; --json gives cl-hive's hive-set-mode result",
  )
    .argument("<mode>", "advisor | autonomous | oracle")
    .action(async (mode, _o, c) =>
      await _act(load, c as never, { op: "set-mode", mode: String(mode) }, _json)
    );

  const sim = hiveCommand("simulate", "hive hive simulate")
    .description(
      "run a whole fleet on simnet: convergence, partitions, intent races, traffic " +
        "(no cl-hive counterpart: cl-hive cannot run a fleet; --json streams our own NDJSON)",
    )
    .requiredOption("--nodes <n>", "fleet size (2..5000)")
    .option("--seed <s>", "seed of keys, topology, latency and loss (1)")
    .option("--partition <groups>", "split into groups: 0-49|50-99 (indices or ranges), or half")
    .option("--at <duration>", "time after bootstrap when the partition starts (60s)")
    .option("--heal <duration>", "time after bootstrap when it heals (--at + 5m)")
    .option("--conflicts <k>", "k targets each claimed by 4 members in one instant (0)")
    .option("--loss <p>", "probability a message is lost, 0..1 (0)")
    .option("--sync <duration>", "anti-entropy period (30s)")
    .option("--max-time <duration>", "give up converging after this much simulated time (1h)")
    .action(async (o, c) => {
      const ctx = await load(c as never, "hive");
      const f = o as Record<string, string | undefined>;
      const loss = f.loss === undefined ? 0 : Number(f.loss);
      if (!(loss >= 0 && loss <= 1)) {
        throw new UsageError(`--loss: expected 0..1, got ${JSON.stringify(f.loss)}`);
      }
      const nodes = _int("--nodes", f.nodes, 2, 5000, 10);
      const at = _seconds("--at", f.at, 0, 10_000_000, 60);
      const heal = _seconds("--heal", f.heal, 0, 10_000_000, at + 300);
      if (f.partition && heal < at) {
        throw new UsageError(`--heal: must not be before --at (${at}s), got ${f.heal}`);
      }
      const { simulate, formatReport } = await import("./simulate.ts");
      const { parsePartition } = await import("./fleet.ts");
      if (f.partition) {
        try {
          parsePartition(f.partition, nodes);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
      const { createProgress } = await import("../../core/progress.ts");
      const json = ctx.output.json;
      const opts = {
        nodes,
        seed: _int("--seed", f.seed, 0, 2 ** 31 - 1, 1),
        partition: f.partition,
        at,
        heal,
        conflicts: _int("--conflicts", f.conflicts, 0, 100_000, 0),
        loss,
        syncSeconds: _seconds("--sync", f.sync, 1, 86_400, 30),
        maxSeconds: _seconds("--max-time", f.maxTime, 1, 10_000_000, 3600),
      };
      let bar: { update(n: number): void; done(): void } | null = null;
      const report = await simulate(
        opts,
        (e) => {
          if (json) ctx.output.record(e, () => "");
          else ctx.logger.info(e.event, e);
        },
        (done, total) => {
          bar ??= createProgress({
            label: "simulate",
            total,
            onRecord: json ? (r) => ctx.output.record(r, () => "") : undefined,
          });
          bar.update(Math.floor(done));
        },
      );
      (bar as { done(): void } | null)?.done();
      ctx.output.record({ type: "result", ...report }, () => formatReport(report));
    });
  root.addCommand(sim);
  root.addHelpText(
    "after",
    `
State commands act on node --node (default 0) of a simnet fleet kept in --data-dir between runs
(simnet.json + node-<i>.sqlite), so separate invocations build one hive:

  hive hive genesis --node 0 --json
  T=$(hive hive invite --node 0)
  hive hive join "$T" --node 3
  hive hive status --node 3 --json
  hive hive intents --advance 60s                         simulated time passes only when asked
  hive hive simulate --nodes 100 --partition half --conflicts 50 --json

Exit codes: 0 ok, 1 runtime failure (e.g. a corrupt store, reported and left untouched), 2 usage.`,
  );
  return root;
}

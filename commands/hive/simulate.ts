/**
 * `hive hive simulate`: a whole fleet on simnet. Bootstrap (real handshakes), optionally a
 * partition with state changes on every side and a heal, optionally K simultaneous intent races;
 * report convergence time, state-hash agreement, intents committed vs aborted, messages and bytes.
 *
 * @module
 */
import { Fleet, parsePartition, raceIntents, type RaceResult } from "./fleet.ts";

/** Options of {@link simulate}. */
export interface SimulateOptions {
  nodes: number;
  seed: number;
  partition?: string;
  /** Seconds after bootstrap when the partition starts. */
  at: number;
  /** Seconds after bootstrap when it heals. */
  heal: number;
  conflicts: number;
  loss: number;
  /** Anti-entropy period (s). */
  syncSeconds: number;
  /** Give up converging after this many simulated seconds. */
  maxSeconds: number;
}

/** An NDJSON event of a run. */
export type SimEvent = { type: "event"; event: string; t: number } & Record<string, unknown>;

/** What a run measured. */
export interface SimulateReport {
  nodes: number;
  seed: number;
  loss: number;
  bootstrap: {
    mode: "gossip" | "snapshot";
    members: number;
    converge_s: number | null;
    messages: number;
  };
  partition: null | {
    groups: number[];
    changed_nodes: number;
    diverged: boolean;
    heal_converge_s: number | null;
    rounds: number | null;
    messages_after_heal: number;
    bytes_after_heal: number;
    messages_per_node: number;
    /** Real time the simulator took to converge after the heal. */
    heal_wall_ms: number;
  };
  conflicts: null | Omit<RaceResult, "violations"> & { violations: number };
  state_hash_agreement: number;
  distinct_hashes: number;
  messages: number;
  bytes: number;
  lost: { random: number; partition: number };
  sim_seconds: number;
  wall_ms: number;
}

/** Run a simulation; `emit` receives events as they happen. */
export async function simulate(
  o: SimulateOptions,
  emit: (e: SimEvent) => void = () => {},
  progress: (done: number, total: number) => void = () => {},
): Promise<SimulateReport> {
  const wall = performance.now();
  const fleet = Fleet.create({
    nodes: o.nodes,
    seed: o.seed,
    loss: o.loss,
    syncSeconds: o.syncSeconds,
  });
  const t = () => Math.round(fleet.seconds * 1000) / 1000;
  const mode = o.nodes > 100 ? "snapshot" : "gossip";
  emit({ type: "event", event: "bootstrap_start", t: t(), mode });
  await fleet.bootstrap({ settle: mode });
  const total = (o.partition ? o.heal + o.maxSeconds : o.maxSeconds) + (o.conflicts ? 80 : 0);
  const converge = await fleet.converge(o.maxSeconds, { onStep: (s) => progress(s, total) });
  const bootMessages = fleet.net.stats.sent;
  emit({
    type: "event",
    event: "bootstrap_done",
    t: t(),
    members: fleet.members().length,
    converge_s: converge,
  });

  let partition: SimulateReport["partition"] = null;
  if (o.partition) {
    const groups = parsePartition(o.partition, o.nodes);
    const base = fleet.seconds;
    await fleet.advance(Math.max(0, o.at));
    fleet.partition(groups);
    emit({ type: "event", event: "partition", t: t(), groups: groups.map((g) => g.length) });
    // Change state on every side: a few nodes per group move their capacity past 10 %.
    let changed = 0;
    for (const g of groups) {
      const k = Math.max(1, Math.ceil(g.length / 50));
      for (const idx of fleet.rng.shuffle([...g]).slice(0, k)) {
        const node = fleet.nodes[idx];
        if (!node.tier) continue;
        await node.publishState({ ...fleet.initialState(node), capacity_sats: 40_000_000 + idx });
        changed++;
      }
    }
    await fleet.net.runUntil((base + Math.max(o.heal, o.at)) * 1000);
    progress(fleet.seconds - base, total);
    const diverged = fleet.agreement().distinct > 1;
    fleet.heal();
    const before = { ...fleet.net.stats };
    emit({ type: "event", event: "heal", t: t(), diverged });
    const healStart = fleet.seconds;
    const healWall = performance.now();
    const took = await fleet.converge(o.maxSeconds, {
      onStep: (s) => progress(healStart - base + s, total),
    });
    const msgs = fleet.net.stats.sent - before.sent;
    partition = {
      groups: groups.map((g) => g.length),
      changed_nodes: changed,
      diverged,
      heal_converge_s: took,
      rounds: took === null ? null : Math.ceil(took / o.syncSeconds),
      messages_after_heal: msgs,
      bytes_after_heal: fleet.net.stats.bytes - before.bytes,
      messages_per_node: Math.round((msgs / o.nodes) * 100) / 100,
      heal_wall_ms: Math.round(performance.now() - healWall),
    };
    emit({ type: "event", event: "converged", t: t(), after_heal_s: took, messages: msgs });
  }

  let conflicts: SimulateReport["conflicts"] = null;
  if (o.conflicts > 0) {
    emit({ type: "event", event: "intent_race", t: t(), targets: o.conflicts });
    const r = await raceIntents(fleet, {
      targets: o.conflicts,
      contenders: Math.min(4, o.nodes),
      seed: o.seed,
    });
    conflicts = { ...r, violations: r.violations.length };
    emit({
      type: "event",
      event: "intent_race_done",
      t: t(),
      committed: r.committed,
      aborted: r.aborted,
      violations: r.violations.length,
    });
  }
  fleet.stopLoops();
  const a = fleet.agreement();
  return {
    nodes: o.nodes,
    seed: o.seed,
    loss: o.loss,
    bootstrap: {
      mode,
      members: fleet.members().length,
      converge_s: converge,
      messages: bootMessages,
    },
    partition,
    conflicts,
    state_hash_agreement: a.fraction,
    distinct_hashes: a.distinct,
    messages: fleet.net.stats.sent,
    bytes: fleet.net.stats.bytes,
    lost: { random: fleet.net.stats.lostRandom, partition: fleet.net.stats.lostPartition },
    sim_seconds: t(),
    wall_ms: Math.round(performance.now() - wall),
  };
}

/** A human summary of a report. */
export function formatReport(r: SimulateReport): string {
  const lines = [
    `fleet: ${r.nodes} nodes (seed ${r.seed}, loss ${r.loss}), ${r.bootstrap.members} members`,
    `bootstrap: ${r.bootstrap.mode}, converged in ${r.bootstrap.converge_s ?? "-"} s`,
  ];
  if (r.partition) {
    const p = r.partition;
    lines.push(
      `partition ${p.groups.join("|")}: ${p.changed_nodes} nodes changed, diverged=${p.diverged}`,
      `heal: converged in ${p.heal_converge_s ?? "never"} s (${p.rounds ?? "-"} rounds), ` +
        `${p.messages_after_heal} messages (${p.messages_per_node}/node), ${p.bytes_after_heal} bytes`,
    );
  }
  if (r.conflicts) {
    const c = r.conflicts;
    lines.push(
      `intents: ${c.intents} on ${c.targets} targets: ${c.committed} committed, ${c.aborted} aborted, ` +
        `${c.correct} correct, ${c.violations} violations`,
    );
  }
  lines.push(
    `state hashes: ${
      (r.state_hash_agreement * 100).toFixed(1)
    } % agree (${r.distinct_hashes} distinct)`,
    `traffic: ${r.messages} messages, ${r.bytes} bytes; lost ${r.lost.random} random, ${r.lost.partition} to partitions`,
    `simulated ${r.sim_seconds} s in ${r.wall_ms} ms`,
  );
  return lines.join("\n");
}

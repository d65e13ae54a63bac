/**
 * `hive sim validate FILE`: check a scenario (schema, ranges, hashrates, references,
 * connectivity) and print a one-line verdict.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { Option } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { UsageError } from "../../../core/errors.ts";

/** Build `hive sim validate`. */
export function validateCommand(load: ContextLoader): Command<[string]> {
  const cmd = hiveCommand("validate", "hive sim validate")
    .summary("check a scenario file")
    .description(
      "Validate a scenario: schema, durations, name ranges, hashrates summing to 100, host " +
        "references in attacks, GML file, and a connected peer graph. Exits 0 when valid, 2 " +
        "with every problem found in one pass, one per line (field path and value); with " +
        "--json, stdout is {valid: false, problems: [{path, line}, ...]}.",
    )
    .argument("<file>", "scenario YAML file")
    .addOption(
      new Option(
        "--engine <name>",
        "also check what this engine can run (local: host count; des: settings it models)",
      )
        .choices(["local", "des", "shadow"]),
    )
    .option(
      "--max-hosts <n>",
      "local: most hosts (default: free memory / 400 MiB per monerod), as `hive sim run` takes",
    )
    .action(async (file, options, command) => {
      const { loadScenario } = await import("../scenario/load.ts");
      const { ScenarioError } = await import("../scenario/problems.ts");
      const ctx = await load(command, "sim");
      const maxHosts = options.maxHosts === undefined ? undefined : Number(options.maxHosts);
      if (maxHosts !== undefined && !(Number.isInteger(maxHosts) && maxHosts >= 1)) {
        throw new UsageError(
          `hive sim validate: --max-hosts: expected a whole number >= 1, got "${options.maxHosts}"`,
        );
      }
      let model;
      try {
        ({ model } = await loadScenario(file, {
          addressing: options.engine === "local" ? "loopback" : "shadow",
          engine: options.engine,
        }));
        if (options.engine === "local") {
          const { localHostsProblem } = await import("../../../adapters/engine/local/options.ts");
          const problem = localHostsProblem(model.hosts.length, maxHosts);
          if (problem) {
            throw new ScenarioError(file, [{ path: "agents", line: `agents: ${problem}` }]);
          }
        }
      } catch (error) {
        if (error instanceof ScenarioError && ctx.output.json) {
          ctx.output.result({ valid: false, file, problems: error.problems }, () => "");
        }
        throw error;
      }
      const { desDrawsPeers, parseDesNetModel } = await import(
        "../../../adapters/engine/des/netmodel.ts"
      );
      ctx.output.result({
        valid: true,
        file,
        name: model.name,
        hosts: model.hosts.length,
        edges: model.edges.length,
        attacks: model.attacks.map((a) => a.kind),
        // The des engine draws its own peer graph under `des.peers` (or SimBlock's preset).
        des_draws_peers: desDrawsPeers(parseDesNetModel(model.des ?? {})),
        // Another engine given with --engine runs the scenario without its `des:` section.
        des_ignored: model.des !== undefined && options.engine !== undefined &&
          options.engine !== "des",
      }, (r) =>
        `ok: ${r.file}: scenario "${r.name}", ${r.hosts} hosts, ${r.edges} edges` +
        (r.des_draws_peers ? " (the des engine draws its own peers)" : "") +
        `, ${r.attacks.length} attack${r.attacks.length === 1 ? "" : "s"}` +
        (r.des_ignored
          ? `; its des: section is for the des engine, ${options.engine} ignores it`
          : ""));
    });
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim validate fixtures/scenarios/ring.yaml
  hive --json sim validate fixtures/scenarios/ring.yaml     {"valid": true, "hosts": ...}
  hive sim validate broken.yaml; echo $?                     prints the problems, exit 2
  hive sim validate big.yaml --engine local --max-hosts 32   refuses more hosts than that

Scenario format (full reference: hive sim schema):
  name: demo
  general: { stop_time: 2h, seed: 42, parallelism: 2, bootstrap_end_time: 5m }
  network:                        # one of: type: 1_gbit_switch | gml: FILE | generated
    topology: random_regular(4)   # star ring mesh dag(k) random_regular(k) scale_free(m) regions(k)
    peer_mode: hardcoded          # hardcoded | hybrid | dynamic (needs seed_nodes)
    latency: { uniform: [20 ms, 80 ms] }      # or "50 ms", or { normal: { mean, stddev } }
    bandwidth: 100 Mbit
    regions: { eu: { weight: 2, latency: 20 ms }, asia: { latency: 90 ms } }
  agents:                         # names may hold one range: miner-{001..050}
    miner-{01..04}: { kind: miner, hashrate: 20 }   # miner + attacker hashrates sum to 100
    alice: { kind: user, interval_mean: 2m, amount: { min: 0.1, max: 1 } }
    watch: { kind: monitor, interval: 10s }
    evil-{1..2}: { kind: attacker, hashrate: 10, daemon_args: ["--out-peers=16"] }
  attacks:
    - { kind: eclipse, victim: alice, attackers: ["evil-{1..2}"], behaviour: delay, delay: 30s }
    - { kind: partition, group_a: ["region:eu"], start: 30m, end: 1h }
    - { kind: sybil, attackers: ["evil-{1..2}"] }
    - { kind: double_spend, attacker: evil-1, victim: alice, confirmations: 6 }`,
  );
  return cmd;
}

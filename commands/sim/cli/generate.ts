/**
 * `hive sim generate FILE --out DIR`: write a Shadow configuration for a scenario.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { z } from "zod";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { flagInput, parseFlags } from "./flags.ts";
import type { GenerateResult } from "../shadow/generate.ts";

/** Scenarios at least this large get a progress bar when stderr is a terminal. */
export const PROGRESS_MIN_HOSTS = 500;

const _flagsSchema = z.strictObject({
  "--out": z.string().min(1),
  "--hive-bin": z.string().min(1).optional(),
  "--monerod-bin": z.string().min(1).optional(),
  "--wallet-rpc-bin": z.string().min(1).optional(),
  "--force": z.boolean(),
  "--progress": z.boolean().optional(),
});

const _encoder = new TextEncoder();

function _stderr(text: string): void {
  Deno.stderr.writeSync(_encoder.encode(text));
}

function _human(r: GenerateResult): string {
  const programs = Object.entries(r.by_program).map(([p, n]) => `  ${p}: ${n}`);
  const lines = [
    `wrote ${r.out}/${r.files[0]} and ${r.out}/${
      r.files[1]
    } (scenario "${r.name}", seed ${r.seed})`,
    `hosts: ${r.hosts}  processes: ${r.processes}  peer edges: ${r.edges}  ` +
    `graph: ${r.graph_nodes} nodes, ${r.graph_edges} edges`,
    ...programs,
  ];
  lines.push(`run: cd ${r.out} && shadow ${r.files[0]}`);
  return lines.join("\n");
}

/** Build `hive sim generate`. */
export function generateCommand(load: ContextLoader): Command<[string]> {
  const cmd = hiveCommand("generate", "hive sim generate")
    .summary("write shadow.yaml + network.gml for a scenario")
    .description(
      "Expand a scenario and write a Shadow configuration: shadow.yaml (general, network, one " +
        "host per agent with its processes) and network.gml (the network graph). Each host runs " +
        "monerod (regtest, per-host IP and ports, --add-exclusive-node/--add-priority-node/" +
        "--seed-node by peer mode); user hosts also run monero-wallet-rpc; agents run as " +
        "`hive sim agent <kind> ...`. Shadow's topology is static, so a partition runs as " +
        "`hive sim agent attacker --mode partition` processes that ban the other group through " +
        "monerod's set_bans RPC from start to end, then lift the bans. Same file and seed give " +
        "byte-identical output. Written atomically: on any error nothing is left behind.",
    )
    .argument("<file>", "scenario YAML file")
    .requiredOption("--out <dir>", "output folder (created; must be empty unless --force)")
    .option(
      "--hive-bin <path>",
      "hive executable Shadow runs for agents (default: $HIVE_BIN, this binary when compiled, " +
        'else "hive" from PATH)',
    )
    .option("--monerod-bin <path>", 'monerod executable (default: "monerod" from PATH)')
    .option(
      "--wallet-rpc-bin <path>",
      'monero-wallet-rpc executable (default: "monero-wallet-rpc" from PATH)',
    )
    .option("--force", "replace --out if it exists and is not empty")
    .option(
      "--progress",
      `draw a progress bar on stderr (default: when stderr is a terminal and the scenario has ` +
        `${PROGRESS_MIN_HOSTS}+ hosts)`,
    )
    .option("--no-progress", "never draw a progress bar")
    .action(async (file, options, command) => {
      const { createProgressBar, generateShadowDir } = await import("../shadow/generate.ts");
      const { createProgress } = await import("../../../core/progress.ts");
      const ctx = await load(command, "sim");
      const flags = parseFlags("hive sim generate", _flagsSchema, {
        ...flagInput(options),
        "--force": options.force ?? false,
      });
      // On a terminal: core/progress.ts (a bar with ETA per phase); asked for on a pipe or a
      // file (--progress), plain one-line redraws, which cli-progress does not draw there.
      const bar = createProgressBar({ write: _stderr });
      const terminal = Deno.stderr.isTerminal();
      let phaseBar: { name: string; bar: ReturnType<typeof createProgress> } | undefined;
      let show = flags["--progress"];
      const result = await (async () => {
        try {
          return await generateShadowDir({
            scenarioPath: file,
            outDir: flags["--out"],
            hiveBin: flags["--hive-bin"],
            monerodBin: flags["--monerod-bin"],
            walletRpcBin: flags["--wallet-rpc-bin"],
            force: flags["--force"],
            onProgress: (phase, done, total) => {
              // The size is known once hosts are being built; decide then, draw from then on.
              if (phase === "hosts" && show === undefined) {
                show = Deno.stderr.isTerminal() && total >= PROGRESS_MIN_HOSTS;
              }
              if (!show) return;
              if (!terminal) return bar.update(phase, done, total);
              if (phaseBar?.name !== phase) {
                phaseBar?.bar.done();
                phaseBar = { name: phase, bar: createProgress({ label: phase, total, bar: true }) };
              }
              phaseBar.bar.update(done);
            },
          });
        } finally {
          phaseBar?.bar.done();
          bar.done();
        }
      })();
      ctx.logger.info("shadow config written", { out: result.out, hosts: result.hosts });
      ctx.output.result(result, _human);
    });
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim generate fixtures/scenarios/ring.yaml --out /tmp/ring-shadow
  hive --json sim generate fixtures/scenarios/partition.yaml --out out/ --force
  hive sim generate big.yaml --out big/ --hive-bin /opt/hive/bin/hive --progress
  cd /tmp/ring-shadow && shadow shadow.yaml     run it (Shadow is not bundled)

Processes per host (Shadow start_time in brackets; t = the agent's start_time):
  monerod [t]                         every host
  monero-wallet-rpc [t+5s]            user hosts
  hive sim agent miner|user|monitor [t+10s]
  hive sim agent attacker --mode partition|eclipse [0s, acts at the attack's start]`,
  );
  return cmd;
}

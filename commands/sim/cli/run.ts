/**
 * `hive sim run FILE --engine local|des|shadow --out DIR`: run a scenario with one of the
 * engines, dispatching through the engine factory. Progress goes to stderr, the run summary
 * to stdout (`--json`: one JSON document). Ctrl-C stops the run cleanly and keeps what ran.
 *
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import { z } from "zod";
import {
  ENGINE_NAMES,
  type EngineRunResult,
  type RunEvent,
} from "../../../adapters/engine/types.ts";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { HiveError, UsageError } from "../../../core/errors.ts";
import { flagInput, parseFlags, positiveFlag, wholeFlag } from "./flags.ts";
import { desRunOptions, refuseSimblockValidation, secondsFlag } from "./run_des.ts";
import { checkOutDir, runDocument, runText } from "./run_output.ts";

const _flagsSchema = z.object({
  FILE: z.string().min(1),
  "--engine": z.enum(ENGINE_NAMES, { error: `expected one of ${ENGINE_NAMES.join(", ")}` }),
  "--out": z.string().min(1, { error: "expected a folder" }),
  "--force": z.boolean().default(false),
  "--time-scale": positiveFlag.default(1),
  "--monerod-bin": z.string().min(1).optional(),
  "--max-hosts": wholeFlag("expected a whole number >= 1", 1).optional(),
  "--links": z.enum(["auto", "relay", "netns", "ideal"], {
    error: "expected auto, relay, netns or ideal",
  })
    .optional(),
  "--shadow-bin": z.string().min(1).optional(),
  "--hive-bin": z.string().min(1).optional(),
  "--api": z.string().min(1, { error: "expected [ADDR:]PORT" }).optional(),
  "--api-token": z.string().optional(),
  "--checks": z.string().min(1, { error: "expected a file" }).optional(),
  "--api-linger": secondsFlag(0, 7 * 86_400_000).optional(),
  "--stop-when-resolved": z.boolean().optional(),
});

/** Flags of one engine only; given with another engine they are refused, like the DES ones. */
const _ENGINE_ONLY: Record<string, string> = {
  "--time-scale": "local",
  "--monerod-bin": "local",
  "--max-hosts": "local",
  "--links": "local",
  "--shadow-bin": "shadow",
  "--hive-bin": "shadow",
};

/** Flags two engines take; given with the third they are refused. */
const _NOT_SHADOW = ["--stop-when-resolved"];

function _refuseOtherEngines(engine: string, flags: Record<string, unknown>): void {
  for (const [flag, only] of Object.entries(_ENGINE_ONLY)) {
    if (flags[flag] !== undefined && engine !== only) {
      throw new UsageError(
        `hive sim run: ${flag}: applies to --engine ${only} only, got --engine ${engine}`,
      );
    }
  }
  for (const flag of _NOT_SHADOW) {
    if (flags[flag] !== undefined && engine === "shadow") {
      throw new UsageError(
        `hive sim run: ${flag}: applies to --engine des and local, got --engine shadow`,
      );
    }
  }
}

/** Build `hive sim run`. */
export function runCommand(load: ContextLoader): Command {
  const cmd = hiveCommand("run", "hive sim run")
    .summary("run a scenario with the local, des or shadow engine")
    .description(
      "Run a scenario. `local`: real monerod per host on 127.0.0.x with the agents as child " +
        "processes (as many hosts as free memory holds at 400 MiB each, or --max-hosts; needs " +
        "Debian's monero package). `des`: the embedded " +
        "discrete-event engine, for large networks in seconds. `shadow`: write the Shadow " +
        "config and run `shadow` (must be installed). Logs and RunEvent NDJSON go under --out " +
        "for `hive sim analyze`.",
    )
    .argument("<file>", "scenario YAML file")
    .addOption(
      new Option("--engine <name>", "which engine runs the scenario").choices(ENGINE_NAMES)
        .makeOptionMandatory(),
    )
    .requiredOption("--out <dir>", "output folder (created; must not exist or be empty)")
    .option("--force", "replace an earlier run's folder given as --out")
    .option("--json", "the run summary as one JSON document on stdout (same as `hive --json`)")
    .option(
      "--time-scale <x>",
      "local: simulated seconds per wall second, e.g. 60 turns a 1 h scenario into 1 min " +
        "(default 1); link latency and monerod's own work stay real, so `analyze` shows them " +
        "that many times longer: measure propagation at 1",
    )
    .option("--monerod-bin <path>", "local: monerod executable (default: monerod on PATH)")
    .option("--max-hosts <n>", "local: most hosts (default: free memory / 400 MiB per monerod)")
    .option(
      "--links <mode>",
      "local: peer links: auto (when the scenario's links carry latency, jitter or loss: " +
        "netns as root where the kernel has netem, else relay; default), netns (a network " +
        "namespace per node, links shaped by tc; root), relay (always), ideal (plain loopback)",
    )
    .option("--shadow-bin <path>", "shadow: shadow executable (default: shadow on PATH)")
    .option(
      "--hive-bin <path>",
      "shadow: hive executable the generated config runs agents with (default: this binary " +
        "when compiled, else `hive`)",
    )
    .option("--block-interval <duration>", "des: network mean time between blocks (default 2m)")
    .option(
      "--block-size <bytes>",
      "des: bytes sent per block relay, drives bandwidth-limited transfer (default 100000)",
    )
    .option("--tx-size <bytes>", "des: bytes per transaction (default 1500)")
    .option(
      "--validation-delay <duration>",
      "des: time a node verifies a block before relaying it (default 100ms)",
    )
    .addOption(
      new Option(
        "--receipts <mode>",
        "des: write a `block`/`tx_seen` event per node (on), only aggregates (off), or on " +
          "unless nodes x (blocks + txs) > 2,000,000 (auto, default)",
      ).choices(["on", "off", "auto"]),
    )
    .option("--max-blocks <n>", "des: stop mining after N blocks (they still propagate)")
    .option(
      "--give-up <n>",
      "des: a double-spend attacker gives up this many blocks behind (default 30)",
    )
    .option(
      "--stop-when-resolved",
      "des, local: end the run once every double-spend and partition attack has an outcome",
    )
    .option(
      "--pace <x>",
      "des: simulated seconds per wall second, to watch a run live with --api (default: as " +
        "fast as it goes)",
    )
    .option(
      "--api <[addr:]port>",
      "serve the orchestrator API and dashboard while the run goes (loopback unless ADDR is " +
        "given; 0 picks a free port)",
    )
    .option("--api-token <token>", "bearer token the API requires (needed to bind non-loopback)")
    .option(
      "--checks <file>",
      "YAML with the checks to make (convergence, disconnected, tx_in_chain, reorg_depth); " +
        "exit 1 when one fails",
    )
    .option(
      "--api-linger <duration>",
      "keep the API up this long after the run ends, e.g. 60s (default 0s; Ctrl-C ends it)",
    );
  cmd.addHelpText(
    "after",
    `
Local engine:
  Each host is a real monerod on its own 127.0.0.x address (free ports), with the agents as
  child processes; user wallets are funded before the clock starts (83 regtest blocks). At
  stop_time the miners stop and the run waits up to 10 s for the nodes to agree, so the logs
  show the last blocks arriving. Ctrl-C or SIGTERM stops everything (SIGTERM, then SIGKILL
  after 15 s). If hive itself is killed with SIGKILL, a small reaper process it started
  notices and stops the run's monerods (see DIR/reaper.log); agents watch for their parent.
  Attacks: partition and eclipse through monerod set_bans; double_spend through
  \`hive sim agent attacker --mode double_spend\`, which mines on the attacker's node, cuts it
  off at the attack start, mines a private chain and releases it once the victim has
  \`confirmations\` blocks past the fork and the private chain is longer (gives up after
  3600 simulated s). The payment is modelled as the first honest block after the fork: no
  wallet transfer is made or reversed.
  --links auto|relay|netns|ideal: how peer links get the scenario's latency, jitter, loss and
  bandwidth (relay: a userspace relay per directed link; netns: a network namespace per node,
  tc htb/tbf or netem per link, root only); DIR/links.json records the path.

Output folder:
  local   DIR/hosts/<host>/ monerod.log, miner.log, miner.ndjson, monitor.ndjson ...;
          DIR/local_run.json (addresses and ports of every host)
  des     DIR/events.ndjson, DIR/summary.json and aggregates
  shadow  DIR/shadow.yaml, DIR/network.gml, DIR/shadow.data/hosts/<host>/*.stdout

DES engine options:
  --block-interval, --block-size, --tx-size, --validation-delay, --receipts, --max-blocks,
  --give-up and --pace tune the des engine (defaults follow monerod); they are refused (exit 2)
  with another engine. DIR/summary.json records the options used. --stop-when-resolved works
  with des and local (local: it reads the attack agents' records each wall second).

Examples:
  hive sim run fixtures/scenarios/ring.yaml --engine local --time-scale 60 --out runs/ring
  hive sim run fixtures/scenarios/ring.yaml --engine des --out runs/ring-des --json
  hive sim run fixtures/scenarios/ring.yaml --engine des --block-size 2000000 \\
    --validation-delay 2s --receipts off --out runs/ring-big-blocks
  hive sim run fixtures/scenarios/double_spend_local.yaml --engine local --time-scale 120 \\
    --out runs/ds
  hive sim analyze runs/ring --json

Exit codes: 0 ok (also when stopped with Ctrl-C), 1 runtime failure (e.g. monerod or shadow
missing), 2 bad flags or scenario.`,
  );
  cmd.action(async (file, o, command) => {
    const { createEngine } = await import("../../../adapters/engine/mod.ts");
    const { writeShadowFiles } = await import("../shadow/generate.ts");
    const { loadScenario } = await import("../scenario/load.ts");
    const input = flagInput(o);
    const f = parseFlags("hive sim run", _flagsSchema, { FILE: file, ...input });
    const des = desRunOptions(f["--engine"], input);
    _refuseOtherEngines(f["--engine"], input);
    const cli = await load(command, "sim-run");
    const engineName = f["--engine"];
    const loaded = await loadScenario(f.FILE, {
      addressing: engineName === "local" ? "loopback" : "shadow",
      engine: engineName,
    });
    const model = loaded.model;
    await refuseSimblockValidation(des, model.des);
    const section = model.des as { validation?: unknown } | undefined;
    if (des.validationDelayS !== undefined && section?.validation !== undefined) {
      cli.logger.warn(
        `--validation-delay ${des.validationDelayS} s replaces the scenario's des.validation ` +
          "for this run: every node takes that one delay",
      );
    }
    if (model.des !== undefined && engineName !== "des") {
      cli.logger.warn(
        `the scenario's des: section is for the des engine; ${engineName} ignores it`,
      );
    }
    const { runMetaOf, writeRunMeta } = await import("../api/run_meta.ts");
    const meta = runMetaOf(model, engineName, cli.version);
    let address: { hostname: string; port: number } | undefined;
    if (f["--api"] !== undefined) {
      const { parseApiAddress, checkApiBind } = await import("../api/server.ts");
      address = parseApiAddress(f["--api"]);
      checkApiBind(address, f["--api-token"]);
    } else if (f["--api-token"] !== undefined || f["--api-linger"] !== undefined) {
      throw new UsageError("hive sim run: --api-token and --api-linger need --api");
    }
    const checksConfig = await (await import("../checks/config.ts"))
      .checksForRun(f["--checks"], loaded.scenario);
    await checkOutDir(f["--out"], f["--force"]);
    const engine = createEngine(engineName, {
      timeScale: f["--time-scale"],
      des: f["--stop-when-resolved"] ? { ...des, stopWhenAttacksResolved: true } : des,
      local: {
        monerodBin: f["--monerod-bin"],
        maxHosts: f["--max-hosts"],
        links: f["--links"],
        stopWhenResolved: f["--stop-when-resolved"],
      },
      shadow: {
        shadowBin: f["--shadow-bin"],
        writeConfig: (_model, dir) => writeShadowFiles(loaded, dir, { hiveBin: f["--hive-bin"] }),
      },
    });
    const controller = new AbortController();
    const onSignal = () => {
      cli.logger.info("stopping the run (signal)");
      controller.abort();
    };
    Deno.addSignalListener("SIGINT", onSignal);
    Deno.addSignalListener("SIGTERM", onSignal);
    let live: import("../api/live.ts").LiveApi | undefined;
    try {
      if (address) {
        const { startLiveApi } = await import("../api/live.ts");
        live = await startLiveApi({ address, token: f["--api-token"], meta, logger: cli.logger });
        cli.logger.info("api listening", { url: live.api.url });
        cli.output.record(
          { type: "api", url: live.api.url },
          () =>
            `hive sim api: ${live!.api.url}/${f["--api-token"] ? "?token=<your --api-token>" : ""}`,
        );
      }
      cli.logger.info("run started", {
        scenario: model.name,
        engine: engineName,
        hosts: model.hosts.length,
        out: f["--out"],
      });
      const progress = (await import("./run_progress.ts")).runProgress({
        logger: cli.logger,
        // NDJSON on stderr beside the logs: stdout keeps its one result document.
        onRecord: cli.output.json
          ? (r) => Deno.stderr.writeSync(new TextEncoder().encode(JSON.stringify(r) + "\n"))
          : undefined,
      });
      const checks = checksConfig &&
        (await import("../checks/run_checks.ts")).runChecks(
          checksConfig,
          meta.hosts,
          (e) => live?.state.record(e),
        );
      const onEvent = (event: RunEvent, line?: string) => {
        live?.hooks.onEvent?.(event, line);
        checks?.observe(event);
      };
      // Engines that log to files are followed by polling the run folder.
      const tail = engineName !== "des" && (live || checks)
        ? (await import("../api/tail.ts")).tailRunFolder(f["--out"], onEvent)
        : undefined;
      let result: EngineRunResult;
      try {
        result = await engine.run({
          model,
          outDir: f["--out"],
          logger: cli.logger,
          onProgress: (p) => {
            progress.update(p);
            live?.progress(p);
          },
          signal: controller.signal,
          live: live || checks
            ? { onEvent: tail ? undefined : onEvent, onControl: live?.hooks.onControl }
            : undefined,
        });
      } catch (error) {
        await tail?.stop();
        progress.done();
        live?.end("failed");
        // The meta of what ran, only where the engine made a folder (not when it could not start).
        if (await Deno.stat(f["--out"]).then(() => true, () => false)) {
          await writeRunMeta(f["--out"], { ...meta, outcome: "failed" });
        }
        throw error;
      }
      await writeRunMeta(f["--out"], {
        ...meta,
        outcome: result.interrupted ? "interrupted" : "finished",
        simulatedS: result.simulatedS,
      });
      await tail?.stop();
      progress.done();
      const verdicts = checks ? await checks.finish(f["--out"], result.simulatedS) : [];
      live?.end(result.interrupted ? "interrupted" : "finished");
      if (checks) {
        result.summary.checks = verdicts.map((v) =>
          `${v.pass ? "PASS" : "FAIL"} ${v.check}: ${v.detail}`
        );
      }
      cli.output.result(runDocument(result), runText);
      const linger = f["--api-linger"] ?? 0;
      if (live && linger > 0 && !controller.signal.aborted) {
        cli.logger.info("api stays up", { seconds: linger, url: live.api.url });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, linger * 1000);
          controller.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      }
      const failed = verdicts.filter((v) => !v.pass);
      if (failed.length > 0) {
        throw new HiveError(
          `hive sim run: ${failed.length} check(s) failed: ${
            failed.map((v) => v.check).join(", ")
          }`,
          { code: "check_failed" },
        );
      }
    } finally {
      await live?.close();
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    }
  });
  return cmd as unknown as Command;
}

/**
 * `hive sim agent <miner|user|monitor|attacker>`: the agent processes of a simulation. The
 * local engine starts them as children; generated Shadow configs run them as processes.
 * They run until SIGINT/SIGTERM (or `--duration`), log to stderr and write RunEvent NDJSON to
 * `--out FILE` (stdout when omitted).
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { z } from "zod";
import { createCliContext, type GlobalOptions } from "../../core/cli.ts";
import { parseWith, UsageError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { hiveConfigSchema } from "../config_schema.ts";
import { runEclipse, runPartition } from "./agents/attacker.ts";
import { runDoubleSpend } from "./agents/double_spend.ts";
import { runMiner } from "./agents/miner.ts";
import { runMonitor } from "./agents/monitor.ts";
import { DEFAULT_MINER_ADDRESS, MonerodRpc, WalletRpc } from "./agents/rpc.ts";
import {
  type AgentContext,
  createEventSink,
  type EventSinkOptions,
  RunClock,
  stopOnSignals,
} from "./agents/runtime.ts";
import { runUser } from "./agents/user.ts";

const _NUM = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function _number(check: (n: z.ZodNumber) => z.ZodNumber = (n) => n) {
  return z.string().trim().regex(_NUM, { error: "expected a number" }).transform(Number).pipe(
    check(z.number()),
  );
}
const _int = (lo: number, hi = Number.MAX_SAFE_INTEGER) =>
  _number((n) => n.int({ error: "expected an integer" }).min(lo).max(hi));
const _positive = _number((n) => n.positive({ error: "expected a number > 0" }));
const _url = z.url({ protocol: /^https?$/, error: "expected an http:// URL" });
const _name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, {
  error: "expected a host name of letters, digits, . _ - (at most 64)",
});

/** `URL` or `NAME=URL`; a bare URL is named after its host:port. */
const _target = z.string().transform((text, ctx) => {
  const eq = text.indexOf("=");
  const name = eq > 0 ? text.slice(0, eq) : null;
  const url = eq > 0 ? text.slice(eq + 1) : text;
  const parsedUrl = _url.safeParse(url);
  if (!parsedUrl.success) {
    ctx.addIssue({ code: "custom", message: "expected URL or NAME=URL with an http:// URL" });
    return z.NEVER;
  }
  if (name !== null && !_name.safeParse(name).success) {
    ctx.addIssue({ code: "custom", message: "bad host name before '='" });
    return z.NEVER;
  }
  return { host: name ?? new URL(url).host.replace(/[^A-Za-z0-9_.-]/g, "_"), url };
});
const _targets = z.string().transform((t) => t.split(",").map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(_target).min(1, { error: "expected at least one URL" }));

/** Flags every agent shares. */
const _commonSchema = {
  "--host": _name.optional(),
  "--seed": _int(0).default(1),
  "--time-scale": _positive.default(1),
  "--t0": _int(0).optional(),
  "--duration": _positive.optional(),
  "--out": z.string().min(1).optional(),
};

interface _CommonFlags {
  host?: string;
  seed?: string;
  timeScale?: string;
  t0?: string;
  duration?: string;
  out?: string;
}

function _commonInput(o: _CommonFlags): Record<string, unknown> {
  return {
    "--host": o.host,
    "--seed": o.seed,
    "--time-scale": o.timeScale,
    "--t0": o.t0,
    "--duration": o.duration,
    "--out": o.out,
  };
}

function _parse<T extends z.ZodType>(kind: string, schema: T, input: unknown): z.output<T> {
  return parseWith(schema, input, {
    what: `hive sim agent ${kind}`,
    makeError: (m) => new UsageError(m),
  });
}

function _addCommon<C extends Command<[], Record<string, unknown>>>(cmd: C) {
  return cmd
    .option("--host <name>", "host name written into every event (default: from the URL)")
    .option("--seed <n>", "run seed; with the host name it fixes the random times (default 1)")
    .option(
      "--time-scale <x>",
      "simulated seconds per wall second: 60 makes a 120 s block interval last 2 s (default 1)",
    )
    .option(
      "--t0 <epoch-ms>",
      "run start (epoch milliseconds) event times count from (default: now; under Shadow, " +
        "whose clock starts at 2000-01-01, the simulation start)",
    )
    .option("--duration <s>", "stop after this many wall seconds (default: until SIGINT/SIGTERM)")
    .option("--out <file>", "append RunEvent NDJSON to this file (default: stdout)")
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run with --help for usage)");
}

/** Run one agent loop with the shared plumbing: logger, clock, sink, stop signal. */
async function _runAgent(
  kind: string,
  globals: GlobalOptions,
  common: z.output<z.ZodObject<typeof _commonSchema>>,
  sinkOptions: EventSinkOptions,
  body: (ctx: AgentContext) => Promise<Record<string, unknown>>,
): Promise<void> {
  const cli = await createCliContext(globals, hiveConfigSchema, `sim-agent-${kind}`);
  const logger: Logger = cli.logger.child(common["--host"] ? { host: common["--host"] } : {});
  const stop = stopOnSignals(
    logger,
    common["--duration"] !== undefined ? common["--duration"] * 1000 : undefined,
  );
  const events = createEventSink(sinkOptions);
  try {
    const result = await body({
      logger,
      events,
      clock: new RunClock(common["--t0"]),
      signal: stop.signal,
    });
    logger.info("agent finished", result);
  } catch (error) {
    // A call cut short by SIGINT/SIGTERM is a normal stop, not a failure.
    if (!stop.signal.aborted) throw error;
    logger.info("agent stopped during a call", { error });
  } finally {
    stop.dispose();
    events.close();
  }
}

function _minerCommand(): Command {
  const cmd = _addCommon(
    new Command("miner")
      .summary("mine blocks at Poisson times (writes `mined` events)")
      .description(
        "Mine blocks on one monerod (regtest `generateblocks`) at Poisson times; the mean " +
          "interval is 120 s / (hashrate/100), divided by --time-scale. Writes `mined` events.",
      )
      .requiredOption("--rpc <url>", "monerod RPC URL, e.g. http://127.0.0.2:18081")
      .requiredOption("--hashrate <pct>", "this miner's share of the network hashrate, 0..100")
      .option("--address <addr>", "coinbase address (default: a fixed valid mainnet address)")
      .option(
        "--block-time <s>",
        "network target block interval in simulated seconds (default 120)",
      )
      .option("--max-blocks <n>", "stop after mining this many blocks"),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent miner --rpc http://127.0.0.2:18081 --hashrate 50 --seed 7 --host miner-001
  hive sim agent miner --rpc http://127.0.0.2:18081 --hashrate 100 --time-scale 60 --out m.ndjson`,
  );
  return cmd.action(async (o, command) => {
    const f = _parse(
      "miner",
      z.object({
        ..._commonSchema,
        "--rpc": _url,
        "--hashrate": _number((n) => n.min(0).max(100)),
        "--address": z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{95,106}$/, {
          error: "expected a base58 Monero address",
        }).default(DEFAULT_MINER_ADDRESS),
        "--block-time": _positive.default(120),
        "--max-blocks": _int(1).optional(),
      }),
      {
        ..._commonInput(o),
        "--rpc": o.rpc,
        "--hashrate": o.hashrate,
        "--address": o.address,
        "--block-time": o.blockTime,
        "--max-blocks": o.maxBlocks,
      },
    );
    const host = f["--host"] ?? new URL(f["--rpc"]).host;
    await _runAgent("miner", command.optsWithGlobals(), f, { path: f["--out"] }, async (ctx) => ({
      ...await runMiner(ctx, {
        rpc: new MonerodRpc({ url: f["--rpc"], signal: ctx.signal }),
        host,
        hashrate: f["--hashrate"],
        seed: f["--seed"],
        timeScale: f["--time-scale"],
        blockTimeS: f["--block-time"],
        address: f["--address"],
        maxBlocks: f["--max-blocks"],
      }),
    }));
  }) as unknown as Command;
}

const _amountSchema = z.string().trim().transform((text, ctx) => {
  const range = /^(\S+)\s*\.\.\s*(\S+)$/.exec(text);
  const parts = range ? [range[1], range[2]] : [text];
  const nums = parts.map((p) => (_NUM.test(p) ? Number(p) : NaN));
  if (nums.some((n) => !(n > 0))) {
    ctx.addIssue({ code: "custom", message: "expected XMR > 0 as AMOUNT or MIN..MAX" });
    return z.NEVER;
  }
  if (nums.length === 2 && nums[0] > nums[1]) {
    ctx.addIssue({ code: "custom", message: "expected MIN <= MAX" });
    return z.NEVER;
  }
  return nums.length === 1
    ? { kind: "fixed" as const, value: nums[0] }
    : { kind: "uniform" as const, min: nums[0], max: nums[1] };
});

function _userCommand(): Command {
  const cmd = _addCommon(
    new Command("user")
      .summary("send transfers through monero-wallet-rpc (writes `tx_sent`, `tx_confirmed`)")
      .description(
        "Send transfers through monero-wallet-rpc at exponential intervals. Writes `tx_sent` " +
          "and `tx_confirmed` events. The wallet is opened, or created when missing.",
      )
      .requiredOption("--wallet-rpc <url>", "monero-wallet-rpc URL (started with --wallet-dir)")
      .requiredOption("--daemon-rpc <url>", "the monerod the wallet uses (for funding)")
      .requiredOption("--interval-mean <s>", "mean simulated seconds between transfers")
      .requiredOption("--amount <spec>", "XMR per transfer: 0.5 (fixed) or 0.1..2 (uniform)")
      .option("--to <addr>", "destination address (default: the wallet's own address)")
      .option("--wallet-name <name>", "wallet file name in the wallet dir (default: user)")
      .option(
        "--fund-blocks <n>",
        "first mine N blocks to the wallet, then 80 more so they unlock (default 0)",
      )
      .option("--max-transfers <n>", "stop after N transfers are confirmed"),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent user --wallet-rpc http://127.0.0.4:18083 --daemon-rpc http://127.0.0.4:18081 \\
    --interval-mean 300 --amount 0.1..2 --host user-001 --fund-blocks 5`,
  );
  return cmd.action(async (o, command) => {
    const f = _parse(
      "user",
      z.object({
        ..._commonSchema,
        "--wallet-rpc": _url,
        "--daemon-rpc": _url,
        "--interval-mean": _positive,
        "--amount": _amountSchema,
        "--to": z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{95,106}$/, {
          error: "expected a base58 Monero address",
        }).optional(),
        "--wallet-name": _name.default("user"),
        "--fund-blocks": _int(0, 1000).default(0),
        "--max-transfers": _int(1).optional(),
      }),
      {
        ..._commonInput(o),
        "--wallet-rpc": o.walletRpc,
        "--daemon-rpc": o.daemonRpc,
        "--interval-mean": o.intervalMean,
        "--amount": o.amount,
        "--to": o.to,
        "--wallet-name": o.walletName,
        "--fund-blocks": o.fundBlocks,
        "--max-transfers": o.maxTransfers,
      },
    );
    const host = f["--host"] ?? new URL(f["--wallet-rpc"]).host;
    await _runAgent("user", command.optsWithGlobals(), f, { path: f["--out"] }, async (ctx) => ({
      ...await runUser(ctx, {
        // Building and signing a transfer can take a while on a busy machine.
        wallet: new WalletRpc({ url: f["--wallet-rpc"], timeoutMs: 60_000, signal: ctx.signal }),
        daemon: new MonerodRpc({ url: f["--daemon-rpc"], timeoutMs: 60_000, signal: ctx.signal }),
        host,
        seed: f["--seed"],
        intervalMeanS: f["--interval-mean"],
        timeScale: f["--time-scale"],
        amount: f["--amount"],
        to: f["--to"],
        walletName: f["--wallet-name"],
        fundBlocks: f["--fund-blocks"],
        maxTransfers: f["--max-transfers"],
      }),
    }));
  }) as unknown as Command;
}

function _monitorCommand(): Command {
  const cmd = _addCommon(
    new Command("monitor")
      .summary("poll nodes (writes `height`, `block`, `reorg` events)")
      .description(
        "Poll get_info on every node; write `height` events each poll, `block` events when a " +
          "node first has a block, `reorg` events when its chain replaced blocks. Event `height` " +
          "is the top block's height.",
      )
      .requiredOption(
        "--rpc <urls>",
        "comma-separated monerod RPC URLs, each optionally NAME=URL to name the host",
      )
      .option("--interval <s>", "wall seconds between polls (default 1)")
      .option("--out-dir <dir>", "write each host's events to DIR/<host>/monitor.ndjson instead")
      .option("--max-polls <n>", "stop after N polls"),
  );
  cmd.addHelpText(
    "after",
    `
Examples:
  hive sim agent monitor --rpc http://127.0.0.2:18081,http://127.0.0.3:18081 --interval 1 \\
    --out heights.ndjson
  hive sim agent monitor --rpc a=http://127.0.0.2:18081,b=http://127.0.0.3:18081 --out-dir run/hosts`,
  );
  return cmd.action(async (o, command) => {
    const f = _parse(
      "monitor",
      z.object({
        ..._commonSchema,
        "--rpc": _targets,
        "--interval": _positive.default(1),
        "--out-dir": z.string().min(1).optional(),
        "--max-polls": _int(1).optional(),
      }),
      {
        ..._commonInput(o),
        "--rpc": o.rpc,
        "--interval": o.interval,
        "--out-dir": o.outDir,
        "--max-polls": o.maxPolls,
      },
    );
    if (f["--out-dir"] && f["--out"]) {
      throw new UsageError("hive sim agent monitor: give --out or --out-dir, not both");
    }
    const sink: EventSinkOptions = f["--out-dir"]
      ? { dir: f["--out-dir"], fileName: "monitor.ndjson" }
      : { path: f["--out"] };
    await _runAgent("monitor", command.optsWithGlobals(), f, sink, async (ctx) => ({
      ...await runMonitor(ctx, {
        targets: f["--rpc"].map((t) => ({
          host: t.host,
          rpc: new MonerodRpc({ url: t.url, signal: ctx.signal }),
        })),
        intervalS: f["--interval"],
        maxPolls: f["--max-polls"],
      }),
    }));
  }) as unknown as Command;
}

function _attackerCommand(): Command {
  const cmd = _addCommon(
    new Command("attacker")
      .summary("partition, eclipse or double-spend at run time via monerod set_bans")
      .description(
        "Carry out an attack at run time through monerod's set_bans RPC (a ban drops the " +
          "host's connections and refuses new ones). Times are simulated seconds from the run " +
          "start, divided by --time-scale.",
      )
      .addOption(
        new Option("--mode <mode>", "which attack").choices([
          "partition",
          "eclipse",
          "double_spend",
        ]).makeOptionMandatory(),
      )
      .option("--group-a <urls>", "partition: RPC URLs (or NAME=URL) of group A, comma-separated")
      .option("--group-b <urls>", "partition: RPC URLs (or NAME=URL) of group B, comma-separated")
      .option("--end <s>", "partition: when the cut is healed")
      .option("--attackers <urls>", "eclipse: RPC URLs (or NAME=URL) of the attacker nodes")
      .option("--victim <url>", "eclipse, double_spend: RPC URL (or NAME=URL) of the victim")
      .addOption(
        new Option("--behaviour <b>", "eclipse: what attackers do with blocks").choices([
          "delay",
          "withhold",
        ]),
      )
      .option("--delay <s>", "eclipse delay: simulated seconds each block is held back")
      .option("--rpc <url>", "double_spend: RPC URL (or NAME=URL) of the attacker's own monerod")
      .option(
        "--peers <urls>",
        "double_spend: RPC URLs (or NAME=URL) of the nodes the attacker's node must be cut from",
      )
      .option("--hashrate <pct>", "double_spend: the attacker's share of the hashrate, 0..100")
      .option(
        "--confirmations <z>",
        "double_spend: blocks the victim waits for past the fork (the payment block is the first)",
      )
      .option(
        "--timeout <s>",
        "double_spend: simulated seconds after --start the attacker gives up (default 3600)",
      )
      .option(
        "--block-time <s>",
        "double_spend: network block interval in simulated s (default 120)",
      )
      .option("--address <addr>", "double_spend: coinbase address (default: a fixed valid address)")
      .option("--start <s>", "when the attack starts (default 0)"),
  );
  cmd.addHelpText(
    "after",
    `
Modes:
  partition  every node of group A bans every node of group B (and back) from --start to --end,
             then the bans are lifted and the groups resync. Shadow's topology is static, so
             generated Shadow configs realise partitions this way too.
  eclipse    the attacker nodes (the victim's only peers) hold blocks back: --behaviour withhold
             cuts the victim-attacker links for good; --behaviour delay keeps them cut and
             opens them --delay seconds after each new block, until the victim caught up.
  double_spend
             mines on --rpc for the whole run (Poisson, like the miner agent, at --hashrate).
             At --start it records the fork height (its node's top), cuts its node from every
             --peers node and mines a private chain while the honest miners keep mining. Once
             the victim has --confirmations blocks past the fork and the private chain is
             strictly longer, it lifts the bans: the nodes resync and the longer chain replaces
             the victim's. The payment is modelled as the first honest block after the fork; no
             wallet transfer is made or reversed. It gives up --timeout simulated seconds after
             --start (bans lifted, success false) and waits at most 30 wall s for the victim to
             switch. Writes one \`attack\` event: {success, fork_height, private_len, honest_len,
             reorg_depth, reason, ...}.
Bans are set on both ends of each link (on loopback all outgoing connections come from
127.0.0.1, so a ban only stops the banning node's own outgoing connections).

Examples:
  hive sim agent attacker --mode partition --group-a a=http://127.0.0.2:18081 \\
    --group-b b=http://127.0.0.3:18081,c=http://127.0.0.4:18081 --start 600 --end 1800 --time-scale 60
  hive sim agent attacker --mode eclipse --attackers http://127.0.0.5:18081 \\
    --victim v=http://127.0.0.2:18081 --behaviour delay --delay 30 --start 0
  hive sim agent attacker --mode double_spend --rpc evil=http://127.0.0.4:18081 \
    --victim shop=http://127.0.0.3:18081 --peers m=http://127.0.0.2:18081,shop=http://127.0.0.3:18081 \
    --hashrate 60 --confirmations 1 --start 60 --time-scale 120 --out ds.ndjson`,
  );
  return cmd.action(async (o, command) => {
    const common = { ..._commonInput(o), "--start": o.start ?? "0" };
    const globals = command.optsWithGlobals();
    if (o.mode === "partition") {
      const f = _parse(
        "attacker",
        z.object({
          ..._commonSchema,
          "--group-a": _targets,
          "--group-b": _targets,
          "--start": _number((n) => n.min(0)),
          "--end": _number((n) => n.min(0)),
        }).refine((v) => v["--end"] > v["--start"], {
          error: "expected --end after --start",
          path: ["--end"],
        }),
        { ...common, "--group-a": o.groupA, "--group-b": o.groupB, "--end": o.end },
      );
      const nodes = (list: { host: string; url: string }[]) =>
        list.map((t) => ({ host: t.host, rpc: new MonerodRpc({ url: t.url }) }));
      const scale = f["--time-scale"];
      await _runAgent("attacker", globals, f, { path: f["--out"] }, async (ctx) => ({
        completed: await runPartition(ctx, {
          groupA: nodes(f["--group-a"]),
          groupB: nodes(f["--group-b"]),
          startS: f["--start"] / scale,
          endS: f["--end"] / scale,
        }),
      }));
      return;
    }
    if (o.mode === "double_spend") {
      await _doubleSpend(o, common, globals);
      return;
    }
    const f = _parse(
      "attacker",
      z.object({
        ..._commonSchema,
        "--attackers": _targets,
        "--victim": _target,
        "--behaviour": z.enum(["delay", "withhold"], { error: "expected delay or withhold" }),
        "--delay": _number((n) => n.min(0)).default(0),
        "--start": _number((n) => n.min(0)),
      }),
      {
        ...common,
        "--attackers": o.attackers,
        "--victim": o.victim,
        "--behaviour": o.behaviour,
        "--delay": o.delay,
      },
    );
    const scale = f["--time-scale"];
    await _runAgent("attacker", globals, f, { path: f["--out"] }, async (ctx) => ({
      blocks_held: await runEclipse(ctx, {
        attackers: f["--attackers"].map((t) => ({
          host: t.host,
          rpc: new MonerodRpc({ url: t.url }),
        })),
        victim: { host: f["--victim"].host, rpc: new MonerodRpc({ url: f["--victim"].url }) },
        behaviour: f["--behaviour"],
        delayS: f["--delay"] / scale,
        startS: f["--start"] / scale,
      }),
    }));
  }) as unknown as Command;
}

/** `hive sim agent attacker --mode double_spend`: validate the flags and run the attack. */
async function _doubleSpend(
  o: Record<string, unknown>,
  common: Record<string, unknown>,
  globals: GlobalOptions,
): Promise<void> {
  const f = _parse(
    "attacker",
    z.object({
      ..._commonSchema,
      "--rpc": _target,
      "--victim": _target,
      "--peers": _targets,
      "--hashrate": _number((n) => n.gt(0, { error: "expected a number > 0" }).max(100)),
      "--confirmations": _int(1, 1000),
      "--start": _number((n) => n.min(0)),
      "--timeout": _positive.default(3600),
      "--block-time": _positive.default(120),
      "--address": z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{95,106}$/, {
        error: "expected a base58 Monero address",
      }).default(DEFAULT_MINER_ADDRESS),
    }),
    {
      ...common,
      "--rpc": o.rpc,
      "--victim": o.victim,
      "--peers": o.peers,
      "--hashrate": o.hashrate,
      "--confirmations": o.confirmations,
      "--timeout": o.timeout,
      "--block-time": o.blockTime,
      "--address": o.address,
    },
  );
  const scale = f["--time-scale"];
  // Attack calls carry no stop signal: the bans must still be lifted after SIGTERM.
  const node = (t: { host: string; url: string }) => ({
    host: t.host,
    rpc: new MonerodRpc({ url: t.url, timeoutMs: 5000 }),
  });
  const host = f["--host"] ?? f["--rpc"].host;
  await _runAgent("attacker", globals, f, { path: f["--out"] }, async (ctx) => {
    const r = await runDoubleSpend(ctx, {
      attacker: { host, rpc: node(f["--rpc"]).rpc },
      victim: node(f["--victim"]),
      peers: f["--peers"].map(node),
      mining: {
        rpc: new MonerodRpc({ url: f["--rpc"].url, signal: ctx.signal }),
        hashrate: f["--hashrate"],
        seed: f["--seed"],
        timeScale: scale,
        blockTimeS: f["--block-time"],
        address: f["--address"],
      },
      confirmations: f["--confirmations"],
      startS: f["--start"] / scale,
      timeoutS: f["--timeout"] / scale,
    });
    return { mined: r.mined, success: r.outcome?.success ?? null, reason: r.outcome?.reason };
  });
}

/** Build `hive sim agent` with its four agent kinds. */
export function agentCommand(): Command {
  const agent = new Command("agent")
    .description(
      "Agent processes of a simulation (started by `hive sim run --engine local` and by " +
        "generated Shadow configs). Each runs until SIGINT/SIGTERM, logs to stderr and writes " +
        "RunEvent NDJSON to --out (or stdout). Event `ts` is wall seconds since --t0.",
    )
    .summary("agent processes: miner, user, monitor, attacker")
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `hive sim agent --help` for usage)");
  agent.addCommand(_minerCommand());
  agent.addCommand(_userCommand());
  agent.addCommand(_monitorCommand());
  agent.addCommand(_attackerCommand());
  agent.addHelpText(
    "after",
    `
Flag sets (as generated Shadow configs use them):
  hive sim agent miner --rpc URL --hashrate PCT --seed N --host NAME
  hive sim agent user --wallet-rpc URL --daemon-rpc URL --interval-mean S --amount SPEC
  hive sim agent monitor --rpc URL[,URL...] --interval S --out FILE
  hive sim agent attacker --mode partition|eclipse|double_spend ...

Examples:
  hive sim agent miner --rpc http://127.0.0.2:18081 --hashrate 100 --time-scale 60 --host m1
  hive sim agent monitor --rpc http://127.0.0.2:18081 --interval 0.5 --out heights.ndjson`,
  );
  return agent;
}

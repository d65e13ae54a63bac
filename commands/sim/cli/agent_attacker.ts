/**
 * `hive sim agent attacker`: partition, eclipse or double-spend at run time via monerod
 * `set_bans`. This file declares the flags and help; each mode validates its own flags and runs
 * in `agent_attack_modes.ts`.
 *
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { addCommonFlags, flagInput } from "./flags.ts";

/** Build `hive sim agent attacker`. */
export function attackerCommand(load: ContextLoader): Command {
  const cmd = addCommonFlags(
    hiveCommand("attacker", "hive sim agent attacker")
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
      .option("--end <d>", "partition: when the cut is healed, e.g. 30m")
      .option("--attackers <urls>", "eclipse: RPC URLs (or NAME=URL) of the attacker nodes")
      .option("--victim <url>", "eclipse, double_spend: RPC URL (or NAME=URL) of the victim")
      .addOption(
        new Option("--behaviour <b>", "eclipse: what attackers do with blocks").choices([
          "delay",
          "withhold",
        ]),
      )
      .option("--delay <d>", "eclipse delay: simulated time each block is held back, e.g. 30s")
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
        "--timeout <d>",
        "double_spend: simulated time after --start the attacker gives up (default 1h)",
      )
      .option(
        "--block-time <d>",
        "double_spend: network block interval, simulated (default 2m)",
      )
      .option("--address <addr>", "double_spend: coinbase address (default: a fixed valid address)")
      .option("--start <d>", "when the attack starts, simulated, e.g. 10m (default 0s)")
      .option(
        "--seen-as <list>",
        "NAME=IP,...: another address peers see NAME at, banned with NAME's own " +
          "(the link relays' alias under --links netns; the local engine passes it)",
      ),
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
127.0.0.1, so a ban only stops the banning node's own outgoing connections). A node is banned by
the host of its RPC URL and by every --seen-as address of its name.

Examples:
  hive sim agent attacker --mode partition --group-a a=http://127.0.0.2:18081 \\
    --group-b b=http://127.0.0.3:18081,c=http://127.0.0.4:18081 --start 10m --end 30m --time-scale 60
  hive sim agent attacker --mode eclipse --attackers http://127.0.0.5:18081 \\
    --victim v=http://127.0.0.2:18081 --behaviour delay --delay 30s --start 0s
  hive sim agent attacker --mode double_spend --rpc evil=http://127.0.0.4:18081 \
    --victim shop=http://127.0.0.3:18081 --peers m=http://127.0.0.2:18081,shop=http://127.0.0.3:18081 \
    --hashrate 60 --confirmations 1 --start 1m --time-scale 120 --out ds.ndjson`,
  );
  return cmd.action(async (o, command) => {
    const modes = await import("./agent_attack_modes.ts");
    const input = { ...flagInput(o), "--start": o.start ?? "0s" };
    const run = o.mode === "partition"
      ? modes.runPartitionMode
      : o.mode === "eclipse"
      ? modes.runEclipseMode
      : modes.runDoubleSpendMode;
    await run({ input, load, command });
  }) as unknown as Command;
}

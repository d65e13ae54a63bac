/**
 * Client subcommands of `hive daemon` for scripts: `id`, `status`, `peers`, `publish`,
 * `subscribe`, `connect`, `ping`. Each finds the daemon through `--url`/`--token-file` or
 * `<data-dir>/daemon.json`, and prints JSON with `--json`. This file holds flags and help only;
 * what the commands do is in `client_run.ts`, loaded when one runs.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../core/cli.ts";
import type { DaemonCommandConfig } from "./config.ts";

/** A client subcommand with the shared flags; `help` (examples) is printed after the usage. */
function _clientCommand(name: string, description: string, help: string) {
  return hiveCommand(name, `hive daemon ${name}`)
    .description(description)
    .addHelpText("after", help)
    .option("--json", "machine output: one JSON document (NDJSON for subscribe)")
    .option("--url <ws-url>", "daemon IPC URL (default: from <data-dir>/daemon.json)")
    .option("--token-file <path>", "IPC token file (default: from <data-dir>/daemon.json)")
    .option("--data-dir <dir>", "data dir of the daemon (default: config data_dir)")
    .option(
      "--timeout <duration>",
      "connect and request time limit, e.g. 10s or 500ms (default 10s)",
    );
}

/** Every client subcommand, in help order. */
export function clientCommands(load: ContextLoader<DaemonCommandConfig>): CommandUnknownOpts[] {
  const run = () => import("./client_run.ts");
  const id = _clientCommand(
    "id",
    "Print the daemon's peer id, listen addresses and protocols.",
    "\nExamples:\n  hive daemon id --json --data-dir /tmp/a",
  ).action(async (_o, command) => await (await run()).idAction(load, command));

  const status = _clientCommand(
    "status",
    "Print uptime, peer count, topics, IPC clients, queue drops and bootstrap peers.",
    "\nExamples:\n  hive daemon status --data-dir /tmp/a",
  ).action(async (_o, command) => await (await run()).statusAction(load, command));

  const peers = _clientCommand(
    "peers",
    "List connected peers (or a topic's subscribers).",
    "\nExamples:\n  hive daemon peers --json\n  hive daemon peers --topic chat",
  )
    .option("--topic <topic>", "only peers subscribed to this topic")
    .action(async (options, command) =>
      await (await run()).peersAction(load, command, options.topic)
    );

  const publish = _clientCommand(
    "publish",
    "Publish one signed message on a gossipsub topic.",
    `
Examples:
  hive daemon publish chat "hello mesh"
  hive daemon publish chat AAEC/w== --base64 --json    send the bytes 00 01 02 ff`,
  )
    .argument("<topic>", "topic name")
    .argument("<message>", "UTF-8 text (or base64 bytes with --base64)")
    .option("--base64", "MESSAGE is base64 and is sent as raw bytes")
    .action(async (topic, message, options, command) =>
      await (await run()).publishAction(load, command, topic, message, options.base64 ?? false)
    );

  const subscribe = _clientCommand(
    "subscribe",
    "Stream messages of one or more topics (NDJSON with --json) until Ctrl-C.",
    `
Each message is one line; with --json: {"topic","from","seqno","message"|"data_b64",
"received_at"} (data_b64 when the payload is not valid UTF-8). If the daemon restarts, the
stream resumes: before each reconnect attempt (100 ms doubling to 2 s) the client re-reads
<data-dir>/daemon.json, so a daemon back on a new IPC port is found, and subscribes again.

Examples:
  hive daemon subscribe chat --json
  hive daemon subscribe chat news --count 1 --json     wait for one message, then exit`,
  )
    .argument("<topics...>", "topic names")
    .option("--count <n>", "exit 0 after this many messages")
    .action(async (topics, options, command) =>
      await (await run()).subscribeAction(load, command, topics, options.count)
    );

  const connect = _clientCommand(
    "connect",
    "Dial a peer by multiaddr.",
    "\nExamples:\n  hive daemon connect /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...",
  )
    .argument("<multiaddr>", "address, usually ending in /p2p/<peer-id>")
    .action(async (addr, _o, command) => await (await run()).connectAction(load, command, addr));

  const ping = _clientCommand(
    "ping",
    "Measure the round-trip time to a connected or known peer.",
    "\nExamples:\n  hive daemon ping 12D3KooW... --json",
  )
    .argument("<peer>", "peer id")
    .action(async (peer, _o, command) => await (await run()).pingAction(load, command, peer));

  return [id, status, peers, publish, subscribe, connect, ping];
}

/**
 * Client subcommands of `hive daemon` for scripts: `id`, `status`, `peers`, `publish`,
 * `subscribe`, `connect`, `ping`. Each finds the daemon through `--url`/`--token-file` or
 * `<data-dir>/daemon.json`, and prints JSON with `--json`.
 *
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import { z } from "zod";
import { type CliContext, createCliContext, type GlobalOptions } from "../../core/cli.ts";
import { parseWith, UsageError } from "../../core/errors.ts";
import type { IpcClient } from "../../core/ipc/mod.ts";
import { type HiveConfig, hiveConfigSchema } from "../config_schema.ts";
import { callDaemon, connectDaemon, type EndpointOptions, resolveEndpoint } from "./client.ts";
import { multiaddrSchema } from "./config.ts";
import { FollowedDaemon } from "./follow.ts";
import {
  base64Schema,
  type IdentifyReply,
  type MessageReceivedEvent,
  type PeerEntry,
  peerIdSchema,
  type PublishReply,
  type StatusReply,
  topicSchema,
} from "./protocol.ts";

/** Flags every client subcommand takes. */
export interface ClientFlags extends GlobalOptions {
  url?: string;
  tokenFile?: string;
  dataDir?: string;
  timeout?: string;
}

const _timeoutSchema = z.string().regex(/^[0-9]{1,7}$/, { error: "expected milliseconds" })
  .transform(Number).pipe(z.int().min(100, { error: "expected at least 100 ms" }));

/** A client subcommand with the shared flags; `help` (examples) is printed after the usage. */
function _clientCommand(name: string, description: string, help: string) {
  return new Command(name)
    .description(description)
    .addHelpText("after", help)
    .option("--json", "machine output: one JSON document (NDJSON for subscribe)")
    .option("--url <ws-url>", "daemon IPC URL (default: from <data-dir>/daemon.json)")
    .option("--token-file <path>", "IPC token file (default: from <data-dir>/daemon.json)")
    .option("--data-dir <dir>", "data dir of the daemon (default: config data_dir)")
    .option("--timeout <ms>", "connect and request time limit in ms (default 10000)")
    .exitOverride()
    .showSuggestionAfterError(true)
    .showHelpAfterError(`(run \`hive daemon ${name} --help\` for usage)`);
}

/** Validate a positional argument; errors name it and exit 2. */
function _arg<T extends z.ZodType>(name: string, schema: T, value: unknown): z.output<T> {
  return parseWith(z.object({ [name]: schema }), { [name]: value }, {
    makeError: (m) => new UsageError(m),
  })[name] as z.output<T>;
}

interface _ClientSetup {
  ctx: CliContext<HiveConfig>;
  endpoint: EndpointOptions;
  timeoutMs: number;
}

async function _setup(command: CommandUnknownOpts): Promise<_ClientSetup> {
  const flags = command.optsWithGlobals() as ClientFlags;
  const timeoutMs = flags.timeout === undefined
    ? 10_000
    : _arg("--timeout", _timeoutSchema, flags.timeout);
  const ctx = await createCliContext(flags, hiveConfigSchema, "daemon-client");
  const endpoint = {
    url: flags.url,
    tokenFile: flags.tokenFile,
    dataDir: flags.dataDir ?? ctx.config.data_dir,
  };
  return { ctx, endpoint, timeoutMs };
}

async function _withDaemon<T>(
  command: CommandUnknownOpts,
  run: (client: IpcClient, ctx: CliContext<HiveConfig>) => Promise<T>,
): Promise<T> {
  const { ctx, endpoint, timeoutMs } = await _setup(command);
  const client = await connectDaemon(await resolveEndpoint(endpoint), {
    timeoutMs,
    logger: ctx.logger,
  });
  try {
    return await run(client, ctx);
  } finally {
    client.close();
  }
}

/** Send one request to the daemon and print its reply: `human` as text, or JSON with --json. */
async function _requestAndPrint<R>(
  command: CommandUnknownOpts,
  method: string,
  params: Record<string, unknown>,
  human: (reply: R) => string,
): Promise<void> {
  await _withDaemon(command, async (client, ctx) => {
    ctx.output.result(await callDaemon<R>(client, method, params), human);
  });
}

function _idCommand(): CommandUnknownOpts {
  return _clientCommand(
    "id",
    "Print the daemon's peer id, listen addresses and protocols.",
    "\nExamples:\n  hive daemon id --json --data-dir /tmp/a",
  )
    .action(async (_o, command) => {
      await _requestAndPrint<IdentifyReply>(
        command,
        "identify",
        {},
        (i) => [`peer id: ${i.peer_id}`, ...i.addrs.map((a) => `addr:    ${a}`)].join("\n"),
      );
    });
}

function _statusCommand(): CommandUnknownOpts {
  return _clientCommand(
    "status",
    "Print uptime, peer count, topics, IPC clients, queue drops and bootstrap peers.",
    "\nExamples:\n  hive daemon status --data-dir /tmp/a",
  ).action(async (_o, command) => {
    await _requestAndPrint<StatusReply>(command, "status", {}, (s) => {
      const { topics, bootstrap, ...rest } = s;
      const lines = Object.entries({ ...rest, topics: topics.join(",") || "-" })
        .map(([k, v]) => `${(k + ":").padEnd(12)} ${v}`);
      for (const b of bootstrap) {
        lines.push(
          `bootstrap:   ${b.peer_id} ${b.connected ? "connected" : "DISCONNECTED"} ` +
            `(dials ${b.attempts}, failed ${b.failures}, reconnects ${b.reconnects})`,
        );
      }
      return lines.join("\n");
    });
  });
}

function _peersCommand(): CommandUnknownOpts {
  return _clientCommand(
    "peers",
    "List connected peers (or a topic's subscribers).",
    "\nExamples:\n  hive daemon peers --json\n  hive daemon peers --topic chat",
  )
    .option("--topic <topic>", "only peers subscribed to this topic")
    .action(async (options, command) => {
      const topic = options.topic === undefined
        ? undefined
        : _arg("--topic", topicSchema, options.topic);
      await _withDaemon(command, async (client, ctx) => {
        const { peers } = await callDaemon<{ peers: PeerEntry[] }>(
          client,
          "list_peers",
          topic === undefined ? {} : { topic },
        );
        ctx.output.table(peers, [
          { header: "PEER ID", value: (p) => p.peer_id },
          { header: "ADDRESSES", value: (p) => p.addrs },
        ]);
      });
    });
}

function _publishCommand(): CommandUnknownOpts {
  return _clientCommand(
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
    .action(async (topicArg, messageArg, options, command) => {
      const topic = _arg("topic", topicSchema, topicArg);
      const params = options.base64
        ? { topic, data_b64: _arg("message", base64Schema, messageArg) }
        : { topic, message: messageArg };
      await _requestAndPrint<PublishReply>(
        command,
        "publish",
        params,
        (r) => `published to ${r.topic}: ${r.recipients} recipient(s)`,
      );
    });
}

function _subscribeCommand(): CommandUnknownOpts {
  return _clientCommand(
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
    .action(async (topicArgs, options, command) => {
      const topics = topicArgs.map((t, i) => _arg(`topics[${i}]`, topicSchema, t));
      const count = options.count === undefined ? Infinity : _count(options.count);
      const { ctx, endpoint, timeoutMs } = await _setup(command);
      const daemon = await FollowedDaemon.connect({ endpoint, timeoutMs, logger: ctx.logger });
      try {
        await _stream(daemon, ctx, topics, count);
      } finally {
        daemon.close();
      }
    });
}

function _count(text: string): number {
  return _arg(
    "--count",
    z.string().regex(/^[0-9]{1,9}$/, { error: "expected a whole number" }).transform(Number)
      .pipe(z.int().min(1, { error: "expected at least 1" })),
    text,
  );
}

async function _stream(
  daemon: FollowedDaemon,
  ctx: CliContext<HiveConfig>,
  topics: string[],
  count: number,
): Promise<void> {
  const done = Promise.withResolvers<void>();
  let seen = 0;
  const stop = () => done.resolve();
  daemon.on("message_received", (data) => {
    if (seen >= count) return;
    const m = data as MessageReceivedEvent;
    ctx.output.record(
      m,
      (r) => `${r.received_at} ${r.topic} ${r.from}: ${r.message ?? `[base64] ${r.data_b64}`}`,
    );
    if (++seen >= count) done.resolve();
  });
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    for (const topic of topics) {
      // Remembered, so it is replayed on the daemon we reach after a restart.
      await daemon.request("subscribe", { topic }, { restore: `subscribe:${topic}` });
    }
    ctx.logger.info("subscribed", { topics, url: daemon.url });
    await done.promise;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
  }
}

function _connectCommand(): CommandUnknownOpts {
  return _clientCommand(
    "connect",
    "Dial a peer by multiaddr.",
    "\nExamples:\n  hive daemon connect /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...",
  )
    .argument("<multiaddr>", "address, usually ending in /p2p/<peer-id>")
    .action(async (addrArg, _o, command) => {
      const multiaddr = _arg("multiaddr", multiaddrSchema, addrArg);
      await _requestAndPrint<{ peer_id: string }>(
        command,
        "connect",
        { multiaddr },
        (r) => `connected to ${r.peer_id}`,
      );
    });
}

function _pingCommand(): CommandUnknownOpts {
  return _clientCommand(
    "ping",
    "Measure the round-trip time to a connected or known peer.",
    "\nExamples:\n  hive daemon ping 12D3KooW... --json",
  )
    .argument("<peer>", "peer id")
    .action(async (peerArg, _o, command) => {
      const peer = _arg("peer", peerIdSchema, peerArg);
      await _requestAndPrint<{ peer: string; rtt_ms: number }>(
        command,
        "ping",
        { peer },
        (r) => `${r.peer}: ${r.rtt_ms} ms`,
      );
    });
}

/** Every client subcommand, in help order. */
export function clientCommands(): CommandUnknownOpts[] {
  return [
    _idCommand(),
    _statusCommand(),
    _peersCommand(),
    _publishCommand(),
    _subscribeCommand(),
    _connectCommand(),
    _pingCommand(),
  ];
}

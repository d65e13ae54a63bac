/**
 * What the client subcommands of `hive daemon` do (their flags are in `client_commands.ts`):
 * validate the arguments, find the daemon (`adapters/p2p/daemon/endpoint.ts`), send one request
 * of the IPC contract and print the reply; `subscribe` streams through the P2P port's daemon
 * client, which follows the daemon across restarts.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { z } from "zod";
import { DaemonP2P } from "../../adapters/p2p/daemon/client.ts";
import {
  callDaemon,
  connectEndpoint,
  type EndpointOptions,
  resolveEndpoint,
} from "../../adapters/p2p/daemon/endpoint.ts";
import {
  base64Schema,
  peerIdSchema,
  type Reply,
  type Request,
  type RequestType,
} from "../../adapters/p2p/ipc_protocol.ts";
import { multiaddrSchema, type P2PMessage, topicSchema } from "../../adapters/p2p/types.ts";
import type { CliContext, ContextLoader } from "../../core/cli.ts";
import { durationFlag } from "../../core/duration.ts";
import { parseWith, UsageError } from "../../core/errors.ts";
import type { IpcClient } from "../../core/ipc/mod.ts";
import { type DaemonCommandConfig, wholeNumberFlag } from "./config.ts";

/** Flags every client subcommand takes. */
interface _ClientFlags {
  url?: string;
  tokenFile?: string;
  dataDir?: string;
  timeout?: string;
}

type _Load = ContextLoader<DaemonCommandConfig>;
type _Ctx = CliContext<DaemonCommandConfig>;

const _timeoutSchema = durationFlag({ minMs: 100, maxMs: 3_600_000 });

const _countSchema = wholeNumberFlag(z.int().min(1, { error: "expected at least 1" }), {
  maxDigits: 9,
});

/** Validate a positional argument or flag; errors name it and exit 2. */
function _arg<T extends z.ZodType>(name: string, schema: T, value: unknown): z.output<T> {
  return parseWith(z.object({ [name]: schema }), { [name]: value }, {
    makeError: (m) => new UsageError(m),
  })[name] as z.output<T>;
}

async function _setup(
  load: _Load,
  command: CommandUnknownOpts,
): Promise<{ ctx: _Ctx; endpoint: EndpointOptions; timeoutMs: number }> {
  const flags = command.optsWithGlobals() as _ClientFlags;
  const timeoutMs = flags.timeout === undefined
    ? 10_000
    : _arg("--timeout", _timeoutSchema, flags.timeout);
  const ctx = await load(command, "daemon-client");
  const endpoint = {
    url: flags.url,
    tokenFile: flags.tokenFile,
    dataDir: flags.dataDir ?? ctx.config.data_dir,
  };
  return { ctx, endpoint, timeoutMs };
}

async function _withDaemon<T>(
  load: _Load,
  command: CommandUnknownOpts,
  run: (client: IpcClient, ctx: _Ctx) => Promise<T>,
): Promise<T> {
  const { ctx, endpoint, timeoutMs } = await _setup(load, command);
  const client = await connectEndpoint(await resolveEndpoint(endpoint), {
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
async function _requestAndPrint<K extends RequestType>(
  load: _Load,
  command: CommandUnknownOpts,
  type: K,
  params: Request<K>,
  human: (reply: Reply<K>) => string,
): Promise<void> {
  await _withDaemon(load, command, async (client, ctx) => {
    ctx.output.result(await callDaemon(client, type, params), human);
  });
}

/** `hive daemon id`. */
export async function idAction(load: _Load, command: CommandUnknownOpts): Promise<void> {
  await _requestAndPrint(
    load,
    command,
    "identify",
    {},
    (i) => [`peer id: ${i.peer_id}`, ...i.addrs.map((a) => `addr:    ${a}`)].join("\n"),
  );
}

/** `hive daemon status`. */
export async function statusAction(load: _Load, command: CommandUnknownOpts): Promise<void> {
  await _requestAndPrint(load, command, "status", {}, (s) => {
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
}

/** `hive daemon peers [--topic T]`. */
export async function peersAction(
  load: _Load,
  command: CommandUnknownOpts,
  topicFlag: string | undefined,
): Promise<void> {
  const topic = topicFlag === undefined ? undefined : _arg("--topic", topicSchema, topicFlag);
  await _withDaemon(load, command, async (client, ctx) => {
    const { peers } = await callDaemon(client, "list_peers", topic === undefined ? {} : { topic });
    ctx.output.table(peers, [
      { header: "PEER ID", value: (p) => p.peer_id },
      { header: "ADDRESSES", value: (p) => p.addrs },
    ]);
  });
}

/** `hive daemon publish TOPIC MESSAGE [--base64]`. */
export async function publishAction(
  load: _Load,
  command: CommandUnknownOpts,
  topicArg: string,
  messageArg: string,
  base64: boolean,
): Promise<void> {
  const topic = _arg("topic", topicSchema, topicArg);
  const params = base64
    ? { topic, data_b64: _arg("message", base64Schema, messageArg) }
    : { topic, message: messageArg };
  await _requestAndPrint(
    load,
    command,
    "publish",
    params,
    (r) => `published to ${r.topic}: ${r.recipients} recipient(s)`,
  );
}

/** `hive daemon subscribe TOPIC... [--count N]`: one line per message until Ctrl-C or N. */
export async function subscribeAction(
  load: _Load,
  command: CommandUnknownOpts,
  topicArgs: string[],
  countFlag: string | undefined,
): Promise<void> {
  const topics = topicArgs.map((t, i) => _arg(`topics[${i}]`, topicSchema, t));
  const count = countFlag === undefined ? Infinity : _arg("--count", _countSchema, countFlag);
  const { ctx, endpoint, timeoutMs } = await _setup(load, command);
  // The port's daemon client re-reads daemon.json before each reconnect and subscribes again.
  const p2p = await DaemonP2P.connect({
    endpoint: () => resolveEndpoint(endpoint),
    timeoutMs,
    logger: ctx.logger,
  });
  const done = Promise.withResolvers<void>();
  let seen = 0;
  const print = (m: P2PMessage) => {
    if (seen >= count) return;
    ctx.output.record(
      m,
      (r) => `${r.received_at} ${r.topic} ${r.from}: ${r.message ?? `[base64] ${r.data_b64}`}`,
    );
    if (++seen >= count) done.resolve();
  };
  const stop = () => done.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    for (const topic of topics) await p2p.subscribe(topic, print);
    ctx.logger.info("subscribed", { topics, url: p2p.identity?.url });
    await done.promise;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    await p2p.close();
  }
}

/** `hive daemon connect MULTIADDR`. */
export async function connectAction(
  load: _Load,
  command: CommandUnknownOpts,
  addrArg: string,
): Promise<void> {
  const multiaddr = _arg("multiaddr", multiaddrSchema, addrArg);
  await _requestAndPrint(
    load,
    command,
    "connect",
    { multiaddr },
    (r) => `connected to ${r.peer_id}`,
  );
}

/** `hive daemon ping PEER`. */
export async function pingAction(
  load: _Load,
  command: CommandUnknownOpts,
  peerArg: string,
): Promise<void> {
  const peer = _arg("peer", peerIdSchema, peerArg);
  await _requestAndPrint(load, command, "ping", { peer }, (r) => `${r.peer}: ${r.rtt_ms} ms`);
}

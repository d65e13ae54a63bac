/**
 * The actions of `hive hap`: the interactive portal and the scriptable forms (`send`, `watch`,
 * `agents`, `whoami`, `put`, `get`). Loaded only when one runs, so `hive --version` never
 * evaluates noble, age or the daemon client.
 *
 * @module
 */
import { PEER_SIGNATURE } from "../../core/envelope/envelope.ts";
import { UsageError } from "../../core/errors.ts";
import { createLogger, fileSink, type Logger } from "../../core/logger.ts";
import { formatRecord, type Output, writeStdout } from "../../core/output.ts";
import { Rbac } from "../../core/rbac/rbac.ts";
import { publicOf } from "../../core/identity/identity.ts";
import { fullTopic, type HapCommandConfig, type HapFlags } from "./config.ts";
import { Portal } from "./portal/portal.ts";
import { describeAgents, describeMessage } from "./portal/render.ts";
import { loadIdentity, resolveOptions, startRuntime } from "./runtime.ts";
import type { HapSession } from "./session.ts";
import { loadTemplates, parseFieldPairs, templateNamed, validateFields } from "./templates.ts";

/** What every action gets. */
export interface ActionContext {
  flags: HapFlags;
  config: HapCommandConfig;
  logger: Logger;
  output: Output;
}

/** `hive hap`: the interactive portal on a terminal. */
export async function runPortal(ctx: ActionContext): Promise<void> {
  if (!Deno.stdin.isTerminal()) {
    throw new UsageError(
      "hive hap needs a terminal; for scripts use hive hap send, watch, agents, put or get",
    );
  }
  // The portal owns the terminal: logs (its own and the daemon's) go to files beside the key.
  const logDir = `${resolveOptions(ctx.flags, ctx.config).data_dir}/hap`;
  await Deno.mkdir(logDir, { recursive: true });
  const logger = createLogger({
    level: ctx.config.log.level,
    format: "json",
    sinks: [fileSink({ path: `${logDir}/portal.log`, maxBytes: 10_000_000, maxFiles: 3 })],
  }).child({ component: "hap" });
  const runtime = await startRuntime({
    ...ctx,
    logger,
    lock: true,
    http: true,
    daemonLogFile: (_o, id) => `${logDir}/daemon-${id}.log`,
  });
  const templates = await loadTemplates(runtime.options.templates_dir);
  const portal = await Portal.open({
    session: runtime.session,
    templates,
    topic: runtime.options.topic,
    historyFile: runtime.options.history_file,
    write: writeStdout,
    columns: () => _columns(),
  });
  const stopSignal = () => portal.notice("-- stopping");
  const onSignal = () => {
    stopSignal();
    Deno.stdin.setRaw(false);
    void runtime.stop().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.stdin.setRaw(true);
  try {
    await portal.readFrom(Deno.stdin.readable);
  } finally {
    Deno.stdin.setRaw(false);
    Deno.removeSignalListener("SIGTERM", onSignal);
    portal.close();
    await runtime.stop();
  }
}

/** Options of `hive hap send`. */
export interface SendOptions {
  /** Topic or room; with a template that names a topic, it may be left out. */
  topic?: string;
  message?: string;
  template?: string;
  field: string[];
  waitPeers: number;
}

/** `hive hap send`: one signed message (text or a filled template). */
export async function runSend(ctx: ActionContext, send: SendOptions): Promise<void> {
  if ((send.message === undefined) === (send.template === undefined)) {
    throw new UsageError("give exactly one of --message or --template");
  }
  if (send.message === undefined && send.field.length === 0 && send.template === undefined) {
    throw new UsageError("nothing to send");
  }
  // Check the template before touching the mesh: a bad form sends nothing.
  const resolved = resolveOptions(ctx.flags, ctx.config);
  let topicName = send.topic;
  let templateMessage;
  if (send.template !== undefined) {
    const template = templateNamed(await loadTemplates(resolved.templates_dir), send.template);
    templateMessage = {
      template: template.name,
      fields: validateFields(template, parseFieldPairs(send.field)),
    };
    topicName ??= template.topic;
    if (topicName === undefined) {
      throw new UsageError(`--topic: required, template ${template.name} names no topic`);
    }
  } else if (send.field.length) throw new UsageError("--field goes with --template");
  if (topicName === undefined) throw new UsageError("--topic: required with --message");
  const topic = fullTopic(topicName);
  const denied = new Rbac(ctx.config.rbac).publishDenial(resolved.role, topic);
  if (denied) throw new UsageError(denied, { code: "rbac_denied" });
  const runtime = await startRuntime({ ...ctx, lock: false, http: false });
  try {
    await _waitForTopicPeers(runtime.session, topic, send.waitPeers);
    const { recipients, envelope } = templateMessage
      ? await runtime.session.sendTemplate(topic, templateMessage)
      : await runtime.session.sendChat(topic, send.message!);
    ctx.output.result(
      {
        sent: true,
        topic,
        from: envelope.from,
        role: envelope.role,
        kind: envelope.kind,
        type: envelope.type,
        nonce: envelope.nonce,
        // `peer`: our daemon holds our key and its message signature is the envelope's.
        signature: envelope.sig === PEER_SIGNATURE ? "peer" : "own",
        recipients,
      },
      (r) => `sent to ${r.topic} as ${r.from} (${r.role}); ${r.recipients} peers`,
    );
  } finally {
    await runtime.stop();
  }
}

/** `hive hap watch`: verified messages, one per line (NDJSON with --json). */
export async function runWatch(
  ctx: ActionContext,
  watch: { topic: string[]; count?: number },
): Promise<void> {
  const runtime = await startRuntime({ ...ctx, lock: true, http: true });
  const done = Promise.withResolvers<void>();
  let seen = 0;
  runtime.session.on((event) => {
    if (event.type !== "message") return;
    const m = event.message;
    ctx.output.record(
      {
        topic: m.topic,
        from: m.from,
        role: m.role,
        kind: m.kind,
        sent_at: m.sent_at,
        type: m.type,
        text: m.text,
        ...(m.template ? { fields: m.template.fields } : {}),
      },
      () => describeMessage(m),
    );
    if (watch.count !== undefined && ++seen >= watch.count) done.resolve();
  });
  const stop = () => done.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    for (const topic of watch.topic) await runtime.session.join(fullTopic(topic));
    ctx.logger.info("watching", { topics: watch.topic.map(fullTopic), id: runtime.identity.id });
    await done.promise;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    await runtime.stop();
  }
}

/** `hive hap agents`: who announced itself within `waitMs`, people and agents apart. */
export async function runAgents(ctx: ActionContext, waitMs: number): Promise<void> {
  const runtime = await startRuntime({ ...ctx, lock: false, http: false });
  try {
    await new Promise((r) => setTimeout(r, waitMs));
    const agents = runtime.session.agents().map((a) => ({
      ...a,
      last_seen: new Date(a.last_seen).toISOString(),
      expires_at: new Date(a.expires_at).toISOString(),
    }));
    ctx.output.result(
      {
        people: agents.filter((a) => a.kind === "hap"),
        agents: agents.filter((a) => a.kind === "agent"),
      },
      () => describeAgents(runtime.session.agents()),
    );
  } finally {
    await runtime.stop();
  }
}

/** `hive hap whoami`: the identity (no mesh needed). */
export async function runWhoami(ctx: ActionContext): Promise<void> {
  const options = resolveOptions(ctx.flags, ctx.config);
  const identity = await loadIdentity(options, new Rbac(ctx.config.rbac));
  ctx.output.result({ ...publicOf(identity), key_file: options.key_file }, (r) => formatRecord(r));
}

/** `hive hap put`: encrypt a document to the named roles' current members. */
export async function runPut(
  ctx: ActionContext,
  put: { name: string; roles: string[]; text: string; waitMs: number },
): Promise<void> {
  const runtime = await startRuntime({ ...ctx, lock: false, http: false });
  try {
    // Members announce themselves on joining and every announce interval; wait to hear them.
    await new Promise((r) => setTimeout(r, put.waitMs));
    const doc = await runtime.session.put(put.name, put.roles, put.text);
    // Give gossipsub a moment to pass the record on before the daemon goes.
    await new Promise((r) => setTimeout(r, 500));
    ctx.output.result(
      {
        name: doc.name,
        roles: doc.roles,
        recipients: doc.recipients,
        writer: doc.writer,
        written_at: new Date(doc.written_at).toISOString(),
      },
      (r) =>
        `stored ${r.name} for ${r.roles.join(",")}: ${r.recipients.length} recipients (${
          r.recipients.join(", ")
        })`,
    );
  } finally {
    await runtime.stop();
  }
}

/** `hive hap get`: fetch and decrypt a document. */
export async function runGet(
  ctx: ActionContext,
  get: { name: string; waitMs: number },
): Promise<void> {
  const runtime = await startRuntime({ ...ctx, lock: false, http: false });
  try {
    const { doc, content } = await runtime.session.get(get.name, get.waitMs);
    ctx.output.result(
      {
        name: doc.name,
        writer: doc.writer,
        roles: doc.roles,
        written_at: new Date(doc.written_at).toISOString(),
        content,
      },
      (r) => r.content,
    );
  } finally {
    await runtime.stop();
  }
}

async function _waitForTopicPeers(
  session: HapSession,
  topic: string,
  waitMs: number,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if ((await session.p2p.peers(topic).catch(() => [])).length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function _columns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 80;
  }
}

/**
 * `hive hap`: the human agent portal. A person joins the mesh from a terminal with a signed
 * identity and a role, reads topics live, composes messages from templates and reads and
 * writes role-encrypted documents; the subcommands do the same from scripts.
 *
 * This file holds flags and help only; the actions are loaded from `run.ts` when they run.
 *
 * @module
 */
import { Option } from "@commander-js/extra-typings";
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../core/cli.ts";
import { durationFlag } from "../../core/duration.ts";
import { clipText, parseWith, UsageError } from "../../core/errors.ts";
import type { HapCommandConfig, HapFlags } from "./config.ts";

type _Load = ContextLoader<HapCommandConfig>;

const _collect = (value: string, previous: string[] = []) => [...previous, value];

const _waitFlag = durationFlag({ minMs: 0, maxMs: 3_600_000 });

function _duration(text: string | undefined, flag: string, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  return parseWith(_waitFlag, text, { prefix: flag, makeError: (m) => new UsageError(m) });
}

function _count(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,7}$/.test(text)) {
    throw new UsageError(`--count: expected a whole number, got "${clipText(text, 20)}"`);
  }
  return Number(text);
}

/** The flags every form shares: who we are and how to reach the mesh. */
function _identityFlags(command: Command): Command {
  command
    .option("--id <id>", "agent id (default: the key file's; made from the key on first start)")
    .option("--role <role>", "role to act in, from the rbac section (default operator)")
    .option(
      "--key-file <file>",
      "identity key file, mode 0600 (default <data-dir>/hap/identity.key)",
    )
    .option("--templates-dir <dir>", "more templates (YAML) beside the built-in ones")
    .option("--data-dir <dir>", "where keys, history, locks and the daemon's files live")
    .option("--daemon-url <url>", "use this running daemon (ws://...) instead of starting one")
    .option("--daemon-token-file <file>", "token file of the daemon given by --daemon-url")
    .option("--bootstrap <multiaddr>", "peer for the started daemon to dial (repeatable)", _collect)
    .option(
      "--p2p-listen <multiaddr>",
      "listen address of the started daemon (repeatable)",
      _collect,
    )
    .option("--no-mdns", "the started daemon does not look for peers on the LAN");
  return command;
}

function _flags(command: { optsWithGlobals(): object }): HapFlags {
  const flags = { ...command.optsWithGlobals() } as HapFlags;
  // `--no-mdns` makes commander default mdns to true; only a typed flag may beat the config.
  const source = (command as Command).getOptionValueSource?.("mdns");
  if (source === "default" || source === undefined) delete flags.mdns;
  return flags;
}

/** Build `hive hap` and its subcommands. */
export function hapCommand(load: _Load): Command {
  const action = async (command: { optsWithGlobals(): object }) => {
    const ctx = await load(command, "hap");
    return { flags: _flags(command), config: ctx.config, logger: ctx.logger, output: ctx.output };
  };
  const hap = _identityFlags(hiveCommand("hap", "hive hap"))
    .description(
      "Human agent portal: join the mesh as a person, with a signed identity and a role; read " +
        "topics live, compose from templates, share role-encrypted documents.",
    )
    .option(
      "--port <n>",
      "HTTP port for /healthz and /metrics (default 8789; host uses 8787, proxy 8788)",
    )
    .action(async (_opts, command) => {
      const { runPortal } = await import("./run.ts");
      await runPortal(await action(command));
    });

  hap.addCommand(
    _identityFlags(hiveCommand("send", "hive hap send"))
      .description("send one signed message: text, or a template filled with --field")
      .option(
        "--topic <topic>",
        "topic, or a room name for /hive/chat/<room> (default with --template: its topic)",
      )
      .option("--message <text>", "text to send")
      .option("--template <name>", "template to fill")
      .option("--field <name=value>", "a template field (repeatable)", _collect, [] as string[])
      .option("--wait-peers <duration>", "wait this long for a peer on the topic (default 5s)")
      .action(async (opts, command) => {
        const waitPeers = _duration(opts.waitPeers, "--wait-peers", 5000);
        const { runSend } = await import("./run.ts");
        await runSend(await action(command), {
          topic: opts.topic,
          message: opts.message,
          template: opts.template,
          field: opts.field,
          waitPeers,
        });
      }),
  );
  hap.addCommand(
    _identityFlags(hiveCommand("watch", "hive hap watch"))
      .description("print verified messages as they arrive (NDJSON with --json)")
      .requiredOption("--topic <topic>", "topic to follow (repeatable)", _collect)
      .option("--count <n>", "stop after this many messages")
      .option("--port <n>", "HTTP port for /healthz and /metrics (default 8789)")
      .action(async (opts, command) => {
        const count = _count(opts.count);
        const { runWatch } = await import("./run.ts");
        await runWatch(await action(command), { topic: opts.topic, count });
      }),
  );
  hap.addCommand(
    _identityFlags(hiveCommand("agents", "hive hap agents"))
      .description("who is on the mesh: people and agents apart, with role, peer and last seen")
      .option("--wait <duration>", "listen for announcements this long (default 3s)")
      .action(async (opts, command) => {
        const waitMs = _duration(opts.wait, "--wait", 3000);
        const { runAgents } = await import("./run.ts");
        await runAgents(await action(command), waitMs);
      }),
  );
  hap.addCommand(
    _identityFlags(hiveCommand("whoami", "hive hap whoami"))
      .description("this portal's id, role, kind, capabilities and public keys")
      .action(async (_opts, command) => {
        const { runWhoami } = await import("./run.ts");
        await runWhoami(await action(command));
      }),
  );
  hap.addCommand(
    _identityFlags(hiveCommand("put", "hive hap put"))
      .description("store a document that only members of the given roles can decrypt")
      .argument("<name>", "document name")
      .requiredOption("--roles <roles>", "comma-separated roles whose members may read it")
      .addOption(new Option("--message <text>", "content").conflicts("file"))
      .option("--file <path>", "read the content from a file")
      .option("--wait <duration>", "listen for members' announcements first (default 3s)")
      .action(async (name, opts, command) => {
        const waitMs = _duration(opts.wait, "--wait", 3000);
        const { runPut } = await import("./run.ts");
        const text = opts.file !== undefined
          ? await Deno.readTextFile(opts.file)
          : opts.message ?? (() => {
            throw new UsageError("give --message or --file");
          })();
        await runPut(await action(command), {
          name,
          roles: opts.roles.split(",").map((r) => r.trim()).filter((r) => r),
          text,
          waitMs,
        });
      }),
  );
  hap.addCommand(
    _identityFlags(hiveCommand("get", "hive hap get"))
      .description("fetch and decrypt a document (says 'not a recipient' when your role is not)")
      .argument("<name>", "document name")
      .option("--wait <duration>", "wait this long for the document to arrive (default 5s)")
      .action(async (name, opts, command) => {
        const waitMs = _duration(opts.wait, "--wait", 5000);
        const { runGet } = await import("./run.ts");
        await runGet(await action(command), { name, waitMs });
      }),
  );
  hap.addHelpText(
    "after",
    `
Portal commands: /join TOPIC, /leave [TOPIC], /topics, /peers, /agents, /compose TEMPLATE,
/put NAME --roles R,..., /get NAME, /history [N], /whoami, /help, /quit. Plain text goes to the
current topic; Tab completes commands, topics and template names.

Examples:
  hive hap                                       portal with its own daemon, on #general
  hive hap --role observer --id alice            act as alice in the observer role
  hive hap --daemon-url ws://127.0.0.1:9000/ --daemon-token-file ~/.local/share/hive/ipc.token
  hive hap send --topic general --message "deploy done" --json
  hive hap send --topic /hive/tasks/requests --template task_request --field title="rotate keys"
  hive hap watch --topic general --json          one verified message per line
  hive hap put runbook --roles operator --file runbook.md
  hive hap get runbook`,
  );
  return hap as unknown as Command;
}

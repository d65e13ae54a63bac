/**
 * Settings of `hive hap`: the `hap` section of `config.yaml`, and the schema that checks a run's
 * options after flags are merged over it. Validation depends on the kind: a portal is a person
 * (`kind: hap`), its role must be one the `rbac` section defines, and its HTTP port defaults to
 * 8789 so it runs beside a host (8787) and a proxy (8788).
 *
 * @module
 */
import { z } from "zod";
import type { LoggingConfig } from "../../core/cli.ts";
import { intRange } from "../../core/config.ts";
import { agentIdSchema, roleNameSchema } from "../../core/identity/names.ts";
import { DEFAULT_HTTP_PORTS } from "../../core/identity/names.ts";
import type { RbacConfig } from "../../core/rbac/rbac.ts";

/** A topic a person may type: `/hive/...`, or a bare room name meaning `/hive/chat/<room>`. */
export const topicArgSchema = z.string().regex(
  /^(\/[A-Za-z0-9._/*-]{1,255}|[a-z0-9][a-z0-9_-]{0,31})$/,
  {
    error: "expected a topic such as /hive/chat/general or a room name such as general",
  },
);

/** `ws://` URL of a running daemon's IPC. */
export const daemonUrlSchema = z.url({ protocol: /^wss?$/, error: "expected a ws:// URL" });

/** The `hap` section of `config.yaml`; every field has a default. */
export const hapConfigSchema = z.strictObject({
  /** Agent id; default: the key file's (made from the public key on first start). */
  id: agentIdSchema.nullable().default(null),
  role: roleNameSchema.default("operator"),
  /** Key file; default `<data_dir>/hap/identity.key`. */
  key_file: z.string().min(1).nullable().default(null),
  /** Extra templates (YAML), beside the built-in ones; same names override them. */
  templates_dir: z.string().min(1).nullable().default(null),
  /** Input history; default `<data_dir>/hap/history`. */
  history_file: z.string().min(1).nullable().default(null),
  /** Topic the portal starts on. */
  topic: topicArgSchema.default("/hive/chat/general"),
  /** HTTP port for `/healthz` and `/metrics`; 0 picks a free one. */
  port: intRange(0, 65535).default(DEFAULT_HTTP_PORTS.hap),
  bind: z.union([z.ipv4(), z.ipv6(), z.literal("localhost")]).default("127.0.0.1"),
  daemon_url: daemonUrlSchema.nullable().default(null),
  daemon_token_file: z.string().min(1).nullable().default(null),
  /** Largest accepted difference between a sender's clock and ours. */
  clock_skew_ms: intRange(1000, 3_600_000).default(30_000),
  /** How often this portal announces its agent record. */
  announce_ms: intRange(1000, 3_600_000).default(30_000),
  /** How long a record lives without a new announcement. */
  record_ttl_ms: intRange(2000, 86_400_000).default(90_000),
  /** Keys pinned in advance: agent id -> base64 Ed25519 public key. */
  pinned_keys: z.record(agentIdSchema, z.string().min(1).max(64)).default({}),
}).prefault({});

/** A loaded `hap` section. */
export type HapConfig = z.output<typeof hapConfigSchema>;

/** The config sections `hive hap` reads. */
export type HapCommandConfig = LoggingConfig & {
  data_dir: string;
  hap: HapConfig;
  rbac: RbacConfig;
  daemon: { listen: string[]; bootstrap: string[]; mdns: boolean };
};

/** Everything one portal run needs, after flags were merged over the config. */
export interface HapRunOptions {
  id: string | null;
  role: string;
  key_file: string;
  templates_dir: string | null;
  history_file: string;
  topic: string;
  port: number;
  bind: string;
  data_dir: string;
  daemon_url: string | null;
  daemon_token_file: string | null;
  clock_skew_ms: number;
  announce_ms: number;
  record_ttl_ms: number;
  pinned_keys: Record<string, string>;
  p2p_listen: string[];
  bootstrap: string[];
  mdns: boolean;
}

/** Flags of `hive hap` and its subcommands that override config. */
export interface HapFlags {
  id?: string;
  role?: string;
  keyFile?: string;
  templatesDir?: string;
  dataDir?: string;
  daemonUrl?: string;
  daemonTokenFile?: string;
  port?: string;
  bootstrap?: string[];
  p2pListen?: string[];
  mdns?: boolean;
}

/** The full topic of a bare room name (`general` -> `/hive/chat/general`). */
export function fullTopic(topic: string): string {
  return topic.startsWith("/") ? topic : `/hive/chat/${topic}`;
}

/**
 * Merge flags over the config and check the result for a portal: the role must exist in the
 * RBAC config, the daemon URL and its token file go together. Returns the problems as
 * `field: message` lines (empty when valid) next to the options.
 */
export function hapRunOptions(
  flags: HapFlags,
  config: HapCommandConfig,
): { options: HapRunOptions; problems: string[] } {
  const hap = config.hap;
  const dataDir = flags.dataDir ?? config.data_dir;
  const problems: string[] = [];
  const role = flags.role ?? hap.role;
  const roleCheck = roleNameSchema.safeParse(role);
  if (!roleCheck.success) {
    problems.push(`role: ${roleCheck.error.issues[0].message}, got "${role}"`);
  } else if (!(role in config.rbac.roles)) {
    problems.push(
      `role: "${role}" is not in rbac.roles (roles: ${Object.keys(config.rbac.roles).join(", ")})`,
    );
  }
  const id = flags.id ?? hap.id;
  if (id !== null) {
    const idCheck = agentIdSchema.safeParse(id);
    if (!idCheck.success) problems.push(`id: ${idCheck.error.issues[0].message}, got "${id}"`);
  }
  let port = hap.port;
  if (flags.port !== undefined) {
    if (/^\d{1,5}$/.test(flags.port) && Number(flags.port) <= 65535) port = Number(flags.port);
    else problems.push(`port: expected an integer 0..65535, got "${flags.port}"`);
  }
  const daemonUrl = flags.daemonUrl ?? hap.daemon_url;
  if (daemonUrl !== null && !daemonUrlSchema.safeParse(daemonUrl).success) {
    problems.push(`daemon_url: expected a ws:// URL, got "${daemonUrl}"`);
  }
  const tokenFile = flags.daemonTokenFile ?? hap.daemon_token_file;
  const hapDir = `${dataDir}/hap`;
  return {
    options: {
      id,
      role,
      key_file: flags.keyFile ?? hap.key_file ?? `${hapDir}/identity.key`,
      templates_dir: flags.templatesDir ?? hap.templates_dir,
      history_file: hap.history_file ?? `${hapDir}/history`,
      topic: fullTopic(hap.topic),
      port,
      bind: hap.bind,
      data_dir: dataDir,
      daemon_url: daemonUrl,
      daemon_token_file: tokenFile,
      clock_skew_ms: hap.clock_skew_ms,
      announce_ms: hap.announce_ms,
      record_ttl_ms: hap.record_ttl_ms,
      pinned_keys: hap.pinned_keys,
      p2p_listen: flags.p2pListen ?? config.daemon.listen,
      bootstrap: flags.bootstrap ?? config.daemon.bootstrap,
      mdns: flags.mdns ?? config.daemon.mdns,
    },
    problems,
  };
}

/**
 * Settings of `hive host`: the `host` section of `config.yaml`, and the schema that checks the
 * options a run ends up with after flags are merged over config.
 *
 * @module
 */
import { z } from "zod";
import type { LoggingConfig } from "../../core/cli.ts";
import { intRange } from "../../core/config.ts";
import { httpLimitsSchema } from "../../core/http/limits.ts";
import type { RbacConfig } from "../../core/rbac/rbac.ts";

/** Room names the server accepts (the chat page checks the same pattern before it sends). */
export const ROOM_NAME_PATTERN: RegExp = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** What a bad room name is told, by the server and the page alike. */
export const ROOM_NAME_ERROR = "expected a room name of a-z, 0-9, - and _ (1..32 characters)";

/** A chat room name: lower-case letters, digits, `-` and `_`, up to 32 characters. */
export const roomSchema = z.string().regex(ROOM_NAME_PATTERN, { error: ROOM_NAME_ERROR });

/** An HTTP bind address: an IPv4/IPv6 literal or `localhost`. */
export const bindSchema = z.union([z.ipv4(), z.ipv6(), z.literal("localhost")], {
  error: "expected an IP address such as 127.0.0.1, ::1 or 0.0.0.0",
});

/** A `ws://` IPC URL. */
export const daemonUrlSchema = z.url({ protocol: /^wss?$/, error: "expected a ws:// URL" });

/** An `http(s)://` URL of a running host. */
export const hostUrlSchema = z.url({ protocol: /^https?$/, error: "expected an http:// URL" });

/** Bearer tokens: printable, no spaces, at least 16 characters so they are not guessable. */
export const apiTokenSchema = z.string().regex(/^[\x21-\x7e]{16,512}$/, {
  error: "expected 16..512 printable characters without spaces",
});

/**
 * `host.agent_manager`: the remote agent manager, a built-in agent that manages agents only
 * through a running `hive proxy` at `url`. The key is named, never written here: the name of an
 * environment variable (`key_env`) or a file holding it (`key_file`), exactly one of the two.
 */
export const agentManagerConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "expected the proxy's http(s):// URL" }),
  key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, {
    error: "expected an environment variable name",
  }).nullable().default(null),
  key_file: z.string().min(1).max(4096).nullable().default(null),
  /** Deadline of each call to the proxy, in milliseconds. */
  timeout_ms: intRange(100, 120_000).default(10_000),
}).check((ctx) => {
  if ((ctx.value.key_env === null) === (ctx.value.key_file === null)) {
    ctx.issues.push({
      code: "custom",
      path: ["key_env"],
      input: ctx.value.key_env,
      message: "set exactly one of key_env and key_file",
    });
  }
});

/** A loaded `host.agent_manager`. */
export type AgentManagerConfig = z.output<typeof agentManagerConfigSchema>;

/** The `host` section of `config.yaml`; every field has a default. */
export const hostConfigSchema = z.strictObject({
  bind: bindSchema.default("127.0.0.1"),
  api_token: apiTokenSchema.nullable().default(null),
  agents_dir: z.string().min(1).nullable().default(null),
  rooms: z.array(roomSchema).min(1).max(64).default(["general"]),
  history: intRange(1, 10_000).default(200),
  daemon_url: daemonUrlSchema.nullable().default(null),
  daemon_token_file: z.string().min(1).nullable().default(null),
  /** Extra names the HTTP server answers to (Host header), besides local names and IPs. */
  allowed_hosts: z.array(z.string().min(1).max(253)).max(64).default([]),
  /** Extra browser origins allowed to open /ws/chat and POST (exact, e.g. https://dash.lan). */
  allowed_origins: z.array(z.string().min(1).max(2048)).max(64).default([]),
  /** Body, message, timeout and connection limits of the HTTP server. */
  limits: httpLimitsSchema.default({}),
  /** The remote agent manager; off unless set. */
  agent_manager: agentManagerConfigSchema.nullable().default(null),
}).prefault({});

/** A loaded `host` section. */
export type HostConfig = z.output<typeof hostConfigSchema>;

/**
 * The config sections `hive host` reads: its own, the HTTP port, the data dir, and the P2P
 * settings it hands to the daemon it supervises (the `daemon` section, read as plain values so
 * that host does not depend on the daemon command's files).
 */
export type HostCommandConfig = LoggingConfig & {
  ports: { http: number };
  data_dir: string;
  host: HostConfig;
  daemon: { listen: string[]; bootstrap: string[]; mdns: boolean };
  rbac: RbacConfig;
};

/** Everything one host run needs, after flags were merged over the config. */
export const hostRunSchema = z.strictObject({
  port: intRange(0, 65535),
  bind: bindSchema,
  api_token: apiTokenSchema.nullable(),
  agents_dir: z.string().min(1).nullable(),
  rooms: z.array(roomSchema).min(1).max(64),
  history: intRange(1, 10_000),
  data_dir: z.string().min(1),
  daemon_url: daemonUrlSchema.nullable(),
  daemon_token_file: z.string().min(1).nullable(),
  allowed_hosts: z.array(z.string().min(1).max(253)).max(64).default([]),
  allowed_origins: z.array(z.string().min(1).max(2048)).max(64).default([]),
  limits: httpLimitsSchema.default({}),
  agent_manager: agentManagerConfigSchema.nullable().default(null),
  /** Passed through to the supervised daemon. */
  p2p_listen: z.array(z.string().min(1)),
  bootstrap: z.array(z.string().min(1)),
  mdns: z.boolean(),
}).check((ctx) => {
  const v = ctx.value;
  if (!_isLoopback(v.bind) && !v.api_token) {
    ctx.issues.push({
      code: "custom",
      path: ["api_token"],
      input: v.api_token,
      message: `binding ${v.bind} (not loopback) requires --api-token`,
    });
  }
  if ((v.daemon_url === null) !== (v.daemon_token_file === null)) {
    ctx.issues.push({
      code: "custom",
      path: [v.daemon_url === null ? "daemon_url" : "daemon_token_file"],
      input: null,
      message: "--daemon-url and --daemon-token-file go together",
    });
  }
});

/** Validated run options. */
export type HostRunOptions = z.output<typeof hostRunSchema>;

/** True for addresses only this machine can reach. */
function _isLoopback(bind: string): boolean {
  return bind === "localhost" || bind === "::1" || /^127\./.test(bind);
}

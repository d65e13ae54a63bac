/**
 * Settings of `hive daemon`: the `daemon` section of `config.yaml`, and the schema that checks
 * the options a run ends up with after flags are merged over it.
 *
 * @module
 */
import { z } from "zod";
import { multiaddrSchema, peerMultiaddrSchema } from "../../adapters/p2p/types.ts";
import type { LoggingConfig } from "../../core/cli.ts";
import { intRange } from "../../core/config.ts";

/** Default listen addresses: every interface, a free TCP port and a free WebSocket port. */
export const DEFAULT_LISTEN = ["/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/tcp/0/ws"];

/**
 * Default allow list: this machine. Many daemons on one host (a host per user, tests,
 * simulations) would otherwise trip the per-host limit of new connections per second.
 */
export const DEFAULT_ALLOW = ["/ip4/127.0.0.0/ipcidr/8", "/ip6/::1/ipcidr/128"];

const _fields = {
  listen: z.array(multiaddrSchema).min(1, { error: "expected at least one address" }),
  mdns: z.boolean(),
  bootstrap: z.array(peerMultiaddrSchema),
  dht: z.boolean(),
  ipc_port: intRange(0, 65535),
  max_connections: intRange(1, 100_000),
  max_incoming_pending: intRange(1, 10_000),
  dial_timeout_ms: intRange(100, 600_000),
  queue_bytes: intRange(64 * 1024, 1024 * 1024 * 1024),
  inbound_per_second: intRange(1, 100_000),
  allow: z.array(multiaddrSchema),
};

/** The `daemon` section of `config.yaml`; every field has a default. */
export const daemonConfigSchema = z.strictObject({
  listen: _fields.listen.default(DEFAULT_LISTEN),
  mdns: _fields.mdns.default(true),
  bootstrap: _fields.bootstrap.default([]),
  dht: _fields.dht.default(false),
  ipc_port: _fields.ipc_port.default(0),
  max_connections: _fields.max_connections.default(300),
  max_incoming_pending: _fields.max_incoming_pending.default(10),
  dial_timeout_ms: _fields.dial_timeout_ms.default(5000),
  queue_bytes: _fields.queue_bytes.default(4 * 1024 * 1024),
  inbound_per_second: _fields.inbound_per_second.default(5),
  allow: _fields.allow.default(DEFAULT_ALLOW),
  identity: z.string().min(1).nullable().default(null),
}).prefault({});

/** A loaded `daemon` section. */
export type DaemonConfig = z.output<typeof daemonConfigSchema>;

/** Everything one daemon run needs, after flags were merged over the config. */
export const daemonRunSchema = z.strictObject({
  ..._fields,
  data_dir: z.string().min(1),
  identity: z.string().min(1),
});

/** Validated run options. */
export type DaemonRunOptions = z.output<typeof daemonRunSchema>;

/** The config sections `hive daemon` and its client subcommands read. */
export type DaemonCommandConfig = LoggingConfig & { data_dir: string; daemon: DaemonConfig };

/**
 * A flag given as decimal digits, turned into a number and checked by `check`. Anything else
 * fails with `error`, so `--ipc-port abc` says `expected a whole number, got "abc"`.
 *
 * @example
 * ```ts
 * const port = wholeNumberFlag(intRange(0, 65535));
 * port.parse("8080"); // 8080
 * ```
 */
export function wholeNumberFlag(
  check: z.ZodType<number, number>,
  options: { error?: string; maxDigits?: number } = {},
): z.ZodType<number, string> {
  const digits = new RegExp(`^[0-9]{1,${options.maxDigits ?? 10}}$`);
  return z.string().regex(digits, { error: options.error ?? "expected a whole number" })
    .transform(Number).pipe(check);
}

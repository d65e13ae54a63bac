/**
 * Helpers for hap tests: real in-process libp2p nodes on loopback joined into one mesh, and
 * sessions over them. libp2p leaves handles after stop() under Deno, so tests that use these
 * turn the resource sanitizers off and close everything in `finally`.
 *
 * @module
 */
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { Libp2pP2P } from "../../../adapters/p2p/libp2p/port.ts";
import { createP2P } from "../../../adapters/p2p/mod.ts";
import { HapSession } from "../../../commands/hap/session.ts";
import {
  type AgentIdentity,
  generateKeyFile,
  identityFromKeyFile,
} from "../../../core/identity/identity.ts";
import { libp2pPrivateKey } from "../../../core/identity/peer_key.ts";
import { createLogger, type LogSink } from "../../../core/logger.ts";
import { Rbac, rbacConfigSchema } from "../../../core/rbac/rbac.ts";

/** Poll until `condition` holds; throws naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A libp2p node on 127.0.0.1 behind the P2P port, with a fresh key or `privateKey` (protobuf; an
 * identity's, from `libp2pPrivateKey`, as the hap runtime gives its daemon).
 */
export async function node(privateKey?: Uint8Array): Promise<Libp2pP2P> {
  const p2p = await createP2P({
    backend: "libp2p",
    privateKey: privateKey ?? privateKeyToProtobuf(await generateKeyPair("Ed25519")),
    listen: ["/ip4/127.0.0.1/tcp/0"],
    mdns: false,
  });
  if (!(p2p instanceof Libp2pP2P)) throw new Error("the libp2p backend is not Libp2pP2P");
  return p2p;
}

/** Log lines captured in memory. */
export function memoryLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink: LogSink = { write: (line) => void lines.push(line), flush() {}, close() {} };
  return { logger: createLogger({ level: "debug", format: "json", sinks: [sink] }), lines };
}

/** The default RBAC. */
export function defaultRbac(): Rbac {
  return new Rbac(rbacConfigSchema.parse({}));
}

/** A new identity with the default RBAC's capabilities for `role`. */
export async function newIdentity(
  id: string,
  role: string,
  kind: "agent" | "hap" = "hap",
): Promise<AgentIdentity> {
  return await identityFromKeyFile(await generateKeyFile(kind, id), {
    role,
    capabilities: defaultRbac().capabilities(role),
  });
}

/**
 * A node whose libp2p key is a new identity's key, as under `hive hap` (its envelopes are
 * peer-signed), and a started session for that identity over it.
 */
export async function peerSession(
  id: string,
  role: string,
): Promise<{ p2p: Libp2pP2P; session: HapSession; lines: string[] }> {
  const identity = await newIdentity(id, role);
  const p2p = await node(libp2pPrivateKey(identity.secretKey, identity.publicKey));
  return { p2p, ...await session(p2p, id, role, "hap", identity) };
}

/** A session for a new identity (or `identity`) over `p2p`. */
export async function session(
  p2p: Libp2pP2P,
  id: string,
  role: string,
  kind: "agent" | "hap" = "hap",
  identity?: AgentIdentity,
): Promise<{ session: HapSession; lines: string[] }> {
  const rbac = defaultRbac();
  identity ??= await newIdentity(id, role, kind);
  const { logger, lines } = memoryLogger();
  const s = new HapSession({ identity, p2p, rbac, logger, announceMs: 200 });
  await s.start();
  return { session: s, lines };
}

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
import { generateKeyFile, identityFromKeyFile } from "../../../core/identity/identity.ts";
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

/** A libp2p node on 127.0.0.1 behind the P2P port. */
export async function node(): Promise<Libp2pP2P> {
  const p2p = await createP2P({
    backend: "libp2p",
    privateKey: privateKeyToProtobuf(await generateKeyPair("Ed25519")),
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

/** A session for a new identity over `p2p`. */
export async function session(
  p2p: Libp2pP2P,
  id: string,
  role: string,
  kind: "agent" | "hap" = "hap",
): Promise<{ session: HapSession; lines: string[] }> {
  const rbac = defaultRbac();
  const identity = await identityFromKeyFile(await generateKeyFile(kind, id), {
    role,
    capabilities: rbac.capabilities(role),
  });
  const { logger, lines } = memoryLogger();
  const s = new HapSession({ identity, p2p, rbac, logger, announceMs: 200 });
  await s.start();
  return { session: s, lines };
}

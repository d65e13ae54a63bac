/**
 * The host's agent identity (`<data-dir>/host/identity.key`) and the libp2p key of the daemon it
 * supervises (`<data-dir>/identity.key`), made one key wherever that keeps every peer id stable.
 * With one key, gossipsub's signature by the daemon is the identity's, and envelopes travel
 * peer-signed (`sig: "peer"`, one signature per message instead of two; see `core/envelope`).
 *
 * - A new data dir: the identity is created, and the daemon gets its key.
 * - A data dir from before identities (a daemon key, no host identity yet): the identity is
 *   created with the daemon's Ed25519 key, so the peer id that other nodes bootstrap to stays.
 * - A data dir where both exist and differ (made by a host that gave them separate keys): both
 *   are kept, and envelopes carry their own signature as before. Changing the daemon's key would
 *   change its peer id under the peers that bootstrap to it; the log says how to switch.
 * - An attached daemon (`--daemon-url`) is never touched: envelopes carry their own signature.
 *
 * @module
 */
import { busyDataDir } from "../../adapters/p2p/daemon/busy.ts";
import {
  DAEMON_KEY_FILE,
  type DaemonKeyOutcome,
  giveDaemonKey,
  readDaemonKey,
} from "../../adapters/p2p/daemon/daemon_key.ts";
import { type AgentIdentity, loadOrCreateIdentity } from "../../core/identity/identity.ts";
import { peerIdOfKey } from "../../core/identity/peer_key.ts";
import type { Logger } from "../../core/logger.ts";
import type { Rbac } from "../../core/rbac/rbac.ts";

/** Options for {@link loadHostIdentity}. */
export interface HostIdentityOptions {
  dataDir: string;
  /** The host supervises its daemon (no `--daemon-url`). */
  supervised: boolean;
  rbac: Rbac;
}

/** Path of the host's identity key file in `dataDir`. */
export function hostKeyPath(dataDir: string): string {
  return `${dataDir}/host/identity.key`;
}

/**
 * Load the host's identity (kind `agent`, role `agent`), or create it; a new one takes the
 * supervised daemon's existing key, if any.
 */
export async function loadHostIdentity(options: HostIdentityOptions): Promise<AgentIdentity> {
  const daemonKey = options.supervised ? await readDaemonKey(options.dataDir) : null;
  return await loadOrCreateIdentity({
    path: hostKeyPath(options.dataDir),
    kind: "agent",
    role: "agent",
    capabilities: options.rbac.capabilities("agent"),
    secretKey: daemonKey?.secretKey,
  });
}

/**
 * Give the supervised daemon the identity's key where it has none (call it holding the instance
 * lock, before the daemon starts). `busy`: a daemon runs on the data dir now (the daemon link
 * refuses it). A kept different key is logged with the way to switch.
 */
export async function adoptDaemonKey(
  dataDir: string,
  identity: AgentIdentity,
  logger: Logger,
): Promise<DaemonKeyOutcome | "busy"> {
  if (await busyDataDir(dataDir)) return "busy";
  const outcome = await giveDaemonKey(dataDir, identity, { replace: false });
  if (outcome === "written") {
    logger.info("daemon key set to the identity key", { peer_id: peerIdOfKey(identity.publicKey) });
  } else if (outcome === "kept") {
    const path = `${dataDir}/${DAEMON_KEY_FILE}`;
    logger.info(
      `the daemon keeps its own libp2p key (${path}), not the identity's: envelopes carry ` +
        `their own signature. To sign once per message, stop the host and remove ${path}; ` +
        `the peer id then becomes the identity's, so update the peers that bootstrap to it`,
      { identity_peer_id: peerIdOfKey(identity.publicKey) },
    );
  }
  return outcome;
}

/**
 * The libp2p key of a supervised daemon, set from its owner's agent identity. A daemon whose
 * libp2p key is the identity's Ed25519 key has the identity's peer id, gossipsub signs every
 * message with that key, and envelopes need no second signature (`core/envelope`, `sig: "peer"`).
 * Both `hive host` and `hive hap` give their daemon child the key this way; an attached daemon
 * (`--daemon-url`) keeps its own key and envelopes keep their own signature.
 *
 * The key sits where `hive daemon --data-dir` reads it: `<dataDir>/identity.key`, the libp2p
 * protobuf private key, mode 0600.
 *
 * @example
 * ```ts
 * import { giveDaemonKey } from "./daemon_key.ts";
 * const outcome = await giveDaemonKey("/tmp/hive-a", identity, { replace: false });
 * // "written" (there was none), "same" (it is already the identity's) or "kept" (another key)
 * ```
 * @module
 */
import { ed25519OfLibp2pKey, libp2pPrivateKey } from "../../../core/identity/peer_key.ts";

/** File name of a daemon's libp2p key inside its data dir. */
export const DAEMON_KEY_FILE = "identity.key";

/** An Ed25519 key pair (32-byte secret and public keys). */
export interface Ed25519Pair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * What {@link giveDaemonKey} did: `written` (the daemon had no key, or another one was replaced),
 * `same` (it already had this key), `kept` (it has another key, left as it is).
 */
export type DaemonKeyOutcome = "written" | "same" | "kept";

/** Options for {@link giveDaemonKey}. */
export interface GiveDaemonKeyOptions {
  /**
   * Replace a different key already there. The daemon's peer id then changes, and peers that
   * bootstrap to the old `/p2p/<id>` address no longer reach it.
   */
  replace: boolean;
}

/**
 * The Ed25519 key pair of the daemon whose data dir is `dataDir`, or null when it has none yet
 * (or its file holds no Ed25519 key; the daemon itself reports that when it starts).
 */
export async function readDaemonKey(dataDir: string): Promise<Ed25519Pair | null> {
  const bytes = await Deno.readFile(`${dataDir}/${DAEMON_KEY_FILE}`).catch(() => null);
  return bytes ? ed25519OfLibp2pKey(bytes) : null;
}

/**
 * Make `key` the libp2p key of the daemon of `dataDir` (created 0700, the file 0600), unless it
 * already has that key, or another one and `options.replace` is false. Call it only while no
 * daemon runs there (`busyDataDir`): a running daemon would not see the change.
 */
export async function giveDaemonKey(
  dataDir: string,
  key: Ed25519Pair,
  options: GiveDaemonKeyOptions,
): Promise<DaemonKeyOutcome> {
  const path = `${dataDir}/${DAEMON_KEY_FILE}`;
  const bytes = libp2pPrivateKey(key.secretKey, key.publicKey);
  const old = await Deno.readFile(path).catch((error) => {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  });
  if (old && old.length === bytes.length && old.every((b, i) => b === bytes[i])) return "same";
  if (old && !options.replace) return "kept";
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await Deno.writeFile(path, bytes, { mode: 0o600 });
  // An existing file keeps its mode on write; a key is 0600 whatever it was.
  await Deno.chmod(path, 0o600);
  return "written";
}

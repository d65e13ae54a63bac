/**
 * The daemon's persistent identity: an Ed25519 private key stored protobuf-encoded (the same
 * layout go-libp2p and `p2pd -id` use) in a file only its owner can read, so the peer id
 * survives restarts.
 *
 * @module
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { ConfigError } from "../../core/errors.ts";

/** A loaded identity. */
export interface Identity {
  /** Protobuf-encoded private key, as the P2P port takes it. */
  privateKey: Uint8Array;
  /** The peer id derived from the key. */
  peerId: string;
  /** File it came from. */
  path: string;
  /** True when the file was created by this call. */
  created: boolean;
}

function _dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : i === 0 ? "/" : ".";
}

/** Decode identity bytes; throws `ConfigError` naming the file when they are not an Ed25519 key. */
export function decodeIdentity(bytes: Uint8Array, path: string): Omit<Identity, "created"> {
  let key;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch (error) {
    throw new ConfigError(
      `identity ${path}: not a protobuf-encoded private key (${(error as Error).message})`,
      { code: "identity_invalid" },
    );
  }
  if (key.type !== "Ed25519") {
    throw new ConfigError(`identity ${path}: expected an Ed25519 key, got ${key.type}`, {
      code: "identity_invalid",
    });
  }
  return { privateKey: bytes, peerId: peerIdFromPrivateKey(key).toString(), path };
}

/**
 * Read the identity at `path`, or create a fresh Ed25519 key there (mode 0600, parent folders
 * 0700) when the file does not exist. An existing file readable by others is tightened to 0600.
 */
export async function loadOrCreateIdentity(path: string): Promise<Identity> {
  try {
    const bytes = await Deno.readFile(path);
    const info = await Deno.stat(path);
    if (info.mode !== null && (info.mode & 0o077) !== 0) await Deno.chmod(path, 0o600);
    return { ...decodeIdentity(bytes, path), created: false };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(_dirOf(path), { recursive: true, mode: 0o700 });
  const bytes = privateKeyToProtobuf(await generateKeyPair("Ed25519"));
  try {
    await Deno.writeFile(path, bytes, { createNew: true, mode: 0o600 });
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if (error instanceof Deno.errors.AlreadyExists) return await loadOrCreateIdentity(path);
    throw error;
  }
  return { ...decodeIdentity(bytes, path), created: true };
}

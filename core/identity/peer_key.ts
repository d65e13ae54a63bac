/**
 * An agent identity's Ed25519 key as a libp2p peer key. When a node's libp2p key is the identity
 * key, every gossipsub message it publishes is already signed by that key (strict signing), and
 * the signature covers the exact message bytes; a receiver whose node verified it only has to
 * check that the message's author is the peer id of the key the envelope names. That lets
 * envelopes travel with one signature instead of two (see `core/envelope`).
 *
 * The encodings are libp2p's: a private key is the protobuf `PrivateKey { Type: Ed25519 (1),
 * Data: secret ‖ public }` (the file `hive daemon --identity` reads), and an Ed25519 peer id is
 * the identity multihash of the protobuf `PublicKey { Type: Ed25519, Data: public }`, in base58btc.
 *
 * @example
 * ```ts
 * import { peerIdOfKey } from "./peer_key.ts";
 * peerIdOfKey(identity.publicKey); // "12D3KooW..."
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base58btc } from "multiformats/bases/base58";

// protobuf field 1 (Type, varint) = 1 (Ed25519), field 2 (Data, bytes) of 32 or 64 bytes.
const _PUBLIC_PREFIX = [0x08, 0x01, 0x12, 0x20];
const _PRIVATE_PREFIX = [0x08, 0x01, 0x12, 0x40];
// Identity multihash: code 0x00, length 36 (the 4-byte prefix and 32 key bytes).
const _MULTIHASH_PREFIX = [0x00, 0x24];

const _peerIds = new Map<string, string>();
const _CACHE = 4096;

/** The libp2p peer id (`12D3KooW...`) of a 32-byte Ed25519 public key. */
export function peerIdOfKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new TypeError("expected a 32-byte Ed25519 public key");
  const bytes = new Uint8Array(38);
  bytes.set(_MULTIHASH_PREFIX, 0);
  bytes.set(_PUBLIC_PREFIX, 2);
  bytes.set(publicKey, 6);
  // base58btc's multibase prefix `z` is not part of a peer id's text form.
  return base58btc.encode(bytes).slice(1);
}

/**
 * {@link peerIdOfKey} of a base64 public key, remembered (receivers ask once per message), or
 * null when the text is not a 32-byte key.
 */
export function peerIdOfBase64Key(base64: string): string | null {
  let id = _peerIds.get(base64);
  if (id !== undefined) return id;
  const raw = Buffer.from(base64, "base64");
  if (raw.length !== 32) return null;
  id = peerIdOfKey(raw);
  if (_peerIds.size >= _CACHE) _peerIds.delete(_peerIds.keys().next().value!);
  _peerIds.set(base64, id);
  return id;
}

/** The libp2p protobuf private key of an Ed25519 key pair (what a daemon's identity file holds). */
export function libp2pPrivateKey(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (secretKey.length !== 32 || publicKey.length !== 32) {
    throw new TypeError("expected a 32-byte Ed25519 secret and public key");
  }
  const bytes = new Uint8Array(68);
  bytes.set(_PRIVATE_PREFIX, 0);
  bytes.set(secretKey, 4);
  bytes.set(publicKey, 36);
  return bytes;
}

/**
 * The Ed25519 key pair inside a libp2p protobuf private key (the inverse of
 * {@link libp2pPrivateKey}), or null when the bytes hold another kind of key or are malformed.
 * The public half is checked against the secret one, so a damaged file is not taken as a key.
 */
export function ed25519OfLibp2pKey(
  bytes: Uint8Array,
): { secretKey: Uint8Array; publicKey: Uint8Array } | null {
  if (bytes.length !== 68 || !_PRIVATE_PREFIX.every((b, i) => bytes[i] === b)) return null;
  const secretKey = bytes.slice(4, 36);
  const publicKey = bytes.slice(36, 68);
  const derived = ed25519.getPublicKey(secretKey);
  if (!derived.every((b, i) => b === publicKey[i])) return null;
  return { secretKey, publicKey };
}

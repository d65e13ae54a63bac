/**
 * Faster Ed25519 signing and verification for libp2p under Deno.
 *
 * `@libp2p/crypto` signs and verifies through `node:crypto`, but imports the key from JWK on
 * every call. Under Deno that import costs as much as the signature itself, and gossipsub with
 * strict signing does one sign per published message and one verify per received message.
 * This module keeps the imported `KeyObject`s: the node's own private key for as long as the key
 * object lives, and the most recent public keys of senders in a bounded table. Signatures are
 * still made and checked by `node:crypto` with the same inputs; only the key import is reused.
 * Any input the fast path does not expect goes to the library's own method, so errors and
 * results stay the library's.
 *
 * {@link installEd25519KeyCache} patches the two key classes once per process.
 *
 * @module
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { Buffer } from "node:buffer";
import { privateKeyFromRaw, publicKeyFromRaw } from "@libp2p/crypto/keys";
import { BytesTable } from "./bytes_table.ts";

/** How many senders' public keys stay imported; a mesh larger than this re-imports some. */
export const PUBLIC_KEY_CACHE_SIZE = 4096;

const _PUBLIC_LENGTH = 32;
const _PRIVATE_LENGTH = 64;
const _SIGNATURE_LENGTH = 64;

type _Bytes = Uint8Array | { subarray(): Uint8Array };
type _Verify = (data: _Bytes, sig: Uint8Array, options?: unknown) => boolean | Promise<boolean>;
type _Sign = (data: _Bytes, options?: unknown) => Uint8Array | Promise<Uint8Array>;
interface _PublicProto {
  verify: _Verify;
}
interface _PrivateProto {
  sign: _Sign;
}

/** Keyed by the raw bytes themselves: a lookup that hits allocates nothing. */
const _publicKeys = new BytesTable<KeyObject>(PUBLIC_KEY_CACHE_SIZE);
const _privateKeys = new WeakMap<object, KeyObject>();
let _installed = false;

function _bytes(data: _Bytes): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray();
}

function _base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** The imported public key for `raw` (32 bytes), from the table or imported now. */
export function publicKeyObject(raw: Uint8Array): KeyObject {
  let key = _publicKeys.get(raw);
  if (key) return key;
  key = createPublicKey({
    format: "jwk",
    key: { kty: "OKP", crv: "Ed25519", x: _base64url(raw) },
  });
  _publicKeys.set(raw, key);
  return key;
}

/** How many public keys are imported right now (for tests). */
export function cachedPublicKeys(): number {
  return _publicKeys.size;
}

function _privateKeyObject(owner: object, raw: Uint8Array): KeyObject {
  let key = _privateKeys.get(owner);
  if (!key) {
    key = createPrivateKey({
      format: "jwk",
      key: {
        kty: "OKP",
        crv: "Ed25519",
        d: _base64url(raw.subarray(0, 32)),
        x: _base64url(raw.subarray(32)),
      },
    });
    _privateKeys.set(owner, key);
  }
  return key;
}

/** Aborted signals throw, as in the library's own methods. */
function _checkSignal(options: unknown): void {
  (options as { signal?: AbortSignal } | undefined)?.signal?.throwIfAborted();
}

/**
 * Make every Ed25519 key of `@libp2p/crypto` in this process reuse its imported `KeyObject`.
 * Safe to call more than once.
 */
export function installEd25519KeyCache(): void {
  if (_installed) return;
  _installed = true;
  const publicProto = Object.getPrototypeOf(
    publicKeyFromRaw(new Uint8Array(_PUBLIC_LENGTH)),
  ) as _PublicProto;
  const privateProto = Object.getPrototypeOf(
    privateKeyFromRaw(new Uint8Array(_PRIVATE_LENGTH)),
  ) as _PrivateProto;
  const libraryVerify = publicProto.verify;
  const librarySign = privateProto.sign;
  publicProto.verify = function (this: { raw: Uint8Array }, data, sig, options) {
    if (
      this.raw?.byteLength !== _PUBLIC_LENGTH || !(sig instanceof Uint8Array) ||
      sig.byteLength !== _SIGNATURE_LENGTH
    ) return libraryVerify.call(this, data, sig, options);
    _checkSignal(options);
    return verify(null, _bytes(data), publicKeyObject(this.raw), sig);
  };
  privateProto.sign = function (this: { raw: Uint8Array }, data, options) {
    if (this.raw?.byteLength !== _PRIVATE_LENGTH) return librarySign.call(this, data, options);
    _checkSignal(options);
    return sign(null, _bytes(data), _privateKeyObject(this, this.raw));
  };
}

/**
 * Ed25519 signing and verification for envelopes and documents. Keys are made and derived with
 * `@noble/curves` (portable, audited); the per-message signing and verification, which decide
 * chat throughput, run on the runtime's native Ed25519 (`node:crypto`, about 30x faster than the
 * JavaScript curve here), which produces the same RFC 8032 signatures. Verification is strict
 * (canonical encodings only).
 *
 * @example
 * ```ts
 * import { ed25519Sign, ed25519Verify } from "./ed25519.ts";
 * const sig = ed25519Sign(bytes, secretKey, publicKey);
 * ed25519Verify(sig, bytes, publicKeyBase64); // true
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

const _private = new WeakMap<Uint8Array, KeyObject>();
const _public = new Map<string, KeyObject | null>();
const _PUBLIC_CACHE = 4096;

function _b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function _privateKey(secret: Uint8Array, publicKey: Uint8Array): KeyObject {
  let key = _private.get(secret);
  if (!key) {
    key = createPrivateKey({
      key: { kty: "OKP", crv: "Ed25519", d: _b64url(secret), x: _b64url(publicKey) },
      format: "jwk",
    });
    _private.set(secret, key);
  }
  return key;
}

function _publicKey(base64: string): KeyObject | null {
  let key = _public.get(base64);
  if (key !== undefined) return key;
  const raw = Buffer.from(base64, "base64");
  try {
    key = raw.length === 32
      ? createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: _b64url(raw) }, format: "jwk" })
      : null;
  } catch {
    key = null;
  }
  if (_public.size >= _PUBLIC_CACHE) _public.clear();
  _public.set(base64, key);
  return key;
}

/** Sign `message` with a 32-byte Ed25519 secret key (its public key given to skip deriving it). */
export function ed25519Sign(
  message: Uint8Array,
  secretKey: Uint8Array,
  publicKey: Uint8Array,
): Uint8Array {
  return sign(null, message, _privateKey(secretKey, publicKey));
}

/** Verify a 64-byte signature by the base64 public key; false for any malformed input. */
export function ed25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKeyBase64: string,
): boolean {
  if (signature.length !== 64) return false;
  const key = _publicKey(publicKeyBase64);
  if (!key) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

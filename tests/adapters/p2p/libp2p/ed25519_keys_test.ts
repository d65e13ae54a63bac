/**
 * The Ed25519 key cache: signatures stay byte-identical to a fresh WebCrypto signature, bad
 * signatures still fail, odd input still gets the library's own errors, and the table of
 * imported public keys stays bounded.
 */
import { deepEqual, equal, ok, throws } from "@std/assert";
import { generateKeyPairSync } from "node:crypto";
import { Buffer } from "node:buffer";
import { generateKeyPair, publicKeyFromRaw } from "@libp2p/crypto/keys";
import {
  cachedPublicKeys,
  installEd25519KeyCache,
  PUBLIC_KEY_CACHE_SIZE,
  publicKeyObject,
} from "../../../../adapters/p2p/libp2p/ed25519_keys.ts";

installEd25519KeyCache();
installEd25519KeyCache(); // a second call must not wrap the methods twice

const _message = new TextEncoder().encode("gossipsub message bytes");

async function _webCryptoSign(raw: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const pkcs8 = Buffer.concat([
    Buffer.from("302e020100300506032b657004220420", "hex"),
    Buffer.from(raw.subarray(0, 32)),
  ]);
  const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("Ed25519", key, data as BufferSource));
}

Deno.test("ed25519 cache: signatures equal an independent WebCrypto signature", async () => {
  const key = await generateKeyPair("Ed25519");
  const first = await key.sign(_message);
  const again = await key.sign(_message); // from the cached KeyObject
  const expected = await _webCryptoSign(key.raw, _message);
  deepEqual(new Uint8Array(first), expected);
  deepEqual(new Uint8Array(again), expected);
});

Deno.test("ed25519 cache: good signatures verify, tampered ones do not", async () => {
  const alice = await generateKeyPair("Ed25519");
  const mallory = await generateKeyPair("Ed25519");
  const signature = await alice.sign(_message);
  const imported = cachedPublicKeys();
  equal(await alice.publicKey.verify(_message, signature), true);
  equal(cachedPublicKeys(), imported + 1, "verify imports the key into the table once");
  equal(await alice.publicKey.verify(_message, signature), true);
  equal(cachedPublicKeys(), imported + 1);
  // Both keys get imported, so a mix-up in the table would show below.
  equal(await mallory.publicKey.verify(_message, await mallory.sign(_message)), true);
  equal(await alice.publicKey.verify(_message, signature), true);

  const otherData = Uint8Array.from(_message);
  otherData[0] ^= 1;
  equal(await alice.publicKey.verify(otherData, signature), false);
  const flipped = Uint8Array.from(signature);
  flipped[10] ^= 1;
  equal(await alice.publicKey.verify(_message, flipped), false);
  equal(await alice.publicKey.verify(_message, await mallory.sign(_message)), false);
  // A fresh key object for the same bytes (as gossipsub makes per message) reuses the import.
  const fromWire = publicKeyFromRaw(alice.publicKey.raw);
  equal(await fromWire.verify(_message, signature), true);
});

Deno.test("ed25519 cache: byte lists are accepted like plain bytes", async () => {
  const key = await generateKeyPair("Ed25519");
  const list = { subarray: () => _message };
  const signature = await key.sign(list as never);
  equal(await key.publicKey.verify(list as never, signature), true);
});

Deno.test("ed25519 cache: a wrong-length signature gets the library's own error", async () => {
  const key = await generateKeyPair("Ed25519");
  throws(() => key.publicKey.verify(_message, new Uint8Array(12)), /"sig" must be 64 bytes/);
});

Deno.test("ed25519 cache: an aborted signal stops signing and verifying", async () => {
  const key = await generateKeyPair("Ed25519");
  const signature = await key.sign(_message);
  const signal = AbortSignal.abort(new Error("stop now"));
  throws(() => key.sign(_message, { signal }), /stop now/);
  throws(() => key.publicKey.verify(_message, signature, { signal }), /stop now/);
});

Deno.test("ed25519 cache: the public key table stays bounded", () => {
  for (let i = 0; i < PUBLIC_KEY_CACHE_SIZE + 50; i++) {
    const { publicKey } = generateKeyPairSync("ed25519");
    const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
    publicKeyObject(new Uint8Array(raw));
  }
  ok(cachedPublicKeys() <= PUBLIC_KEY_CACHE_SIZE, `${cachedPublicKeys()} keys cached`);
});

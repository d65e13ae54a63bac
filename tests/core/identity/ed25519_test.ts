import { Buffer } from "node:buffer";
import { deepEqual, equal } from "@std/assert";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ed25519Sign, ed25519Verify } from "../../../core/identity/ed25519.ts";

Deno.test("native signatures are noble's signatures, and verify either way", () => {
  const secret = ed25519.utils.randomSecretKey();
  const pub = ed25519.getPublicKey(secret);
  const pubB64 = Buffer.from(pub).toString("base64");
  const message = new TextEncoder().encode('hive-envelope/1\n[1,"alice"]');
  const native = ed25519Sign(message, secret, pub);
  deepEqual([...native], [...ed25519.sign(message, secret)]);
  equal(ed25519Verify(native, message, pubB64), true);
  equal(ed25519.verify(native, message, pub), true);
  const changed = new Uint8Array(message);
  changed[0] ^= 1;
  equal(ed25519Verify(native, changed, pubB64), false);
  equal(ed25519Verify(native.subarray(1), message, pubB64), false, "short signature");
  equal(ed25519Verify(native, message, "AAAA"), false, "short key");
  equal(ed25519Verify(native, message, "not base64 at all!"), false);
});

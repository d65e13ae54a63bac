/**
 * The identity key as a libp2p key: the peer id and the protobuf private key match what libp2p
 * itself derives, so a daemon given the key has the identity's peer id.
 */
import { equal, throws } from "@std/assert";
import { privateKeyFromProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { Buffer } from "node:buffer";
import { generateKeyFile, identityFromKeyFile } from "../../../core/identity/identity.ts";
import {
  ed25519OfLibp2pKey,
  libp2pPrivateKey,
  peerIdOfBase64Key,
  peerIdOfKey,
} from "../../../core/identity/peer_key.ts";

Deno.test("an identity's peer id and libp2p key are libp2p's own", async () => {
  for (let i = 0; i < 5; i++) {
    const me = await identityFromKeyFile(await generateKeyFile("hap", `p${i}`), {
      role: "operator",
      capabilities: [],
    });
    const key = privateKeyFromProtobuf(libp2pPrivateKey(me.secretKey, me.publicKey));
    const expected = peerIdFromPrivateKey(key).toString();
    equal(peerIdOfKey(me.publicKey), expected);
    equal(peerIdOfBase64Key(me.public_key), expected);
    // The key signs as the identity: libp2p's signature verifies with the identity's public key.
    const data = new TextEncoder().encode("hello");
    const sig = await key.sign(data);
    equal(await key.publicKey.verify(data, sig), true);
    equal(Buffer.from(key.publicKey.raw).toString("base64"), me.public_key);
  }
});

Deno.test("malformed keys are refused", () => {
  equal(peerIdOfBase64Key(Buffer.alloc(31).toString("base64")), null);
  equal(peerIdOfBase64Key("not base64 at all!"), null);
  throws(() => peerIdOfKey(new Uint8Array(33)), TypeError);
  throws(() => libp2pPrivateKey(new Uint8Array(32), new Uint8Array(31)), TypeError);
});

Deno.test("a libp2p Ed25519 key file reads back as its key pair; anything else is null", async () => {
  const { generateKeyPair, privateKeyToProtobuf } = await import("@libp2p/crypto/keys");
  const key = await generateKeyPair("Ed25519");
  const pair = ed25519OfLibp2pKey(privateKeyToProtobuf(key));
  if (!pair) throw new Error("libp2p's own Ed25519 key file was not read");
  equal(
    Buffer.from(pair.publicKey).toString("hex"),
    Buffer.from(key.publicKey.raw).toString("hex"),
  );
  equal(
    Buffer.from(libp2pPrivateKey(pair.secretKey, pair.publicKey)).toString("hex"),
    Buffer.from(privateKeyToProtobuf(key)).toString("hex"),
    "the inverse of libp2pPrivateKey",
  );
  const damaged = privateKeyToProtobuf(key).slice();
  damaged[67] ^= 1;
  equal(ed25519OfLibp2pKey(damaged), null, "a public half that is not the secret's");
  const secp = await generateKeyPair("secp256k1");
  equal(ed25519OfLibp2pKey(privateKeyToProtobuf(secp)), null, "another kind of key");
  equal(ed25519OfLibp2pKey(new Uint8Array(10)), null, "too short");
});

import { deepEqual, equal, ok, throws } from "@std/assert";
import {
  checkMessage,
  fromHex,
  publicKeyOf,
  recoverSigner,
  signMessage,
  toHex,
  zbase32Decode,
  zbase32Encode,
} from "../../../adapters/lightning/signmessage.ts";
import vectors from "../../../fixtures/cl_hive/signmessage_vectors.json" with { type: "json" };

Deno.test("zbase32 round-trips bytes of every length and rejects foreign characters", () => {
  for (let n = 0; n < 70; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
    deepEqual(zbase32Decode(zbase32Encode(bytes)), bytes);
  }
  equal(zbase32Encode(new Uint8Array(65)).length, 104);
  throws(() => zbase32Decode("0lv2"), TypeError);
});

Deno.test("signmessage round trip: the signer's key verifies, any other key does not", () => {
  const key = new Uint8Array(32).fill(7);
  const other = new Uint8Array(32).fill(8);
  const { zbase, signature, recid } = signMessage("hive ticket", key);
  equal(zbase.length, 104);
  equal(signature.length, 128);
  ok(recid === "00" || recid === "01");
  deepEqual(checkMessage("hive ticket", zbase, publicKeyOf(key)), {
    verified: true,
    pubkey: publicKeyOf(key),
  });
  equal(checkMessage("hive ticket", zbase, publicKeyOf(other)).verified, false);
  equal(checkMessage("hive ticket!", zbase, publicKeyOf(key)).verified, false);
  equal(checkMessage("hive ticket", zbase).pubkey, publicKeyOf(key));
  equal(recoverSigner("x", "not zbase!"), null);
});

Deno.test("published Core Lightning checkmessage examples verify against their keys", () => {
  for (const v of vectors.checkmessage) {
    const result = checkMessage(v.message, v.zbase, v.pubkey);
    equal(result.verified, true, `${v.source}: ${v.message}`);
    // The same signature over another message recovers some other key.
    equal(checkMessage(v.message + ".", v.zbase, v.pubkey).verified, false);
  }
});

Deno.test("signing is deterministic (RFC 6979), as Core Lightning's is", () => {
  const key = fromHex("11".repeat(32));
  equal(signMessage("same", key).zbase, signMessage("same", key).zbase);
  equal(toHex(fromHex("00ff10")), "00ff10");
  throws(() => fromHex("abc"), TypeError);
});

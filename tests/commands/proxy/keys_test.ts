/**
 * API keys: generated keys, hashed keys file (0600, no key in clear), `HIVE_PROXY_KEYS` parsing
 * with errors naming the entry, and verification.
 *
 * @module
 */
import { equal, match, ok, throws } from "@std/assert";
import {
  addKeyToFile,
  generateKey,
  hashKey,
  KeyRing,
  loadKeysFile,
  parseEnvKeys,
} from "../../../commands/proxy/keys.ts";
import { ConfigError } from "../../../core/errors.ts";
import { rejection } from "../../_helpers.ts";

Deno.test("keys add writes a hash to a 0600 file and the key verifies", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sub/keys.yaml`;
    const key = await addKeyToFile(path, { name: "ci", scope: "write" });
    match(key, /^hive_[A-Za-z0-9_-]{43}$/);
    const text = await Deno.readTextFile(path);
    ok(!text.includes(key), "no key in clear");
    ok(text.includes(hashKey(key)), "its hash instead");
    equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const dup = await rejection(addKeyToFile(path, { name: "ci", scope: "read" }), ConfigError);
    match(dup.message, /exists already/);
    await addKeyToFile(path, { name: "viewer", scope: "read" });
    const ring = new KeyRing();
    await loadKeysFile(path, ring);
    equal(ring.size, 2);
    equal(ring.verify(key)?.name, "ci");
    equal(ring.verify(key)?.scope, "write");
    equal(ring.verify(key + "x"), null);
    equal(ring.verify(""), null);
    equal(ring.verify(generateKey()), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing keys file adds nothing; a bad one names the field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ring = new KeyRing();
    await loadKeysFile(`${dir}/none.yaml`, ring);
    equal(ring.size, 0);
    await Deno.writeTextFile(
      `${dir}/bad.yaml`,
      "keys:\n  - name: x\n    scope: admin\n    hash: abc\n",
    );
    const error = await rejection(loadKeysFile(`${dir}/bad.yaml`, ring), ConfigError);
    match(error.message, /keys\[0\]\.scope/);
    match(error.message, /keys\[0\]\.hash: expected sha256/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HIVE_PROXY_KEYS: name:scope:key entries, errors name the entry", () => {
  const ring = new KeyRing();
  parseEnvKeys(
    "a:write:0123456789012345678901234567, b:read:abcdefghijklmnopqrstuvwxyz:with:colons",
    ring,
  );
  equal(ring.verify("0123456789012345678901234567")?.name, "a");
  equal(ring.verify("abcdefghijklmnopqrstuvwxyz:with:colons")?.scope, "read");
  throws(() => parseEnvKeys("c:admin:0123456789012345678901234567", new KeyRing()), /\[0\]: scope/);
  throws(
    () => parseEnvKeys("ok:read:0123456789012345678901234567,d:read:short", new KeyRing()),
    /HIVE_PROXY_KEYS\[1\] \(d\): expected a key of 24/,
  );
  throws(
    () =>
      parseEnvKeys(
        "a:read:0123456789012345678901234567,a:write:0123456789012345678901234568",
        new KeyRing(),
      ),
    /defined twice/,
  );
});

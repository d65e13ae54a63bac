import { deepEqual, equal, match, notEqual, ok, rejects } from "@std/assert";
import {
  KeyFilePermissionError,
  loadOrCreateIdentity,
  publicOf,
  readKeyFile,
} from "../../../core/identity/identity.ts";
import { ConfigError } from "../../../core/errors.ts";
import { rejection } from "../../_helpers.ts";

Deno.test("a new key file is created with mode 0600 and the same identity loads again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/keys/hap.key`;
    const a = await loadOrCreateIdentity({
      path,
      kind: "hap",
      role: "operator",
      capabilities: ["chat"],
    });
    equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    match(a.id, /^hap-[0-9a-f]{8}$/);
    match(a.recipient, /^age1[0-9a-z]{58}$/);
    equal(a.publicKey.length, 32);
    const b = await loadOrCreateIdentity({
      path,
      kind: "hap",
      role: "operator",
      capabilities: ["chat"],
    });
    equal(b.id, a.id);
    equal(b.public_key, a.public_key);
    equal(b.recipient, a.recipient);
    deepEqual(Object.keys(publicOf(b)).sort(), [
      "capabilities",
      "id",
      "kind",
      "public_key",
      "recipient",
      "role",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a key file readable by others is refused with the chmod that fixes it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/hap.key`;
    await loadOrCreateIdentity({ path, kind: "hap", role: "operator", capabilities: [] });
    await Deno.chmod(path, 0o644);
    const error = await rejection(readKeyFile(path), KeyFilePermissionError);
    match(error.message, /mode 0644/);
    match(error.message, new RegExp(`chmod 600 ${path}`));
    equal(error.exitCode, 2);
    await Deno.chmod(path, 0o600);
    ok(await readKeyFile(path));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a key file of another kind or another id is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/a.key`;
    const a = await loadOrCreateIdentity({
      path,
      kind: "agent",
      role: "agent",
      capabilities: [],
      id: "bot-1",
    });
    equal(a.id, "bot-1");
    await rejects(
      loadOrCreateIdentity({ path, kind: "hap", role: "operator", capabilities: [] }),
      ConfigError,
    );
    const e = await rejection(
      loadOrCreateIdentity({ path, kind: "agent", role: "agent", capabilities: [], id: "bot-2" }),
      ConfigError,
    );
    match(e.message, /"bot-1", not "bot-2"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a corrupt key file names the file and the field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.key`;
    await Deno.writeTextFile(path, JSON.stringify({ version: 1, id: "x", kind: "hap" }), {
      mode: 0o600,
    });
    const e = await rejection(readKeyFile(path), ConfigError);
    match(e.message, /bad\.key/);
    match(e.message, /ed25519_secret/);
    const other = await loadOrCreateIdentity({
      path: `${dir}/c.key`,
      kind: "hap",
      role: "r",
      capabilities: [],
    });
    notEqual(other.id, "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a new key file takes a given Ed25519 secret key; an existing file ignores it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/agent.key`;
    const secretKey = crypto.getRandomValues(new Uint8Array(32));
    const options = { path, kind: "agent" as const, role: "agent", capabilities: [] };
    const a = await loadOrCreateIdentity({ ...options, secretKey });
    deepEqual([...a.secretKey], [...secretKey]);
    const again = await loadOrCreateIdentity({
      ...options,
      secretKey: crypto.getRandomValues(new Uint8Array(32)),
    });
    equal(again.public_key, a.public_key, "the file's key wins");
    await rejects(
      loadOrCreateIdentity({ ...options, path: `${dir}/b.key`, secretKey: new Uint8Array(31) }),
      TypeError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The persistent Ed25519 identity file. */
import { equal, match, notEqual } from "@std/assert";
import { loadOrCreateIdentity } from "../../../commands/daemon/identity.ts";
import { ConfigError } from "../../../core/errors.ts";
import { rejection } from "../../_helpers.ts";

Deno.test("identity: created 0600 in a new folder, then reloaded with the same peer id", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/deep/er/identity.key`;
    const first = await loadOrCreateIdentity(path);
    equal(first.created, true);
    match(first.peerId, /^12D3KooW/);
    equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const again = await loadOrCreateIdentity(path);
    equal(again.created, false);
    equal(again.peerId, first.peerId);
    const other = await loadOrCreateIdentity(`${dir}/other.key`);
    notEqual(other.peerId, first.peerId);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("identity: a readable-by-others file is tightened to 0600", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/identity.key`;
    await loadOrCreateIdentity(path);
    await Deno.chmod(path, 0o644);
    await loadOrCreateIdentity(path);
    equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("identity: garbage is a ConfigError naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/identity.key`;
    await Deno.writeFile(path, new TextEncoder().encode("definitely not a key"), { mode: 0o600 });
    const error = await rejection(loadOrCreateIdentity(path), ConfigError);
    match(error.message, new RegExp(`identity ${path}: not a protobuf-encoded private key`));
    equal(error.exitCode, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

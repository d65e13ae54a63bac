/**
 * A daemon's libp2p key set from an identity: written where there is none (0600, readable by
 * libp2p as the same peer), left alone when it is already that key, and a different key kept or
 * replaced as the caller asks.
 */
import { deepEqual, equal } from "@std/assert";
import { privateKeyFromProtobuf } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { giveDaemonKey, readDaemonKey } from "../../../../adapters/p2p/daemon/daemon_key.ts";
import { generateKeyFile, identityFromKeyFile } from "../../../../core/identity/identity.ts";
import { peerIdOfKey } from "../../../../core/identity/peer_key.ts";

async function _identity(id: string) {
  return await identityFromKeyFile(await generateKeyFile("agent", id), {
    role: "agent",
    capabilities: [],
  });
}

Deno.test("giveDaemonKey: written, same, kept, replaced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = `${dir}/data`;
    const me = await _identity("me");
    equal(await readDaemonKey(data), null, "no key yet");
    equal(await giveDaemonKey(data, me, { replace: false }), "written");
    equal((await Deno.stat(`${data}/identity.key`)).mode! & 0o777, 0o600);
    equal((await Deno.stat(data)).mode! & 0o777, 0o700);
    const bytes = await Deno.readFile(`${data}/identity.key`);
    equal(
      peerIdFromPrivateKey(privateKeyFromProtobuf(bytes)).toString(),
      peerIdOfKey(me.publicKey),
    );
    deepEqual((await readDaemonKey(data))!.publicKey, me.publicKey);
    equal(await giveDaemonKey(data, me, { replace: false }), "same");

    const other = await _identity("other");
    equal(await giveDaemonKey(data, other, { replace: false }), "kept");
    deepEqual(await Deno.readFile(`${data}/identity.key`), bytes, "the old key is untouched");
    await Deno.chmod(`${data}/identity.key`, 0o644);
    equal(await giveDaemonKey(data, other, { replace: true }), "written");
    deepEqual((await readDaemonKey(data))!.publicKey, other.publicKey);
    equal((await Deno.stat(`${data}/identity.key`)).mode! & 0o777, 0o600, "and made 0600");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

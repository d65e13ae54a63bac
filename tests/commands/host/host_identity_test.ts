/**
 * The host's identity and its daemon's key: one key on a new data dir and on a data dir from
 * before identities (the daemon's peer id stays), two keys kept on a data dir that has both, and
 * an attached daemon's data dir never read nor written.
 */
import { deepEqual, equal, notDeepEqual, ok } from "@std/assert";
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { readDaemonKey } from "../../../adapters/p2p/daemon/daemon_key.ts";
import {
  adoptDaemonKey,
  hostKeyPath,
  loadHostIdentity,
} from "../../../commands/host/host_identity.ts";
import { memoryLogger } from "../hap/_mesh.ts";
import { Rbac, rbacConfigSchema } from "../../../core/rbac/rbac.ts";

const rbac = new Rbac(rbacConfigSchema.parse({}));

async function _oldDaemonKey(dataDir: string): Promise<Uint8Array> {
  await Deno.mkdir(dataDir, { recursive: true });
  const bytes = privateKeyToProtobuf(await generateKeyPair("Ed25519"));
  await Deno.writeFile(`${dataDir}/identity.key`, bytes, { mode: 0o600 });
  return bytes;
}

Deno.test("host identity: a new data dir gets one key for the identity and the daemon", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { logger, lines } = memoryLogger();
    const me = await loadHostIdentity({ dataDir: dir, supervised: true, rbac });
    equal(me.kind, "agent");
    equal(me.role, "agent");
    equal(await adoptDaemonKey(dir, me, logger), "written");
    deepEqual((await readDaemonKey(dir))!.publicKey, me.publicKey);
    ok(lines.some((l) => l.includes("daemon key set to the identity key")));
    // A restart finds both and changes nothing.
    const again = await loadHostIdentity({ dataDir: dir, supervised: true, rbac });
    equal(again.public_key, me.public_key);
    equal(await adoptDaemonKey(dir, again, logger), "same");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("host identity: a data dir from before identities keeps its daemon's peer id", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const old = await _oldDaemonKey(dir);
    const me = await loadHostIdentity({ dataDir: dir, supervised: true, rbac });
    deepEqual(me.publicKey, (await readDaemonKey(dir))!.publicKey, "made from the daemon's key");
    equal(await adoptDaemonKey(dir, me, memoryLogger().logger), "same");
    deepEqual(await Deno.readFile(`${dir}/identity.key`), old, "the daemon's key is untouched");
    equal((await Deno.stat(hostKeyPath(dir))).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("host identity: two different keys are both kept, and the log says how to switch", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const me = await loadHostIdentity({ dataDir: dir, supervised: true, rbac });
    const old = await _oldDaemonKey(dir);
    const { logger, lines } = memoryLogger();
    equal(await adoptDaemonKey(dir, me, logger), "kept");
    deepEqual(await Deno.readFile(`${dir}/identity.key`), old);
    ok(
      lines.some((l) => l.includes("envelopes carry their own signature") && l.includes("remove")),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("host identity: with an attached daemon the data dir's daemon key is not taken", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await _oldDaemonKey(dir);
    const me = await loadHostIdentity({ dataDir: dir, supervised: false, rbac });
    notDeepEqual(me.publicKey, (await readDaemonKey(dir))!.publicKey);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

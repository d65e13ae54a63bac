/**
 * Bench helper: a libp2p node on loopback with the daemon's own settings (config defaults plus
 * the flags the daemon tests pass), so in-process and two-process baselines differ from the
 * daemon path only in the IPC hop.
 *
 * @module
 */
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { createP2PNode, type P2PNode } from "../../adapters/p2p/mod.ts";
import { daemonConfigSchema, daemonRunSchema } from "../../commands/daemon/config.ts";
import { nodeOptions } from "../../commands/daemon/run.ts";

/** Start a node with a fresh key; `dataDir` only fills the settings (nothing is written). */
export async function createBenchNode(dataDir: string): Promise<P2PNode> {
  const run = daemonRunSchema.parse({
    ...daemonConfigSchema.parse({}),
    listen: ["/ip4/127.0.0.1/tcp/0"],
    mdns: false,
    data_dir: dataDir,
    identity: `${dataDir}/unused.key`,
  });
  return await createP2PNode(
    nodeOptions(run, privateKeyToProtobuf(await generateKeyPair("Ed25519"))),
  );
}

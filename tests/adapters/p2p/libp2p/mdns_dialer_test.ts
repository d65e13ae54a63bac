/**
 * The mDNS dialer's bookkeeping with a stand-in node: one dial per find, none for connected
 * peers, failures counted, pending dials cancelled by stop. (Real mDNS between two hosts is
 * tested in tests/commands/daemon/mdns_test.ts.)
 */
import { equal } from "@std/assert";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import type { PeerId } from "@libp2p/interface";
import {
  MDNS_DIAL_DELAY_MS,
  MDNS_DIAL_JITTER_MS,
  MdnsDialer,
} from "../../../../adapters/p2p/libp2p/mdns_dialer.ts";

async function _peer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair("Ed25519"));
}

/** A dialer whose target is never connected and answers each dial with `outcome()`. */
function _countingDialer(
  outcome: () => Promise<unknown>,
): { dialer: MdnsDialer; attempts(): number } {
  let attempts = 0;
  const dialer = new MdnsDialer();
  dialer.attach({
    connections: () => 0,
    dial: () => {
      attempts++;
      return outcome();
    },
  });
  return { dialer, attempts: () => attempts };
}

const _settle = () =>
  new Promise((r) => setTimeout(r, MDNS_DIAL_DELAY_MS + MDNS_DIAL_JITTER_MS + 50));

Deno.test("mdns dialer: a peer found twice is dialled once; connected peers are left alone", async () => {
  const dialled: string[] = [];
  const connected = new Set<string>();
  const dialer = new MdnsDialer();
  dialer.attach({
    connections: (peer) => (connected.has(peer.toString()) ? 1 : 0),
    dial: (peer) => {
      dialled.push(peer.toString());
      connected.add(peer.toString());
      return Promise.resolve();
    },
  });
  const fresh = await _peer();
  const known = await _peer();
  connected.add(known.toString());
  dialer.found({ id: fresh, multiaddrs: [] });
  dialer.found({ id: fresh, multiaddrs: [] });
  dialer.found({ id: known, multiaddrs: [] });
  await _settle();
  equal(dialled.join(), fresh.toString());
  dialer.found({ id: fresh, multiaddrs: [] }); // announced again while connected
  await _settle();
  equal(dialled.length, 1);
  dialer.stop();
});

Deno.test("mdns dialer: failed dials are counted and retried on the next find", async () => {
  const { dialer, attempts } = _countingDialer(() =>
    Promise.reject(new Error("unreachable address"))
  );
  const peer = await _peer();
  dialer.found({ id: peer, multiaddrs: [] });
  await _settle();
  dialer.found({ id: peer, multiaddrs: [] });
  await _settle();
  equal(attempts(), 2);
  equal(dialer.failures, 2);
  dialer.stop();
});

Deno.test("mdns dialer: stop cancels dials still waiting and ignores later finds", async () => {
  const { dialer, attempts } = _countingDialer(() => Promise.resolve());
  dialer.found({ id: await _peer(), multiaddrs: [] });
  dialer.stop();
  dialer.found({ id: await _peer(), multiaddrs: [] });
  await _settle();
  equal(attempts(), 0);
});

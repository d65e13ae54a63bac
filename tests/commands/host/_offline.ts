/**
 * Test support: a P2P facade for agent lifecycle tests that never reach the network. Every call
 * fails the way a host with its daemon down fails, so an agent that does use P2P is noticed.
 *
 * @module
 */
import type { P2PFacade } from "../../../commands/host/agent.ts";
import { HiveError } from "../../../core/errors.ts";

/** A facade whose daemon is down. */
export function offlineP2P(): P2PFacade {
  const down = () => Promise.reject(new HiveError("daemon down (test)", { code: "daemon_down" }));
  return { peerId: () => null, publish: down, subscribe: down, peers: down };
}

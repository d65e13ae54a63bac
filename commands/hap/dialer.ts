/**
 * Peers named by address only (`--bootstrap /dns4/hive-host/tcp/4001`, without
 * `/p2p/<peer-id>`). A daemon's own bootstrap list needs the peer id, which a Deployment cannot
 * know before the other side has made its key; so the portal asks its daemon to dial the
 * address, learns the peer id from the handshake, and dials again with backoff whenever that
 * peer is gone (it restarted, or the daemon did).
 *
 * @example
 * ```ts
 * import { AddressDialer } from "./dialer.ts";
 * const dialer = new AddressDialer({ addrs: ["/dns4/hive-host/tcp/4001"], dial, p2p, logger });
 * dialer.start();
 * ```
 * @module
 */
import type { P2P } from "../../adapters/p2p/types.ts";
import type { Logger } from "../../core/logger.ts";

/** Options for {@link AddressDialer}. */
export interface AddressDialerOptions {
  /** Multiaddrs without a peer id. */
  addrs: string[];
  /** Dial one through the daemon; resolves to the peer id it reached. */
  dial: (addr: string) => Promise<string>;
  /** Where peer and daemon events come from. */
  p2p: Pick<P2P, "on">;
  logger: Logger;
  /** First retry delay, doubled up to `maxMs`. Default 1000 ms. */
  initialMs?: number;
  /** Largest retry delay. Default 30 000 ms. */
  maxMs?: number;
}

/** One address's state, as {@link AddressDialer.status} reports it. */
export interface DialedAddress {
  addr: string;
  /** Peer id learned from the last successful dial. */
  peer_id: string | null;
  connected: boolean;
  attempts: number;
}

interface _Entry extends DialedAddress {
  delayMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  dialing: boolean;
}

/** Keeps address-only bootstrap peers connected. */
export class AddressDialer {
  readonly #entries: _Entry[];
  readonly #options: AddressDialerOptions;
  readonly #initialMs: number;
  readonly #maxMs: number;
  #off: (() => void) | undefined;
  #stopped = false;

  constructor(options: AddressDialerOptions) {
    this.#options = options;
    this.#initialMs = options.initialMs ?? 1000;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#entries = options.addrs.map((addr) => ({
      addr,
      peer_id: null,
      connected: false,
      attempts: 0,
      delayMs: this.#initialMs,
      timer: undefined,
      dialing: false,
    }));
  }

  /** Dial every address now, and again whenever its peer is lost. */
  start(): void {
    this.#off = this.#options.p2p.on((event) => {
      if (event.type === "peer_disconnected") {
        for (const e of this.#entries) {
          if (e.peer_id === event.peer_id && e.connected) this.#lost(e);
        }
      } else if (event.type === "up") {
        // A restarted daemon has no connections: dial everything again.
        for (const e of this.#entries) this.#lost(e);
      }
    });
    for (const e of this.#entries) void this.#dial(e);
  }

  /** Stop dialling. */
  stop(): void {
    this.#stopped = true;
    this.#off?.();
    for (const e of this.#entries) clearTimeout(e.timer);
  }

  /** Each address, its peer and whether it is connected. */
  status(): DialedAddress[] {
    return this.#entries.map(({ addr, peer_id, connected, attempts }) => ({
      addr,
      peer_id,
      connected,
      attempts,
    }));
  }

  #lost(e: _Entry): void {
    e.connected = false;
    e.delayMs = this.#initialMs;
    this.#schedule(e, 0);
  }

  #schedule(e: _Entry, ms: number): void {
    if (this.#stopped || e.timer !== undefined) return;
    e.timer = setTimeout(() => {
      e.timer = undefined;
      void this.#dial(e);
    }, ms);
  }

  async #dial(e: _Entry): Promise<void> {
    if (this.#stopped || e.dialing || e.connected) return;
    e.dialing = true;
    e.attempts++;
    try {
      e.peer_id = await this.#options.dial(e.addr);
      e.connected = true;
      e.delayMs = this.#initialMs;
      this.#options.logger.info("bootstrap address connected", {
        addr: e.addr,
        peer_id: e.peer_id,
      });
    } catch (error) {
      this.#options.logger.debug("bootstrap address unreachable", {
        addr: e.addr,
        retry_in_ms: e.delayMs,
        error: (error as Error).message,
      });
      this.#schedule(e, e.delayMs);
      e.delayMs = Math.min(e.delayMs * 2, this.#maxMs);
    } finally {
      e.dialing = false;
    }
  }
}

/**
 * What a link does to the bytes crossing it, as pure arithmetic the relay applies per chunk:
 * serialisation on shared host up/down links ({@link Pacer}), one-way latency with jitter,
 * and a retransmission round trip per lost segment (the DES's loss model, so both engines
 * charge loss alike). TCP delivers in order, so no chunk is delivered before the one ahead.
 *
 * @module
 */
import { cappedLoss, MAX_LINK_LOSS } from "../../link_loss.ts";
import type { SimEdge } from "../../types.ts";

/** How one direction of a link treats bytes. */
export interface LinkShape {
  /** One-way latency in milliseconds. */
  latencyMs: number;
  /** Standard deviation of a normal jitter added per chunk (clipped at 0 delay). Default 0. */
  jitterMs?: number;
  /** Chance each segment is lost (0..0.99); each loss costs one round trip. Default 0. */
  loss?: number;
}

/** What a scenario edge gives each direction of its link (its loss capped, see `link_loss.ts`). */
export function edgeShape(e: SimEdge): Required<LinkShape> {
  return { latencyMs: e.latencyMs, jitterMs: e.jitterMs ?? 0, loss: cappedLoss(e.packetLoss) };
}

/** Bytes per TCP segment on loopback-sized paths (1500 MTU less IP and TCP headers). */
export const SEGMENT_BYTES = 1448;

/**
 * A host's uplink or downlink: bytes are serialised one after another at `bps`, shared by
 * every link of the host that uses it.
 *
 * @example
 * ```ts
 * const up = new Pacer(8_000_000); // 1 MB/s
 * up.reserve(0, 1000); // 1 (ms): the first 1000 bytes leave by t = 1 ms
 * up.reserve(0, 1000); // 2: the next ones queue behind them
 * ```
 */
export class Pacer {
  #nextFreeMs = -Infinity;

  /** `bps`: bits per second; 0 or Infinity means unlimited. */
  constructor(readonly bps: number) {}

  /** Milliseconds `bytes` take on this link. */
  durationMs(bytes: number): number {
    return this.bps > 0 && Number.isFinite(this.bps) ? (bytes * 8 * 1000) / this.bps : 0;
  }

  /**
   * Book `bytes` on the link no earlier than `atMs`; returns when their last bit has passed.
   */
  reserve(atMs: number, bytes: number): number {
    const start = Math.max(atMs, this.#nextFreeMs);
    this.#nextFreeMs = start + this.durationMs(bytes);
    return this.#nextFreeMs;
  }
}

/** A small seeded PRNG (mulberry32): the same seed draws the same jitter and losses. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What {@link Shaper.schedule} decided for one chunk. */
export interface ChunkPlan {
  /** When the chunk may be written to the far side (ms, the clock of the caller). */
  deliverAtMs: number;
  /** Segments of the chunk lost (and retransmitted) on the way. */
  lost: number;
}

/** Options for {@link Shaper}. */
export interface ShaperOptions {
  shape: LinkShape;
  /** The sender's uplink, shared with its other links. */
  up?: Pacer;
  /** The receiver's downlink, shared with its other links. */
  down?: Pacer;
  /** Seed of the jitter and loss draws. */
  seed?: number;
}

/** One direction of one link: turns "n bytes read at t" into "deliver at t'". */
export class Shaper {
  readonly #shape: LinkShape;
  readonly #up?: Pacer;
  readonly #down?: Pacer;
  readonly #random: () => number;
  #lastMs = -Infinity;

  constructor(options: ShaperOptions) {
    const loss = options.shape.loss ?? 0;
    if (!(options.shape.latencyMs >= 0) || !(loss >= 0 && loss <= MAX_LINK_LOSS)) {
      throw new RangeError(
        `link shape: expected latencyMs >= 0 and loss in 0..${MAX_LINK_LOSS}, got ` +
          `${options.shape.latencyMs} and ${loss}`,
      );
    }
    this.#shape = options.shape;
    this.#up = options.up;
    this.#down = options.down;
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** Plan the delivery of `bytes` read at `nowMs`. */
  schedule(nowMs: number, bytes: number): ChunkPlan {
    const { latencyMs, jitterMs = 0, loss = 0 } = this.#shape;
    const sent = this.#up ? this.#up.reserve(nowMs, bytes) : nowMs;
    let delay = latencyMs;
    if (jitterMs > 0) delay = Math.max(0, delay + jitterMs * this.#normal());
    let lost = 0;
    if (loss > 0) {
      // Each segment is sent until it gets through; every failed try costs a round trip.
      const segments = Math.ceil(bytes / SEGMENT_BYTES);
      for (let s = 0; s < segments; s++) {
        // Bounded: at MAX_LINK_LOSS the expected tries are 100; the cap stops a freak run.
        for (let tries = 0; tries < 10_000 && this.#random() < loss; tries++) lost++;
      }
    }
    const arrived = sent + delay + lost * 2 * latencyMs;
    const received = this.#down
      ? this.#down.reserve(arrived - this.#down.durationMs(bytes), bytes)
      : arrived;
    this.#lastMs = Math.max(this.#lastMs, received);
    return { deliverAtMs: this.#lastMs, lost };
  }

  /** A standard normal draw (Box-Muller). */
  #normal(): number {
    const u = Math.max(this.#random(), Number.MIN_VALUE);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.#random());
  }
}

/**
 * Factory of the lightning port: pick an implementation by name.
 *
 * @example
 * ```ts
 * import { createSimNet } from "./mod.ts";
 * const net = createSimNet({ nodes: 3, seed: 7 });
 * const info = await net.nodes[0].getinfo();
 * ```
 * @module
 */
import { SimNet, type SimNetOptions } from "./simnet.ts";
import { LIGHTNING_BACKENDS, type LightningBackend } from "./types.ts";

export type * from "./types.ts";
export { LIGHTNING_BACKENDS } from "./types.ts";
export { Prng, SimNet, type SimNetOptions, type SimNetStats, SimNode } from "./simnet.ts";

/** A simulated network of N nodes (the `simnet` backend). */
export function createSimNet(options: SimNetOptions): SimNet {
  return new SimNet(options);
}

/** Throw unless `name` is a backend this build has; `cln` is the next issue's. */
export function assertBackend(name: string): LightningBackend {
  if (!(LIGHTNING_BACKENDS as readonly string[]).includes(name)) {
    throw new TypeError(
      `unknown lightning backend ${JSON.stringify(name)}; expected simnet or cln`,
    );
  }
  if (name === "cln") {
    throw new TypeError(
      "the cln backend (Core Lightning plugin mode) is not built yet; use simnet",
    );
  }
  return name as LightningBackend;
}

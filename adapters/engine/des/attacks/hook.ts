/**
 * The hook interface every attack of the discrete-event engine implements. The simulation calls
 * the hooks at the moments an attack may act on or observe (`attacks.ts` dispatches them); each
 * attack implements only the hooks it needs, in its own file beside this one.
 *
 * @module
 */
import type { SimAttack } from "../../types.ts";
import { type DesNetwork, roundTime } from "../network.ts";

/** One attack of a run, as a state machine driven by the simulation. */
export interface DesAttack {
  readonly kind: SimAttack["kind"];
  /** Counts for `stopWhenAttacksResolved` (has an outcome the run can wait for). */
  readonly resolvable: boolean;
  /** True once a resolvable attack has its outcome. */
  readonly resolved: boolean;
  /** Queue the attack's own events: `push(time, phase)`; `onEvent(phase)` follows. */
  schedule?(push: (time: number, phase: number) => void): void;
  /** A scheduled event of this attack. */
  onEvent?(phase: number): void;
  /** A block mined in public by `miner`. */
  onPublicMined?(miner: number, block: number): void;
  /** Node `node` reorged by `depth` blocks. */
  onReorg?(node: number, depth: number): void;
  /** Node `node` has a new tip. */
  onTipChange?(node: number): void;
  /** An eclipse attacker dropped an honest block bound for `to`. */
  onWithheld?(from: number, to: number): void;
  /** An eclipse attacker held an honest block bound for `to`. */
  onDelayed?(from: number, to: number): void;
  /** A sybil saw transaction `tx` arrive from `from`. */
  onSpy?(spy: number, tx: number, from: number): void;
  /** Periodic sample. */
  onSample?(): void;
  /** End of run: emit the outcome if it was not emitted yet. */
  finish(): void;
  /** The outcome as it stands (for the summary). */
  outcome(): Record<string, unknown>;
}

/** What an attack is built from. */
export interface DesAttackInit<S> {
  net: DesNetwork;
  spec: S;
  /** Node index of a host named in the spec; `field` names it in the error. */
  node(name: string, field: string): number;
  /** Emit this attack's `attack` event. */
  emit(host: string, outcome: Record<string, unknown>): void;
}

/** Emit an `attack` RunEvent for `kind` at the current time. */
export function emitAttack(
  net: DesNetwork,
  kind: SimAttack["kind"],
  host: string,
  outcome: Record<string, unknown>,
): void {
  net.emit({ ts: roundTime(net.now), host, event: "attack", attack: kind, outcome });
}

/** Round a fraction to 4 decimals, as outcomes report them. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

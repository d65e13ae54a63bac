/**
 * Which links path a local run takes, decided before its hosts are placed: the namespace path
 * gives each host an address of its own subnet, so placement needs the answer.
 *
 * - `ideal` when asked, or (`auto`) when the model's links carry no latency, jitter or loss.
 * - `netns` when asked (refused, exit 2, naming what is missing: root, `ip`, `tc`, a kernel
 *   piece, or room in one /24), or (`auto`) when all of that is there and the
 *   kernel has `netem`, so the kernel carries the whole link. Without `netem` the namespaces
 *   would only add the kernel's bandwidth shaping to the relays, so `auto` does not change the
 *   machine's interfaces for that: it is there for whoever asks.
 * - `relay` otherwise: userspace relays on loopback, no root needed.
 *
 * @example
 * ```ts
 * const decision = await decideLinks({ model, mode: "auto" });
 * decision.path; // "netns" as root on a kernel with veth, bridge, htb and netem, else "relay"
 * ```
 * @module
 */
import { ConfigError } from "../../../../core/errors.ts";
import type { SimModel } from "../../types.ts";
import { probeNetem } from "./netem.ts";
import {
  NETNS_MAX_HOSTS,
  type NetnsEnv,
  type NetnsPlan,
  netnsProblem,
  planNetns,
  sweepFabrics,
  SYSTEM_NETNS_ENV,
} from "./netns.ts";

/** Which path a run asks for: `auto` picks the best one available. */
export type LinksMode = "auto" | "relay" | "netns" | "ideal";

/** Which path a run took. */
export type LinksPath = "netns" | "relay" | "ideal";

/** What {@link decideLinks} found. */
export interface LinksDecision {
  path: LinksPath;
  /** Whether the kernel has `netem`, and why not. */
  netem: { available: boolean; reason: string };
  /** The namespace path's addressing (path `netns` only). */
  netns?: NetnsPlan;
  /** Why `auto` did not take the namespace path (path `relay` only). */
  notNetns?: string;
}

/** Options for {@link decideLinks}. */
export interface DecideLinksOptions {
  model: Pick<SimModel, "edges" | "hosts"> & Partial<Pick<SimModel, "attacks">>;
  /** Default `auto`. */
  mode?: LinksMode;
  /** Skip every probe (tests): no netem, no namespaces. */
  probe?: boolean;
  /** The machine (tests pass their own). */
  env?: NetnsEnv;
}

/** Decide the links path; throws {@link ConfigError} when `netns` is asked and cannot be. */
export async function decideLinks(o: DecideLinksOptions): Promise<LinksDecision> {
  const mode = o.mode ?? "auto";
  const shaped = o.model.edges.some((e) =>
    e.latencyMs > 0 || e.packetLoss > 0 || (e.jitterMs ?? 0) > 0
  );
  if (mode === "ideal" || (mode === "auto" && !shaped)) {
    const reason = mode === "ideal" ? "not probed: ideal links asked for" : "not probed";
    return { path: "ideal", netem: { available: false, reason } };
  }
  const env = o.env ?? SYSTEM_NETNS_ENV;
  const netem = o.probe === false ? { available: false, reason: "not probed" } : await probeNetem();
  if (mode === "relay") return { path: "relay", netem };
  const blocker = await _netnsBlocker(o, env);
  if (!blocker && mode === "auto" && !netem.available) {
    return {
      path: "relay",
      netem,
      notNetns: `netem is not available (${netem.reason}); --links netns adds per-link ` +
        "bandwidth in the kernel (tbf) to the relays",
    };
  }
  if (!blocker) {
    await sweepFabrics(env); // leftovers of killed runs free their subnets first
    return { path: "netns", netem, netns: await planNetns(o.model.hosts.length, env) };
  }
  if (mode === "netns") {
    throw new ConfigError(`--links netns: ${blocker}`, { code: "links_unavailable" });
  }
  return { path: "relay", netem, notNetns: blocker };
}

async function _netnsBlocker(
  o: DecideLinksOptions,
  env: NetnsEnv,
): Promise<string | null> {
  if (o.probe === false) return "not probed";
  if (o.model.hosts.length > NETNS_MAX_HOSTS) {
    return `at most ${NETNS_MAX_HOSTS} hosts (one /24 per run); the scenario has ${o.model.hosts.length}`;
  }
  return await netnsProblem(env);
}

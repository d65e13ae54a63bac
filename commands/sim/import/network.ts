/**
 * Monerosim's `network` section (switch, GML file, peer mode) and its reachability settings
 * (`enable_dns_server`, `fallback_seeds`) in hive's terms, for
 * `hive sim import monerosim`.
 *
 * @module
 */
import type { ReportBuilder } from "./report.ts";

type _Obj = Record<string, unknown>;

/** Monerosim's `network` section as hive's, each field reported. */
export function importNetwork(
  network: _Obj,
  seeds: string[],
  hosts: number,
  options: { baseDir: string },
  report: ReportBuilder,
): _Obj {
  const out: _Obj = {};
  const mode = String(network.peer_mode ?? "Dynamic").toLowerCase();
  const gml = typeof network.path === "string" ? network.path : undefined;
  if (network.type === "1_gbit_switch") {
    out.type = "1_gbit_switch";
    report.add("mapped", "network.type", "network.type");
  } else if (gml !== undefined) {
    const abs = gml.startsWith("/") ? gml : `${options.baseDir}/${gml}`;
    let exists = false;
    try {
      exists = Deno.statSync(abs).isFile;
    } catch {
      exists = false;
    }
    if (exists) {
      out.gml = abs;
      report.add("mapped", "network.path", `network.gml ${abs}`);
    } else {
      out.topology = hosts > 2 ? "scale_free(2)" : "mesh";
      report.add(
        "approximated",
        "network.path",
        `a generated network (topology ${out.topology}, 50 ms links)`,
        `${gml} is not beside the config; put it there and import again to use it`,
      );
    }
  }
  if (mode === "dynamic" || mode === "hybrid") {
    out.peer_mode = mode;
    out.seed_nodes = seeds;
    report.add(
      "approximated",
      "network.peer_mode",
      `peer_mode ${mode}, seed_nodes: the miners`,
      "Monerosim's seed selection is its own",
    );
  } else if (mode === "hardcoded") {
    out.peer_mode = "hardcoded";
    report.add("mapped", "network.peer_mode", "network.peer_mode");
  } else {
    report.add("unmapped", "network.peer_mode", undefined, `unknown mode ${mode}`);
  }
  for (const key of Object.keys(network)) {
    if (!["type", "path", "peer_mode"].includes(key)) {
      report.add("unmapped", `network.${key}`, undefined, "unknown field");
    }
  }
  return out;
}

/**
 * `enable_dns_server` becomes `network.dns_server`; `fallback_seeds` (monerod's built-in seed
 * IPs, hosted by Monerosim as extra hosts) becomes `network.fallback_seeds`: `off` none, `auto`
 * and `custom` the miners, which hive names instead of monerod's built-in addresses.
 */
export function importReachability(
  general: _Obj,
  network: _Obj,
  seeds: string[],
  report: ReportBuilder,
): void {
  if (general.enable_dns_server !== undefined) {
    network.dns_server = general.enable_dns_server === true;
    report.add("mapped", "general.enable_dns_server", "network.dns_server");
  }
  const mode = general.fallback_seeds;
  if (mode === undefined) return;
  if (mode === false || String(mode) === "off") {
    report.add("mapped", "general.fallback_seeds", "network.fallback_seeds: [] (none)");
  } else if (network.peer_mode === "hardcoded") {
    report.add("unmapped", "general.fallback_seeds", undefined, "hardcoded peers are exclusive");
  } else {
    network.fallback_seeds = [...seeds];
    report.add(
      "approximated",
      "general.fallback_seeds",
      "network.fallback_seeds: the miners",
      `${String(mode)}: hive's seeds are simulated hosts, not monerod's built-in seed IPs`,
    );
  }
}

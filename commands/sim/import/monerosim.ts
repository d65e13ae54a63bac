/**
 * `hive sim import monerosim`: turn a Monerosim configuration (its `general`, `network` and
 * `agents` with `script: agents.*`) into a hive scenario, and say for every field whether it
 * was mapped, approximated or could not be mapped. The result validates and generates as is:
 * what hive cannot express is left out and reported, never written half-right.
 *
 * @example
 * ```ts
 * import { importMonerosim } from "./monerosim.ts";
 * const r = importMonerosim("general: { stop_time: 1h }\nagents: {}\n", { baseDir: "." });
 * console.log(r.yaml, r.report.unmapped);
 * ```
 * @module
 */
import { parse as parseYaml, stringify } from "yaml";
import { ConfigError } from "../../../core/errors.ts";
import { importNetwork, importReachability } from "./network.ts";
import { type ImportReport, ReportBuilder as _Report } from "./report.ts";

export { formatImportReport, type ImportEntry, type ImportReport } from "./report.ts";

/** The converted scenario and its report. */
export interface ImportResult {
  scenario: Record<string, unknown>;
  yaml: string;
  report: ImportReport;
}

/** Options for {@link importMonerosim}. */
export interface ImportOptions {
  /** Folder of the Monerosim file (its `network.path` is relative to it). */
  baseDir: string;
  /** Scenario name (default: none, the file stem is used on load). */
  name?: string;
  /** Where the scenario will be written: a GML path is rewritten relative to it. */
  outDir?: string;
}

type _Obj = Record<string, unknown>;

const _MINER = "agents.autonomous_miner";
const _USER = "agents.regular_user";
const _MONITOR = "agents.simulation_monitor";
const _DISTRIBUTOR = "agents.miner_distributor";

function _obj(value: unknown): _Obj {
  return value && typeof value === "object" && !Array.isArray(value) ? value as _Obj : {};
}

/** A daemon_defaults entry as a monerod flag: `true` -> `--key`, `false` -> none. */
function _flag(key: string, value: unknown): string | null {
  if (value === false || value === null) return null;
  if (value === true) return `--${key}`;
  return `--${key}=${String(value)}`;
}

/** Monerosim durations are "30s", "5m", "4h" or seconds; hive reads the same forms. */
function _duration(value: unknown): string | number {
  return typeof value === "number" ? value : String(value).trim();
}

/**
 * Monerosim's daemon schedule (`daemon_0` ... `daemon_0_stop`, `daemon_1`, `daemon_1_start`,
 * `daemon_1_stop`, `daemon_2` ...) as upgrades: at each `daemon_K_stop` the node switches to
 * `daemon_K+1` (one upgrade as an object, several as a list). Hive starts each new daemon 10 s
 * after the old one stops, whatever `daemon_K+1_start` says.
 */
function _upgrade(a: _Obj, out: _Obj, report: _Report): void {
  if (a.daemon_0_stop === undefined || a.daemon_1 === undefined) {
    for (const f of Object.keys(a).filter((k) => /^daemon_\d/.test(k))) {
      report.add("unmapped", `agents.*.${f}`, undefined, "a schedule without a second daemon");
    }
    return;
  }
  const ups: _Obj[] = [];
  for (let k = 1; a[`daemon_${k}`] !== undefined && a[`daemon_${k - 1}_stop`] !== undefined; k++) {
    ups.push({ at: _duration(a[`daemon_${k - 1}_stop`]), daemon_binary: String(a[`daemon_${k}`]) });
  }
  out.upgrade = ups.length === 1 ? ups[0] : ups;
  if (String(a.daemon_0 ?? a.daemon) !== String(a.daemon)) {
    report.add("unmapped", "agents.*.daemon_0", undefined, "differs from daemon: daemon is used");
  }
  report.add(
    "mapped",
    "agents.*.daemon_K_stop + daemon_K+1",
    ups.length === 1 ? "upgrade: { at, daemon_binary }" : "upgrade: [{ at, daemon_binary }, ...]",
  );
  report.add(
    "approximated",
    "agents.*.daemon_K_start",
    "upgrade.at + 10 s",
    "hive starts each new daemon 10 s after the old one stops",
  );
  const last = ups.length; // daemon_LAST is running at the end: a stop or later phase is unused
  for (const f of Object.keys(a)) {
    const m = /^daemon_(\d+)(_start|_stop)?$/.exec(f);
    if (m && (Number(m[1]) > last || (Number(m[1]) === last && m[2] === "_stop"))) {
      report.add("unmapped", `agents.*.${f}`, undefined, "after the schedule's last switch");
    }
  }
}

/** Hive host names: lowercase hostname(7) labels. */
function _hostName(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "").slice(0, 63) ||
    "host";
}

/** Convert Monerosim YAML text into a hive scenario. */
export function importMonerosim(text: string, options: ImportOptions): ImportResult {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`monerosim config: YAML syntax error: ${(error as Error).message}`);
  }
  const root = _obj(data);
  if (!root.general || !root.agents) {
    throw new ConfigError("monerosim config: expected `general` and `agents` sections");
  }
  const report = new _Report();
  const general = _obj(root.general);
  const network = _obj(root.network);
  const agentsIn = _obj(root.agents);
  for (const key of Object.keys(root)) {
    if (key === "metadata") report.add("unmapped", "metadata", undefined, "generator notes");
    else if (!["general", "network", "agents"].includes(key)) {
      report.add("unmapped", key, undefined, "unknown section");
    }
  }
  const shadow: _Obj = {};
  const outGeneral = _general(general, shadow, report);
  const daemonArgs = _daemonDefaults(general, report);
  const walletArgs = _daemonDefaults(general, report, "wallet_defaults");
  const { agents, miners } = _agents(agentsIn, report);
  const seeds = miners.length > 0 ? miners : Object.keys(agents).slice(0, 1);
  const outNetwork = importNetwork(network, seeds, Object.keys(agents).length, options, report);
  importReachability(general, outNetwork, seeds, report);
  const scenario: Record<string, unknown> = {
    ...(options.name ? { name: options.name } : {}),
    description: "imported from a Monerosim configuration by hive sim import monerosim",
    general: outGeneral,
    ...(Object.keys(shadow).length > 0 ? { shadow } : {}),
    ...(daemonArgs.length > 0 ? { daemon_defaults: daemonArgs } : {}),
    ...(walletArgs.length > 0 ? { wallet_defaults: walletArgs } : {}),
    network: outNetwork,
    agents,
  };
  return {
    scenario,
    yaml: "# Imported by `hive sim import monerosim`; see its report for what changed.\n" +
      stringify(scenario, { lineWidth: 0 }),
    report: report.build(),
  };
}

function _general(general: _Obj, shadow: _Obj, report: _Report): _Obj {
  const out: _Obj = {};
  for (const [key, value] of Object.entries(general)) {
    switch (key) {
      case "stop_time":
        out.stop_time = _duration(value);
        report.add("mapped", "general.stop_time", "general.stop_time");
        break;
      case "simulation_seed":
        out.seed = Number(value);
        report.add("mapped", "general.simulation_seed", "general.seed");
        break;
      case "bootstrap_end_time":
        out.bootstrap_end_time = _duration(value);
        report.add("mapped", "general.bootstrap_end_time", "general.bootstrap_end_time");
        break;
      case "parallelism":
        if (Number(value) >= 1) {
          out.parallelism = Number(value);
          report.add("mapped", "general.parallelism", "general.parallelism");
        } else {
          report.add(
            "approximated",
            "general.parallelism",
            "general.parallelism: 1",
            "0 (one thread per core) is not expressible; hive's default 1 is used",
          );
        }
        break;
      case "daemon_defaults":
        break; // handled with the agents
      case "wallet_defaults":
        break; // handled with daemon_defaults
      case "shadow_log_level":
        shadow.log_level = String(value);
        report.add("mapped", "general.shadow_log_level", "shadow.log_level");
        break;
      case "runahead":
        shadow.runahead = String(value).replace(/^(\d+(?:\.\d+)?)\s*ms$/, "$1 ms");
        report.add("mapped", "general.runahead", "shadow.runahead");
        break;
      case "progress":
        shadow.progress = value === true;
        report.add("mapped", "general.progress", "shadow.progress");
        break;
      case "process_threads":
        if (Number.isInteger(Number(value)) && Number(value) >= 0 && Number(value) <= 256) {
          shadow.process_threads = Number(value);
          report.add("mapped", "general.process_threads", "shadow.process_threads");
        } else report.add("unmapped", "general.process_threads", undefined, "not 0..256");
        break;
      case "native_preemption":
        shadow.native_preemption = value === true;
        report.add("mapped", "general.native_preemption", "shadow.native_preemption");
        break;
      case "enable_dns_server":
      case "fallback_seeds":
        break; // network settings: see importReachability
      case "mining":
        report.add(
          "approximated",
          "general.mining",
          "miner agents",
          "hive mines with generateblocks at Poisson times by hashrate share",
        );
        break;
      default:
        report.add("unmapped", `general.${key}`, undefined, "unknown field");
    }
  }
  return out;
}

function _daemonDefaults(
  general: _Obj,
  report: _Report,
  section: "daemon_defaults" | "wallet_defaults" = "daemon_defaults",
): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(_obj(general[section]))) {
    const flag = _flag(key, value);
    if (flag === null) continue;
    if (!/^--[a-z0-9][a-z0-9-]*(=.*)?$/.test(flag)) {
      report.add("unmapped", `general.${section}.${key}`, undefined, "not a flag");
      continue;
    }
    args.push(flag);
    report.add(
      "mapped",
      `general.${section}.${key}`,
      `${section} ${flag}`,
    );
  }
  return args;
}

interface _AgentsOut {
  agents: Record<string, _Obj>;
  miners: string[];
}

function _agents(agentsIn: _Obj, report: _Report): _AgentsOut {
  const agents: Record<string, _Obj> = {};
  const miners: string[] = [];
  const rates: Array<[string, number]> = [];
  for (const [key, raw] of Object.entries(agentsIn)) {
    const a = _obj(raw);
    const script = typeof a.script === "string" ? a.script : undefined;
    if (script === _DISTRIBUTOR) {
      report.add(
        "approximated",
        `agents.${key}`,
        "the funding step (inspect shows it)",
        "hive funds every user with blocks sized to its transfer plan",
      );
      for (const f of Object.keys(a)) {
        if (f !== "script") {
          report.add("unmapped", `agents.${key}.${f}`, undefined, "distributor setting");
        }
      }
      continue;
    }
    const name = _hostName(key);
    if (name !== key) report.add("approximated", `agents.${key}`, `agents.${name}`, "host name");
    const kind = script === _MINER
      ? "miner"
      : script === _USER
      ? "user"
      : script === _MONITOR
      ? "monitor"
      : a.daemon !== undefined
      ? "observer"
      : undefined;
    if (kind === undefined) {
      report.add("unmapped", `agents.${key}`, undefined, `script ${String(script)} is unknown`);
      continue;
    }
    const out: _Obj = { kind };
    if (script === undefined) report.add("mapped", "agents.*(daemon only)", "kind: observer");
    else report.add("mapped", "agents.*.script", `kind: ${kind} (${script})`);
    for (const [f, value] of Object.entries(a)) {
      if (/^daemon_\d+(_start|_stop)?$/.test(f)) continue; // the schedule, below
      _agentField(f, value, kind, out, report, (r) => rates.push([name, r]));
    }
    _upgrade(a, out, report);
    if (kind === "miner") miners.push(name);
    agents[name] = out;
  }
  // Monerosim hashrates are weights; hive's are percent summing to 100.
  const total = rates.reduce((s, [, r]) => s + r, 0);
  if (total > 0 && Math.abs(total - 100) > 1e-9) {
    report.add(
      "approximated",
      "agents.*.hashrate",
      "percent of the total",
      `weights summing to ${total} scaled to 100`,
    );
  }
  for (const [name, r] of rates) {
    agents[name].hashrate = total > 0 ? Math.round((r / total) * 100 * 1e6) / 1e6 : 0;
  }
  return { agents, miners };
}

function _agentField(
  f: string,
  value: unknown,
  kind: string,
  out: _Obj,
  report: _Report,
  rate: (r: number) => void,
): void {
  const at = `agents.*.${f}`;
  switch (f) {
    case "script":
      return;
    case "start_time":
      out.start_time = _duration(value);
      report.add("mapped", at, "start_time");
      return;
    case "hashrate":
      if (kind === "miner") rate(Number(value));
      else report.add("unmapped", at, undefined, `a ${kind} does not hash`);
      return;
    case "transaction_interval":
      if (kind !== "user") break;
      out.interval_mean = _duration(value);
      out.interval_kind = "fixed";
      report.add("mapped", at, "interval_mean, interval_kind: fixed");
      return;
    case "tx_send_probability":
      if (kind !== "user") break;
      out.tx_send_probability = Number(value);
      report.add("mapped", at, "tx_send_probability");
      return;
    case "poll_interval":
      if (kind !== "monitor") break;
      out.interval = _duration(value);
      report.add("mapped", at, "interval");
      return;
    case "daemon":
    case "wallet": {
      const standard = f === "daemon" ? "monerod" : "monero-wallet-rpc";
      if (String(value) === standard) {
        report.add("mapped", at, `the engine's ${standard}`);
      } else if (f === "wallet" && kind !== "user") {
        report.add("unmapped", at, undefined, `only users run a wallet in hive, not a ${kind}`);
      } else {
        out[f === "daemon" ? "daemon_binary" : "wallet_binary"] = String(value);
        report.add("mapped", at, f === "daemon" ? "daemon_binary" : "wallet_binary");
      }
      return;
    }
    case "can_receive_distributions":
      report.add("approximated", at, "the funding step", "every user is funded");
      return;
    case "activity_start_time":
      if (kind !== "user") break;
      out.activity_start_time = _duration(value);
      report.add("mapped", at, "activity_start_time");
      return;
    default:
      if (/^daemon_\d+(_start|_stop)?$/.test(f)) {
        report.add("unmapped", "agents.*.daemon_N", undefined, "upgrade schedules not supported");
        return;
      }
  }
  report.add("unmapped", at, undefined, `not a ${kind} setting hive knows`);
}

/**
 * Host names of a scenario: each agent key (`miner-{001..050}`) expands to one host per name,
 * checked for shape, duplicates and the fields its kind may set.
 *
 * @example
 * ```ts
 * import { expandRange } from "./hosts.ts";
 * expandRange("miner-{01..03}"); // ["miner-01", "miner-02", "miner-03"]
 * ```
 * @module
 */
import type { Problems } from "./problems.ts";
import { type AgentSpec, type ScenarioFile, upgradeList } from "./schema.ts";

/**
 * Most hosts one scenario may expand to: the DES runs a million nodes, and the address plan
 * (`model.ts`) gives each of them its own address.
 */
export const MAX_HOSTS = 1_000_000;
const _HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Longest host name: one hostname(7) label (Shadow refuses longer ones). */
export const MAX_HOST_NAME = 63;

/**
 * Expand one range in a name: `miner-{001..050}` gives miner-001 ... miner-050 (zero-padded to
 * the width of the bounds when either has a leading zero). Returns an error text when malformed.
 */
export function expandRange(pattern: string, limit = MAX_HOSTS): string[] | string {
  const open = pattern.indexOf("{");
  if (open < 0 && !pattern.includes("}")) return [pattern];
  const m = /^([^{}]*)\{([^{}]*)\}([^{}]*)$/.exec(pattern);
  if (!m) return `bad range in ${JSON.stringify(pattern)}: use one {A..B}`;
  const [, head, body, tail] = m;
  const r = /^(\d+)\.\.(\d+)$/.exec(body);
  if (!r) return `bad range ${JSON.stringify(body)}`;
  const [lo, hi] = [Number(r[1]), Number(r[2])];
  if (lo > hi) return `bad range ${JSON.stringify(body)}: start is after end`;
  if (hi - lo + 1 > limit) return `bad range ${JSON.stringify(body)}: more than ${limit} names`;
  const padded = (r[1].length > 1 && r[1][0] === "0") || (r[2].length > 1 && r[2][0] === "0");
  const width = padded ? Math.max(r[1].length, r[2].length) : 0;
  const names: string[] = [];
  for (let i = lo; i <= hi; i++) names.push(`${head}${String(i).padStart(width, "0")}${tail}`);
  return names;
}

/** An expanded agent: one host name and the spec (and key) it came from. */
export interface ExpandedAgent {
  name: string;
  key: string;
  spec: AgentSpec;
  /** This member's hashrate (its entry of a hashrate list), when the spec has one. */
  hashrate?: number;
  /** This member's start: start_time plus its stagger. */
  startS: number;
  /** This member's upgrade times (each upgrade's at plus its stagger), in the order written. */
  upgradesAtS?: number[];
}

/** A member's start: `start_time`, plus its place in the range times the stagger. */
function _memberStart(spec: AgentSpec, index: number): number {
  const st = spec.start_time_stagger;
  if (st === undefined) return spec.start_time;
  const { every, batch } = typeof st === "number" ? { every: st, batch: 1 } : st;
  return spec.start_time + Math.floor(index / batch) * every;
}

/** Options of {@link expandAgents}. */
export interface ExpandAgentsOptions {
  /**
   * Some agent entries failed the schema and are left out (already reported): no agent at all
   * is then no further problem.
   */
  leftOut?: boolean;
}

/**
 * Expand the agent keys of a scenario into hosts, in scenario order (ranges in order), checking
 * names, duplicates and the fields each kind may have.
 */
export function expandAgents(
  scenario: Pick<ScenarioFile, "agents">,
  problems: Problems,
  options: ExpandAgentsOptions = {},
): ExpandedAgent[] & { incomplete?: boolean } {
  const out: ExpandedAgent[] & { incomplete?: boolean } = [];
  const seen = new Map<string, string>();
  const keys = Object.keys(scenario.agents);
  if (keys.length === 0 && !options.leftOut) {
    problems.add(["agents"], "expected at least one agent");
  }
  for (const key of keys) {
    const spec = scenario.agents[key];
    const names = expandRange(key, MAX_HOSTS - out.length);
    if (typeof names === "string") {
      problems.add(["agents", key], names);
      out.incomplete = true; // sums over hosts (hashrates) would mislead
      continue;
    }
    let named = false; // one bad-name problem per key; its hosts still count (hashrates)
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      if (!named && !_HOST_NAME.test(name)) {
        named = true;
        problems.add(
          ["agents", key],
          `bad host name ${JSON.stringify(name)}: a hostname(7) label of lowercase letters, ` +
            `digits and "-", not starting or ending with "-"`,
        );
      }
      if (!named && name.length > MAX_HOST_NAME) {
        named = true;
        problems.add(
          ["agents", key],
          `host name ${JSON.stringify(name)} has ${name.length} characters; hostname(7) ` +
            `allows at most ${MAX_HOST_NAME}`,
        );
      }
      const first = seen.get(name);
      if (first !== undefined) {
        problems.add(["agents", key], `host "${name}" is already defined by "${first}"`);
        break;
      }
      seen.set(name, key);
      const rate = spec.hashrate;
      out.push({
        name,
        key,
        spec,
        hashrate: Array.isArray(rate) ? rate[index] : rate,
        startS: _memberStart(spec, index),
        ...(spec.upgrade
          ? { upgradesAtS: upgradeList(spec).map((u) => u.at + index * u.stagger) }
          : {}),
      });
    }
    _checkAgentFields(key, spec, problems);
    if (Array.isArray(spec.hashrate) && spec.hashrate.length !== names.length) {
      problems.add(
        ["agents", key, "hashrate"],
        `has ${spec.hashrate.length} entries for ${names.length} hosts`,
        spec.hashrate,
      );
    }
  }
  if (out.length > MAX_HOSTS) problems.add(["agents"], `more than ${MAX_HOSTS} hosts`);
  return out;
}

function _checkAgentFields(key: string, spec: AgentSpec, problems: Problems): void {
  const at = (field: string) => ["agents", key, field];
  const hashes = spec.kind === "miner" || spec.kind === "attacker";
  const rates = spec.hashrate === undefined ? [] : [spec.hashrate].flat();
  if (spec.kind === "miner" && !(rates.length > 0 && rates.every((r) => r > 0))) {
    problems.add(at("hashrate"), "a miner needs a hashrate > 0", spec.hashrate);
  }
  if (!hashes && spec.hashrate !== undefined) {
    problems.add(at("hashrate"), `only miners and attackers hash, not a ${spec.kind}`);
  }
  if (spec.kind !== "user") {
    if (spec.fund_blocks !== "auto") problems.add(at("fund_blocks"), `only for kind user`);
    if (spec.interval_kind !== "exponential") problems.add(at("interval_kind"), "only for users");
    if (spec.tx_send_probability !== 1) problems.add(at("tx_send_probability"), "only for users");
    if (spec.activity_start_time !== undefined) {
      problems.add(at("activity_start_time"), "only for kind user");
    }
    for (const f of ["interval_mean", "amount"] as const) {
      if (spec[f] !== undefined) problems.add(at(f), `only for kind user, not ${spec.kind}`);
    }
  }
  if (spec.kind !== "monitor" && spec.zmq) problems.add(at("zmq"), "only for kind monitor");
  if (spec.kind !== "monitor" && spec.interval !== undefined) {
    problems.add(at("interval"), `only for kind monitor, not ${spec.kind}`);
  }
  const amount = spec.amount;
  if (amount !== undefined && typeof amount === "object" && amount.min > amount.max) {
    problems.add(at("amount"), "min is above max", amount);
  }
  if (spec.interval_mean === 0) problems.add(at("interval_mean"), "must be above 0", 0);
  if (spec.interval === 0) problems.add(at("interval"), "must be above 0", 0);
}

/**
 * Checks of a scenario that need more than one field: the schema with union errors narrowed to
 * the branch meant, each attack against its kind's schema, and hashrates and times across
 * hosts. Problems are collected, not thrown one by one.
 *
 * @module
 */
import { z } from "zod";
import { hostProcesses, UPGRADE_GAP_S } from "../../../adapters/engine/monerod.ts";
import type { ExpandedAgent } from "./hosts.ts";
import type { Problems } from "./problems.ts";
import { closestKey, flattenUnions } from "./unions.ts";
import {
  agentSchema,
  attackKindSchema,
  attackSchemas,
  type AttackSpec,
  scenarioDocSchema,
  type ScenarioFile,
  scenarioSchema,
} from "./schema.ts";

/**
 * How far hashrates may miss 100 before they are scaled to 100: each hashing host's share may
 * be rounded to two decimals (three miners at 33.33, six at 16.67), at least 0.01, at most 0.5.
 */
export function hashrateTolerance(hashingHosts: number): number {
  return Math.min(0.5, Math.max(0.01, 0.005 * hashingHosts));
}

/** Unwrap optional/default/pipe wrappers down to the schema that holds keys. */
function _core(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let i = 0; s && i < 20; i++) {
    const def = (s as unknown as { def: Record<string, unknown> & { type: string } }).def;
    if (["optional", "default", "prefault", "nullable", "readonly", "catch"].includes(def.type)) {
      s = def.innerType as z.ZodType;
    } else if (def.type === "pipe") s = def.in as z.ZodType;
    else return s;
  }
  return s;
}

/** The keys an object at `path` of the scenario may hold (attacks: those of its kind). */
function _knownKeys(path: readonly PropertyKey[], data: unknown): string[] {
  let schema: z.ZodType | undefined = scenarioDocSchema;
  let value: unknown = data;
  for (const part of path) {
    value = (value as Record<PropertyKey, unknown> | undefined)?.[part];
    const core = _core(schema);
    const def = (core as unknown as { def: Record<string, unknown> & { type: string } })?.def;
    if (!def) return [];
    if (def.type === "object") schema = (def.shape as Record<string, z.ZodType>)[String(part)];
    else if (def.type === "record") schema = def.valueType as z.ZodType;
    else if (def.type === "array") schema = def.element as z.ZodType;
    else return [];
    const inner = _core(schema);
    const innerDef = (inner as unknown as { def: { type: string; options?: z.ZodType[] } })?.def;
    if (innerDef?.type === "union" && innerDef.options) {
      const kind = (value as { kind?: string } | undefined)?.kind;
      const kinds = kind !== undefined && kind in attackSchemas
        ? [attackSchemas[kind as keyof typeof attackSchemas]]
        : innerDef.options;
      schema = kinds[0];
    }
  }
  const def = (_core(schema) as unknown as { def: { type: string; shape?: object } })?.def;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

/** Unknown keys become one problem each, with the close known key when there is one. */
function _withSuggestions(issues: z.core.$ZodIssue[], data: unknown): z.core.$ZodIssue[] {
  return issues.flatMap((issue): z.core.$ZodIssue[] => {
    if (issue.code !== "unrecognized_keys") return [issue];
    const known = _knownKeys(issue.path, data);
    return issue.keys.map((key) => {
      const near = closestKey(key, known);
      return {
        code: "custom",
        path: [...issue.path, key],
        message: near ? `unknown key; did you mean "${near}"?` : "unknown key",
      };
    });
  });
}

/** What {@link validateScenario} could make of a file. */
export interface ValidatedParts {
  /** The whole file, when it passed the schema. */
  scenario?: ScenarioFile;
  /** The agent entries that passed on their own (for checks that go on after a failure). */
  agents: ScenarioFile["agents"];
  /**
   * True when some agent entry (or `agents` itself) failed the schema: `agents` then lacks it,
   * and "no agent at all" would only repeat that problem.
   */
  agentsLeftOut: boolean;
  /**
   * True when an entry left out sets a hashrate (or `agents` itself failed): the hashrates of
   * `agents` then miss a part, and their sum would mislead.
   */
  hashratesLeftOut: boolean;
  /** `general`, when it passed on its own. */
  general?: ScenarioFile["general"];
  /** The attack entries as written, when `attacks` is a list (each is checked on its own). */
  attacks: unknown[];
}

/**
 * Validate parsed YAML against the scenario schema. Problems are recorded, not thrown, and the
 * parts that passed on their own are returned so later checks (names, hashrates, times) still
 * run and one pass reports every problem.
 */
export function validateScenario(data: unknown, problems: Problems): ValidatedParts {
  const result = scenarioSchema.safeParse(data ?? {}, { reportInput: true });
  if (result.success) {
    const { agents, general, attacks } = result.data;
    return {
      scenario: result.data,
      agents,
      agentsLeftOut: false,
      hashratesLeftOut: false,
      general,
      attacks,
    };
  }
  problems.list.push(..._withSuggestions(flattenUnions(result.error.issues), data));
  const raw = (data && typeof data === "object" ? data : {}) as Record<string, unknown>;
  // Unknown keys are reported above; here they are ignored so the rest can be checked.
  const general = z.object(scenarioSchema.shape.general.shape).safeParse(raw.general);
  const looseAgent = z.object(agentSchema.shape);
  const agents: ScenarioFile["agents"] = {};
  const record = typeof raw.agents === "object" && raw.agents !== null &&
    !Array.isArray(raw.agents);
  let [agentsLeftOut, hashratesLeftOut] = [!record, !record];
  for (const [key, value] of Object.entries(record ? raw.agents as object : {})) {
    const one = looseAgent.safeParse(value);
    if (one.success) agents[key] = one.data;
    else {
      agentsLeftOut = true;
      const entry = value && typeof value === "object" ? value as Record<string, unknown> : {};
      if (!(typeof value === "object" && value !== null) || entry.hashrate !== undefined) {
        hashratesLeftOut = true;
      }
    }
  }
  return {
    agents,
    agentsLeftOut,
    hashratesLeftOut,
    general: general.success ? general.data : undefined,
    attacks: Array.isArray(raw.attacks) ? raw.attacks : [],
  };
}

/** Fields of an attack that name hosts: checked against the hosts even when the attack fails. */
const _HOST_FIELDS = ["victim", "attacker", "attackers", "group_a", "group_b"] as const;

/**
 * One entry of `attacks` after {@link validateAttacks}, with its index in the file. An entry
 * that failed its kind's schema keeps the fields naming hosts that passed on their own, so
 * they are still checked against the hosts (an unknown victim is reported beside a bad
 * `confirmations`).
 */
export type CheckedAttack =
  | { index: number; spec: AttackSpec; hosts?: undefined }
  | { index: number; spec?: undefined; hosts: Partial<Record<_HostField, string | string[]>> };

type _HostField = typeof _HOST_FIELDS[number];

/**
 * Validate each attack on its own: an object with a known kind, then its kind's schema. Every
 * problem names its own entry's index; one bad entry hides nothing of the others.
 */
export function validateAttacks(attacks: readonly unknown[], problems: Problems): CheckedAttack[] {
  const out: CheckedAttack[] = [];
  const report = (issues: readonly z.core.$ZodIssue[], index: number) => {
    const flat = flattenUnions(issues, ["attacks", index]);
    problems.list.push(..._withSuggestions(flat, { attacks }));
  };
  attacks.forEach((raw, index) => {
    const kind = attackKindSchema.safeParse(raw, { reportInput: true });
    if (!kind.success) {
      report(kind.error.issues, index);
      return;
    }
    const schema = attackSchemas[kind.data.kind];
    const result = schema.safeParse(raw, { reportInput: true });
    if (result.success) {
      out.push({ index, spec: result.data });
      return;
    }
    report(result.error.issues, index);
    const hosts: Partial<Record<_HostField, string | string[]>> = {};
    const shape = schema.shape as Record<string, z.ZodType>;
    for (const field of _HOST_FIELDS) {
      const value = (raw as Record<string, unknown>)[field];
      if (!(field in shape) || value === undefined) continue;
      const one = shape[field].safeParse(value);
      if (one.success) hosts[field] = one.data as string | string[];
    }
    out.push({ index, hosts });
  });
  return out;
}

/** Hashrates sum to 100 %, and the run's times fit inside `stop_time`. */
export function checkHashratesAndTimes(
  scenario: ScenarioFile,
  agents: readonly ExpandedAgent[],
  problems: Problems,
): void {
  checkHashrates(agents, problems);
  checkTimes(scenario.general, agents, problems);
}

/** Every hashing host counts, and the whole must be 100 % (within {@link hashrateTolerance}). */
export function checkHashrates(
  agents: readonly ExpandedAgent[] & { incomplete?: boolean },
  problems: Problems,
): void {
  if (agents.incomplete) return;
  const total = agents.reduce((s, a) => s + (a.hashrate ?? 0), 0);
  const tolerance = hashrateTolerance(agents.filter((a) => (a.hashrate ?? 0) > 0).length);
  if (Math.abs(total - 100) > tolerance + 1e-9) {
    problems.add(
      ["agents"],
      `hashrates of miners and attackers sum to ${Math.round(total * 1e6) / 1e6}, expected 100`,
    );
  }
}

/**
 * The run's times fit inside `stop_time`: every process of every host (monerod, wallet RPC,
 * agent) starts before it; each agent entry is named once, with its first late process.
 */
export function checkTimes(
  general: ScenarioFile["general"],
  agents: readonly ExpandedAgent[],
  problems: Problems,
): void {
  if (general.stop_time <= 0) {
    problems.add(["general", "stop_time"], "must be above 0", general.stop_time);
  }
  if (general.bootstrap_end_time !== "auto" && general.bootstrap_end_time > general.stop_time) {
    problems.add(
      ["general", "bootstrap_end_time"],
      "is after general.stop_time",
      general.bootstrap_end_time,
    );
  }
  const named = new Set<string>();
  for (const a of agents) {
    if (!named.has(a.key) && _upgradeProblem(a, problems)) {
      named.add(a.key);
      continue;
    }
    const activity = a.spec.activity_start_time;
    if (activity !== undefined && activity >= general.stop_time && !named.has(a.key)) {
      named.add(a.key);
      problems.add(
        ["agents", a.key, "activity_start_time"],
        `is not before general.stop_time (${general.stop_time} s)`,
        activity,
      );
      continue;
    }
    if (named.has(a.key)) continue;
    const late = hostProcesses({
      kind: a.spec.kind,
      hashrate: a.hashrate ?? 0,
      startTimeS: a.startS,
      ...(a.upgradesAtS !== undefined ? { upgrades: a.upgradesAtS.map((atS) => ({ atS })) } : {}),
    }).find((p) => p.startS >= general.stop_time);
    if (!late) continue;
    named.add(a.key);
    const offset = late.startS - a.startS;
    problems.add(
      ["agents", a.key, "start_time"],
      `host "${a.name}": its ${late.program} starts at ${late.startS} s` +
        (offset > 0 ? ` (its start + ${offset} s)` : "") +
        `, not before general.stop_time (${general.stop_time} s)`,
      a.spec.start_time,
    );
  }
}

/**
 * An upgrade that cannot happen as written: before the host starts, or (in a list) not after
 * the previous one's new monerod has started. Records the problem; true when there was one.
 */
function _upgradeProblem(a: ExpandedAgent, problems: Problems): boolean {
  const times = a.upgradesAtS ?? [];
  const list = Array.isArray(a.spec.upgrade);
  for (const [k, at] of times.entries()) {
    const path = ["agents", a.key, "upgrade", ...(list ? [k] : []), "at"];
    if (at <= a.startS) {
      problems.add(
        path,
        `host "${a.name}" upgrades at ${at} s, not after its start (${a.startS} s)`,
        at,
      );
      return true;
    }
    const before = times[k - 1];
    if (before !== undefined && at <= before + UPGRADE_GAP_S) {
      problems.add(
        path,
        `host "${a.name}" upgrades at ${at} s, before its previous upgrade's monerod has ` +
          `started (${before} s + ${UPGRADE_GAP_S} s); list upgrades in order of time`,
        at,
      );
      return true;
    }
  }
  return false;
}

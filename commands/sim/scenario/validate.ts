/**
 * Checks of a scenario that need more than one field: the schema with union errors narrowed to
 * the branch meant, each attack against its kind's schema, and hashrates and times across
 * hosts. Problems are collected, not thrown one by one.
 *
 * @module
 */
import type { z } from "zod";
import type { ExpandedAgent } from "./hosts.ts";
import type { Problems } from "./problems.ts";
import { attackSchemas, type AttackSpec, type ScenarioFile, scenarioSchema } from "./schema.ts";

/** Flatten union issues into the branch that fits the value best, so messages stay precise. */
function _flattenUnions(
  issues: readonly z.core.$ZodIssue[],
  prefix: PropertyKey[] = [],
): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && Array.isArray(issue.errors)) {
      // A branch that failed only because the value has another type is not the one meant.
      const fitting = issue.errors.filter((branch) =>
        !branch.every((i) => i.code === "invalid_type" && i.path.length === 0) &&
        !branch.every((i) => i.code === "invalid_union" && i.path.length === 0)
      );
      if (fitting.length >= 1) {
        out.push(..._flattenUnions(fitting[0], path));
        continue;
      }
    }
    out.push({ ...issue, path });
  }
  return out;
}

/** Validate parsed YAML against the scenario schema; every problem is reported at once. */
export function validateScenario(data: unknown, problems: Problems): ScenarioFile {
  const result = scenarioSchema.safeParse(data ?? {}, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of _flattenUnions(result.error.issues)) problems.list.push(issue);
  problems.check();
  throw new Error("unreachable: check() throws when problems exist");
}

/** Validate each attack against its kind's schema. */
export function validateAttacks(scenario: ScenarioFile, problems: Problems): AttackSpec[] {
  const out: AttackSpec[] = [];
  scenario.attacks.forEach((raw, i) => {
    const schema = attackSchemas[raw.kind];
    const result = schema.safeParse(raw, { reportInput: true });
    if (result.success) out.push(result.data);
    else {
      for (const issue of _flattenUnions(result.error.issues, ["attacks", i])) {
        problems.list.push(issue);
      }
    }
  });
  return out;
}

/** Hashrates sum to 100 %, and the run's times fit inside `stop_time`. */
export function checkHashratesAndTimes(
  scenario: ScenarioFile,
  agents: readonly ExpandedAgent[],
  problems: Problems,
): void {
  const { general } = scenario;
  // Every hashing host counts, and the whole must be 100 %.
  const total = agents.reduce((s, a) => s + (a.spec.hashrate ?? 0), 0);
  if (Math.abs(total - 100) > 1e-6) {
    problems.add(
      ["agents"],
      `hashrates of miners and attackers sum to ${Math.round(total * 1e6) / 1e6}, expected 100`,
    );
  }
  if (general.stop_time <= 0) {
    problems.add(["general", "stop_time"], "must be above 0", general.stop_time);
  }
  if (general.bootstrap_end_time > general.stop_time) {
    problems.add(
      ["general", "bootstrap_end_time"],
      "is after general.stop_time",
      general.bootstrap_end_time,
    );
  }
  for (const a of agents) {
    if (a.spec.start_time >= general.stop_time) {
      problems.add(
        ["agents", a.key, "start_time"],
        "is not before general.stop_time",
        a.spec.start_time,
      );
      break;
    }
  }
}

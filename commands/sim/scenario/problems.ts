/**
 * Problems found while expanding a scenario, collected and thrown together as one
 * {@link ScenarioError} (a `ConfigError`, exit 2) whose message names each field path and
 * value, one problem per line, and which keeps the list for `hive --json sim validate`.
 *
 * @module
 */
import type { z } from "zod";
import { ConfigError, formatIssues } from "../../../core/errors.ts";

/** A problem found in a scenario: a zod issue, so `formatIssues` renders it. */
export type Problem = z.core.$ZodIssue;

/** One problem as `validate --json` prints it. */
export interface ProblemRecord {
  /** Dotted field path, e.g. `agents.miner-1.start_time` (`(root)` for the whole file). */
  path: string;
  /** The whole line: `path: message, got value`. */
  line: string;
}

function _pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Every problem of a scenario, thrown at once. */
export class ScenarioError extends ConfigError {
  /** The problems, in the order found. */
  readonly problems: ProblemRecord[];
  constructor(source: string, problems: ProblemRecord[]) {
    const lines = problems.map((p) => p.line);
    super(
      lines.length === 1
        ? `scenario ${source}: ${lines[0]}`
        : `scenario ${source}: ${lines.length} problems:\n  ${lines.join("\n  ")}`,
      { code: "scenario_invalid" },
    );
    this.problems = problems;
  }
}

/**
 * Collects scenario problems so one error can list them all, each as `path: message, got value`.
 */
export class Problems {
  /** Problems so far, in the order found. */
  readonly list: Problem[] = [];
  /** @param source the scenario's label in messages (its path, usually). */
  constructor(readonly source: string) {}
  /** Record a problem at `path`; `input`, when given, is shown as `got <value>`. */
  add(path: PropertyKey[], message: string, input?: unknown): void {
    const problem: z.core.$ZodIssueCustom = input === undefined
      ? { code: "custom", path, message }
      : { code: "custom", path, message, input };
    this.list.push(problem);
  }
  /** Run `step`; true when it found no new problem (later steps that need it may go on). */
  clean(step: () => void): boolean {
    const before = this.list.length;
    step();
    return this.list.length === before;
  }
  /** {@link clean} for an async step. */
  async cleanAsync(step: () => Promise<void>): Promise<boolean> {
    const before = this.list.length;
    await step();
    return this.list.length === before;
  }
  /**
   * Throw every problem so far as one {@link ScenarioError}. A line already listed is not
   * repeated (zod reports a too-large integer once for `int` and once for its `max`).
   */
  check(): void {
    if (this.list.length === 0) return;
    const lines = new Set<string>();
    const records: ProblemRecord[] = [];
    for (const issue of this.list) {
      // One line per problem: formatIssues caps its list, so each issue is rendered alone.
      const line = formatIssues([issue])[0];
      if (lines.has(line)) continue;
      lines.add(line);
      records.push({ path: _pathText(issue.path), line });
    }
    throw new ScenarioError(this.source, records);
  }
}

/**
 * Problems found while expanding a scenario, collected and thrown together as one
 * `ConfigError` (exit 2) whose message names each field path and value.
 *
 * @module
 */
import type { z } from "zod";
import { ConfigError, formatIssues } from "../../../core/errors.ts";

/** A problem found in a scenario: a zod issue, so `formatIssues` renders it. */
export type Problem = z.core.$ZodIssue;

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
  /** Throw every problem so far as one ConfigError. */
  check(): void {
    if (this.list.length === 0) return;
    const lines = formatIssues(this.list);
    throw new ConfigError(`scenario ${this.source}: ${lines.join("; ")}`, {
      code: "scenario_invalid",
    });
  }
}

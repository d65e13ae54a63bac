/**
 * Problems found while expanding a scenario, collected and thrown together as one
 * `ConfigError` (exit 2) whose message names each field path and value.
 *
 * @module
 */
import { ConfigError, formatIssues } from "../../core/errors.ts";

/** A problem found in a scenario, shaped like a zod issue so `formatIssues` renders it. */
export interface Problem {
  code: "custom";
  path: PropertyKey[];
  message: string;
  input?: unknown;
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
    const p: Problem = { code: "custom", path, message };
    if (input !== undefined) p.input = input;
    this.list.push(p);
  }
  /** Throw every problem so far as one ConfigError. */
  check(): void {
    if (this.list.length === 0) return;
    // deno-lint-ignore no-explicit-any
    const lines = formatIssues(this.list as any);
    throw new ConfigError(`scenario ${this.source}: ${lines.join("; ")}`, {
      code: "scenario_invalid",
    });
  }
}

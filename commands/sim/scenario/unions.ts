/**
 * Zod union issues narrowed to the branch a value was meant for, so a scenario's messages stay
 * precise, and the close known key for an unknown one ("did you mean").
 *
 * @module
 */
import type { z } from "zod";

/** Flatten union issues into the branch that fits the value best, so messages stay precise. */
export function flattenUnions(
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
      if (fitting.length >= 2 && _attemptsNone(issue.input, fitting)) {
        out.push(_withBranchSuggestion({ ...issue, path }, fitting));
        continue;
      }
      if (fitting.length >= 1) {
        out.push(...flattenUnions(_closestBranch(fitting), path));
        continue;
      }
    }
    out.push({ ...issue, path });
  }
  return out;
}

/**
 * True when an object is an attempt at none of several object branches: no branch knows any of
 * its keys (`{pareto: ...}` among `{uniform}` and `{normal}`). Narrowing would then pick a branch
 * at random and report its missing key beside the unknown one; the union's own message (which
 * lists its forms) is the one problem instead. With a single object branch, that branch's
 * complaints already say what to write.
 */
function _attemptsNone(input: unknown, branches: readonly z.core.$ZodIssue[][]): boolean {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  const keys = Object.keys(input);
  return branches.every((branch) =>
    keys.every((key) =>
      branch.some((i) =>
        i.code === "unrecognized_keys" && i.path.length === 0 && i.keys.includes(key)
      )
    )
  );
}

/** The union's issue, with "did you mean" when its one key is close to a branch's key. */
function _withBranchSuggestion(
  issue: z.core.$ZodIssue,
  branches: readonly z.core.$ZodIssue[][],
): z.core.$ZodIssue {
  const keys = Object.keys(issue.input as object);
  // A branch's keys are the ones it found missing.
  const known = branches.flatMap((branch) =>
    branch.filter((i) => i.code === "invalid_type" && i.path.length === 1 && i.input === undefined)
      .map((i) => String(i.path[0]))
  );
  const near = keys.length === 1 ? closestKey(keys[0], known) : undefined;
  return near ? { ...issue, message: `${issue.message}; did you mean "${near}"?` } : issue;
}

/**
 * Of the union branches a value could be meant for, the one whose keys it has: `{normal: {...}}`
 * is an attempt at the `normal` branch, not at `uniform`, which lacks its key and has one too
 * many. Counts, per branch, the keys missing at its top and the unknown ones; the first branch
 * with the fewest wins.
 */
function _closestBranch(branches: readonly z.core.$ZodIssue[][]): z.core.$ZodIssue[] {
  const misfit = (branch: readonly z.core.$ZodIssue[]) =>
    branch.reduce((n, i) => {
      if (i.code === "unrecognized_keys" && i.path.length === 0) return n + i.keys.length;
      const missing = i.code === "invalid_type" && i.path.length === 1 && i.input === undefined;
      return n + (missing ? 1 : 0);
    }, 0);
  let best = branches[0];
  let bestMisfit = misfit(best);
  for (const branch of branches.slice(1)) {
    const m = misfit(branch);
    if (m < bestMisfit) [best, bestMisfit] = [branch, m];
  }
  return best;
}

/** Edit distance, for "did you mean" (keys are short). */
function _distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The closest known key to an unknown one, or undefined when none is close. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  const prefixed = known.filter((c) => c.startsWith(k) || k.startsWith(c));
  if (k.length >= 3 && prefixed.length >= 1) {
    return [...prefixed].sort((a, b) =>
      Math.abs(a.length - k.length) - Math.abs(b.length - k.length)
    )[0];
  }
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of known) {
    const d = _distance(k, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.floor(k.length / 3)) ? best : undefined;
}

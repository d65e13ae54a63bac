/**
 * Error types shared by every subcommand, and the mapping from errors to exit codes.
 *
 * @module
 */
import type { z } from "zod";

/** Exit code for success. */
export const EXIT_OK = 0;
/** Exit code for a runtime failure. */
export const EXIT_FAILURE = 1;
/** Exit code for a usage or configuration error. */
export const EXIT_USAGE = 2;

/** Base class for errors that carry their own exit code and a stable machine code. */
export class HiveError extends Error {
  /** Process exit code this error maps to. */
  readonly exitCode: number;
  /** Stable machine-readable code, e.g. `config_invalid`. */
  readonly code: string;

  constructor(
    message: string,
    options: { code?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? "failure";
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

/** A command-line usage error (unknown flag, bad argument). Exits 2. */
export class UsageError extends HiveError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? "usage", exitCode: EXIT_USAGE, cause: options.cause });
  }
}

/** A configuration or input-file error. Exits 2. */
export class ConfigError extends HiveError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, {
      code: options.code ?? "config_invalid",
      exitCode: EXIT_USAGE,
      cause: options.cause,
    });
  }
}

/** Map any thrown value to the process exit code. */
export function exitCodeFor(error: unknown): number {
  return error instanceof HiveError ? error.exitCode : EXIT_FAILURE;
}

/**
 * Clip untrusted text for an error message or a log line: at most `max` characters, control
 * characters shown as `?`, and the original length said when cut, so an error never echoes more
 * than a short prefix of bad input.
 *
 * @example
 * ```ts
 * clipText("a".repeat(980_000), 20); // 'aaaaaaaaaaaaaaaaa... (980000 chars)'
 * ```
 */
export function clipText(text: string, max = 80): string {
  const head = text.length > max ? text.slice(0, Math.max(0, max - 3)) : text;
  // deno-lint-ignore no-control-regex
  const clean = head.replace(/[\x00-\x1f\x7f]/g, "?");
  return text.length > max ? `${clean}... (${text.length} chars)` : clean;
}

/** Render a value for an error message: short, JSON-like, never multi-line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    // A long string is cut before it is quoted: a 1 MB input must not cost a 1 MB copy.
    // JSON would print Infinity and NaN (from `1e400` in a JSON body) as null.
    text = typeof value === "string"
      ? JSON.stringify(value.length > 100 ? value.slice(0, 100) : value)
      : typeof value === "number" && !Number.isFinite(value)
      ? String(value)
      : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function _pathText(path: readonly PropertyKey[], prefix: string): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

function _expectation(issue: z.core.$ZodIssue): string {
  const message = issue.message;
  // Zod's built-in messages start with these words; anything else was written by us.
  const builtIn = /^(Invalid|Too (small|big)|Unrecognized)/.test(message);
  if (!builtIn) return message;
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${
        issue.keys.slice(0, 5).map((k) => clipText(k, 40)).join(", ")
      }${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ""}`;
    case "too_small":
      return `expected ${issue.origin === "string" ? "length" : "value"} >= ${issue.minimum}`;
    case "too_big":
      return `expected ${issue.origin === "string" ? "length" : "value"} <= ${issue.maximum}`;
    case "invalid_union":
      return "matches none of the allowed shapes";
    default:
      return message;
  }
}

/**
 * Turn zod issues into lines like `ports.http: expected integer 1..65535, got "abc"`.
 * Parse with `{ reportInput: true }` so each issue carries the offending value.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string[] {
  // Bounded: a frame with 100,000 bad fields must not make a 100,000-line message.
  const lines = issues.slice(0, _MAX_ISSUES).map((issue) => {
    const where = clipText(_pathText(issue.path, prefix), 120);
    const what = _expectation(issue);
    if (issue.code === "unrecognized_keys") return `${where}: ${what}`;
    const got = "input" in issue ? `, got ${describeValue(issue.input)}` : "";
    return `${where}: ${what}${got}`;
  });
  if (issues.length > _MAX_ISSUES) lines.push(`and ${issues.length - _MAX_ISSUES} more problems`);
  return lines;
}

const _MAX_ISSUES = 10;

/**
 * Validate `data` with `schema`; on failure throw `ConfigError` (or the given error type)
 * whose message lists every problem with its path and value.
 */
export function parseWith<T extends z.ZodType>(
  schema: T,
  data: unknown,
  options: { what?: string; prefix?: string; makeError?: (message: string) => Error } = {},
): z.output<T> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues, options.prefix);
  const head = options.what ? `${options.what}: ` : "";
  const message = lines.length === 1 ? `${head}${lines[0]}` : `${head}${lines.join("; ")}`;
  throw options.makeError ? options.makeError(message) : new ConfigError(message);
}

/**
 * An error's message for people: Deno's file errors (`No such file or directory (os error 2):
 * readfile '/x'`) become `/x: no such file or directory`, and a leading `hive: ` is dropped
 * because the caller adds its own.
 */
export function humanMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const osError = /^(.*?) \(os error \d+\)(?:: \w+ '([^']*)'.*)?$/s.exec(message);
  if (!osError) return message.replace(/^hive: /, "");
  const [, reason, path] = osError;
  // The OS's own words ("No such file or directory") read as the tail of our sentence.
  const text = reason.replace(/(^|: )([A-Z])(?=[a-z])/g, (_m, lead, c) => lead + c.toLowerCase());
  return path && !text.includes(path) ? `${path}: ${text}` : text.replace(/^hive: /, "");
}

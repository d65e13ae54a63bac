/**
 * Result output: one JSON document (or NDJSON for streams) with `--json`, aligned text otherwise.
 * Only results go to stdout; logs go elsewhere.
 *
 * @module
 */

/** Where output text goes. Defaults to stdout. */
export type WriteText = (text: string) => void;

const _encoder = new TextEncoder();

/** Colours and weights {@link paint} applies. */
export type Paint = "red" | "green" | "yellow" | "dim" | "bold";

/**
 * Colour `text` for a terminal. Plain when the stream is not a terminal (pipes, files) or when
 * `NO_COLOR` is set, so scripts never see escape codes.
 */
export function paint(style: Paint, text: string, stream: "stdout" | "stderr" = "stdout"): string {
  // Deno.noColor is the runtime's reading of NO_COLOR; node:util's styleText would do the same
  // checks but loads the Node compatibility layer, which costs every start of the program.
  const terminal = stream === "stdout" ? Deno.stdout.isTerminal() : Deno.stderr.isTerminal();
  if (Deno.noColor || !terminal) return text;
  const [open, close] = _ANSI[style];
  return `\x1b[${open}m${text}\x1b[${close}m`;
}

const _ANSI: Record<Paint, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  dim: [2, 22],
  bold: [1, 22],
};

const _STATUS_PAINT: Record<string, Paint> = {
  ok: "green",
  running: "green",
  up: "green",
  connected: "green",
  valid: "green",
  passed: "green",
  pass: "green",
  ready: "green",
  starting: "yellow",
  backoff: "yellow",
  stopping: "yellow",
  degraded: "yellow",
  warning: "yellow",
  stopped: "dim",
  idle: "dim",
  failed: "red",
  fail: "red",
  down: "red",
  error: "red",
  crashed: "red",
  invalid: "red",
};

/** A status word (`running`, `failed`, `down`...) in its colour; other text unchanged. */
export function paintStatus(text: string, stream: "stdout" | "stderr" = "stdout"): string {
  const style = _STATUS_PAINT[text.toLowerCase()];
  return style ? paint(style, text, stream) : text;
}

/** Write text to stdout synchronously so stream lines never interleave. */
export function writeStdout(text: string): void {
  const bytes = _encoder.encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

/** Options for {@link Output}. */
export interface OutputOptions {
  /** Machine output: JSON documents and NDJSON lines. */
  json: boolean;
  /** Sink for text; stdout when omitted. */
  write?: WriteText;
}

/** A column of a human table. */
export interface Column<T> {
  /** Header text. */
  header: string;
  /** Cell value for a row. */
  value: (row: T) => unknown;
  /** Right-align (numbers). */
  alignRight?: boolean;
}

/** A number for people: at most 3 decimals below 1, 2 below 100, none above, no grouping. */
export function roundForPeople(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs < 1 ? 3 : abs < 100 ? 2 : 0;
  return String(Number(value.toFixed(digits)));
}

function _cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (typeof value === "number") return roundForPeople(value);
  if (Array.isArray(value)) return value.length ? value.map(_cell).join(",") : "none";
  if (typeof value === "object") {
    // Never raw JSON inside text: `key=value` pairs read as text.
    const pairs = Object.entries(value as Record<string, unknown>);
    return pairs.length ? pairs.map(([k, v]) => `${k}=${_cell(v)}`).join(" ") : "none";
  }
  return String(value);
}

/** Render rows as an aligned text table with a header line. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => _cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  if (rows.length === 0) return "none\n";
  const line = (parts: string[]) =>
    parts.map((p, i) => columns[i].alignRight ? p.padStart(widths[i]) : p.padEnd(widths[i]))
      .join("  ").trimEnd();
  // Colour after padding: escape codes would otherwise count as width.
  const painted = (parts: string[]) =>
    line(parts).split(/(\s+)/).map((part) => paintStatus(part)).join("");
  return [line(columns.map((c) => c.header)), ...cells.map(painted)].join("\n") + "\n";
}

/** Render a flat record as `key: value` lines with aligned values. */
export function formatRecord(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${(k + ":").padEnd(width + 1)} ${paintStatus(_cell(record[k]))}`)
    .join("\n") + "\n";
}

/** Writes command results in the mode the user chose. */
export class Output {
  readonly json: boolean;
  readonly #write: WriteText;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.#write = options.write ?? writeStdout;
  }

  /** Write one result: a JSON document with `--json`, else the human rendering. */
  result<T>(data: T, human: (data: T) => string): void {
    if (this.json) this.#write(JSON.stringify(data, null, 2) + "\n");
    else this.#write(_withNewline(human(data)));
  }

  /** Write one record of a stream: an NDJSON line with `--json`, else a human line. */
  record<T>(data: T, human: (data: T) => string): void {
    if (this.json) this.#write(JSON.stringify(data) + "\n");
    else this.#write(_withNewline(human(data)));
  }

  /** Write a list of rows: a JSON array with `--json`, else an aligned table. */
  table<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
    if (this.json) this.#write(JSON.stringify(rows, null, 2) + "\n");
    else this.#write(formatTable(rows, columns));
  }
}

function _withNewline(text: string): string {
  return text.endsWith("\n") || text === "" ? text : text + "\n";
}

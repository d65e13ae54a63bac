/**
 * Result output: one JSON document (or NDJSON for streams) with `--json`, aligned text otherwise.
 * Only results go to stdout; logs go elsewhere.
 *
 * @module
 */

/** Where output text goes. Defaults to stdout. */
export type WriteText = (text: string) => void;

const _encoder = new TextEncoder();

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

function _cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (Array.isArray(value)) return value.join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Render rows as an aligned text table with a header line. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => _cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (parts: string[]) =>
    parts.map((p, i) => columns[i].alignRight ? p.padStart(widths[i]) : p.padEnd(widths[i]))
      .join("  ").trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n") + "\n";
}

/** Render a flat record as `key: value` lines with aligned values. */
export function formatRecord(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${(k + ":").padEnd(width + 1)} ${_cell(record[k])}`).join("\n") + "\n";
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

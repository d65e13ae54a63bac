/**
 * Structured audit logger: NDJSON lines `{ts, level, msg, component, ...fields}` to stderr or a
 * rotating file, with secret-looking fields redacted.
 *
 * @example
 * ```ts
 * import { createLogger } from "./logger.ts";
 * const log = createLogger({ level: "info" }).child({ component: "host" });
 * log.info("started", { port: 8787, token: "hidden" }); // token is written as "[redacted]"
 * ```
 * @module
 */

/** Severity levels, lowest first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
/** A severity level. */
export type LogLevel = typeof LOG_LEVELS[number];
/** Line format: NDJSON for machines, pretty for people. */
export type LogFormat = "json" | "pretty";
/** Extra structured fields on a log line. */
export type LogFields = Record<string, unknown>;

/** Where formatted lines go. */
export interface LogSink {
  /** Accept one formatted line (with trailing newline). */
  write(line: string, level: LogLevel): void;
  /** Push buffered lines to their destination. */
  flush(): void;
  /** Flush and release resources. */
  close(): void;
}

const _encoder = new TextEncoder();
const REDACTED = "[redacted]";
const _SECRET_SUFFIXES = ["token", "secret", "password", "passwd", "privatekey", "apikey"];
const _secretCache = new Map<string, boolean>();

/** True when a field name looks like it holds a secret (token, key, secret, password...). */
export function isSecretField(name: string): boolean {
  let known = _secretCache.get(name);
  if (known === undefined) {
    const n = name.toLowerCase().replace(/[^a-z]/g, "");
    known = n === "key" || n === "auth" || n === "authorization" ||
      _SECRET_SUFFIXES.some((s) => n.endsWith(s));
    if (_secretCache.size < 10_000) _secretCache.set(name, known);
  }
  return known;
}

function _redact(value: unknown, depth: number): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  if (Array.isArray(value)) return value.map((v) => _redact(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretField(k) ? REDACTED : _redact(v, depth + 1);
  }
  return out;
}

function _needsRedaction(fields: LogFields): boolean {
  for (const key in fields) {
    if (isSecretField(key)) return true;
    const value = fields[key];
    if (value !== null && typeof value === "object") return true;
  }
  return false;
}

/** Writes each line straight to stderr. */
export function stderrSink(): LogSink {
  return {
    write(line) {
      const bytes = _encoder.encode(line);
      let n = 0;
      try {
        while (n < bytes.length) n += Deno.stderr.writeSync(bytes.subarray(n));
      } catch {
        // stderr went away (a closed pipe after the parent died): logging must not kill the
        // program, and other sinks still get the line.
      }
    },
    flush() {},
    close() {},
  };
}

/** Options for {@link fileSink}. */
export interface FileSinkOptions {
  /** Log file path; parent folders are created. */
  path: string;
  /** Rotate when the file would grow past this many bytes. Default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept (`path.1` .. `path.N`). Default 5. */
  maxFiles?: number;
  /** Buffer up to this many bytes before writing. Default 64 KiB. */
  bufferBytes?: number;
}

/**
 * Appends lines to a file with size-based rotation. Lines are buffered and written on a short
 * timer, when the buffer fills, at `error` level, and at process exit, so nothing is lost.
 */
export function fileSink(options: FileSinkOptions): LogSink {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxFiles = Math.max(1, options.maxFiles ?? 5);
  const bufferLimit = options.bufferBytes ?? 64 * 1024;
  const dir = options.path.replace(/\/[^/]*$/, "");
  if (dir && dir !== options.path) Deno.mkdirSync(dir, { recursive: true });
  let file = Deno.openSync(options.path, { append: true, create: true });
  let size = file.statSync().size;
  let pending: string[] = [];
  let pendingBytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const rotate = () => {
    file.close();
    for (let i = maxFiles - 1; i >= 1; i--) {
      try {
        Deno.renameSync(`${options.path}.${i}`, `${options.path}.${i + 1}`);
      } catch { /* that generation does not exist yet */ }
    }
    Deno.renameSync(options.path, `${options.path}.1`);
    try {
      Deno.removeSync(`${options.path}.${maxFiles + 1}`);
    } catch { /* nothing beyond the limit */ }
    file = Deno.openSync(options.path, { append: true, create: true });
    size = 0;
  };

  const writeAll = (bytes: Uint8Array) => {
    let n = 0;
    while (n < bytes.length) n += file.writeSync(bytes.subarray(n));
    size += bytes.length;
  };

  const flush = () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0 || closed) return;
    const text = pending.join("");
    pending = [];
    pendingBytes = 0;
    const bytes = _encoder.encode(text);
    if (size + bytes.length <= maxBytes) {
      writeAll(bytes);
      return;
    }
    // Rotation happens between lines, never inside one.
    let chunk = "";
    let chunkBytes = 0;
    for (const line of text.split(/(?<=\n)/)) {
      const lineBytes = _encoder.encode(line).length;
      if (size + chunkBytes + lineBytes > maxBytes && size + chunkBytes > 0) {
        if (chunk) writeAll(_encoder.encode(chunk));
        rotate();
        chunk = "";
        chunkBytes = 0;
      }
      chunk += line;
      chunkBytes += lineBytes;
    }
    if (chunk) writeAll(_encoder.encode(chunk));
  };

  const onUnload = () => flush();
  globalThis.addEventListener("unload", onUnload);

  return {
    write(line, level) {
      if (closed) return;
      pending.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= bufferLimit || level === "error") flush();
      else if (timer === undefined) {
        const handle = setTimeout(flush, 100);
        Deno.unrefTimer(handle);
        timer = handle;
      }
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      globalThis.removeEventListener("unload", onUnload);
      file.close();
    },
  };
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level written. Default `info`. */
  level?: LogLevel;
  /** Line format. Default `json`. */
  format?: LogFormat;
  /** Destinations. Default: stderr. */
  sinks?: LogSink[];
  /** Clock, for tests. */
  now?: () => Date;
}

const _LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const _PRETTY_LEVEL: Record<LogLevel, string> = {
  debug: "DBG",
  info: "INF",
  warn: "WRN",
  error: "ERR",
};

interface _LoggerCore {
  rank: number;
  format: LogFormat;
  sinks: LogSink[];
  now: () => Date;
}

/** A structured logger; `child` binds fields such as `component`. */
export class Logger {
  readonly #core: _LoggerCore;
  readonly #bound: LogFields;
  readonly #boundJson: string;

  /** Use {@link createLogger}; the constructor is for children. */
  constructor(core: _LoggerCore, bound: LogFields = {}) {
    this.#core = core;
    this.#bound = bound;
    const redacted = _redact(bound, 0) as LogFields;
    const json = JSON.stringify(redacted);
    this.#boundJson = json === "{}" ? "" : json.slice(1, -1);
  }

  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger {
    return new Logger(this.#core, { ...this.#bound, ...fields });
  }

  /** True when lines at `level` are written. */
  enabled(level: LogLevel): boolean {
    return _LEVEL_RANK[level] >= this.#core.rank;
  }

  /** Log at debug level. */
  debug(msg: string, fields?: LogFields): void {
    if (this.#core.rank <= 0) this.#emit("debug", msg, fields);
  }
  /** Log at info level. */
  info(msg: string, fields?: LogFields): void {
    if (this.#core.rank <= 1) this.#emit("info", msg, fields);
  }
  /** Log at warn level. */
  warn(msg: string, fields?: LogFields): void {
    if (this.#core.rank <= 2) this.#emit("warn", msg, fields);
  }
  /** Log at error level. */
  error(msg: string, fields?: LogFields): void {
    this.#emit("error", msg, fields);
  }

  /** Write buffered lines now. */
  flush(): void {
    for (const sink of this.#core.sinks) sink.flush();
  }

  /** Flush and close every sink. */
  close(): void {
    for (const sink of this.#core.sinks) sink.close();
  }

  #emit(level: LogLevel, msg: string, fields?: LogFields): void {
    const ts = this.#core.now().toISOString();
    const line = this.#core.format === "json"
      ? this.#json(ts, level, msg, fields)
      : this.#pretty(ts, level, msg, fields);
    for (const sink of this.#core.sinks) sink.write(line, level);
  }

  #json(ts: string, level: LogLevel, msg: string, fields?: LogFields): string {
    let line = `{"ts":"${ts}","level":"${level}","msg":${JSON.stringify(msg)}`;
    if (this.#boundJson) line += "," + this.#boundJson;
    if (fields) {
      const extra = JSON.stringify(_needsRedaction(fields) ? _redact(fields, 0) : fields);
      if (extra.length > 2) line += "," + extra.slice(1, -1);
    }
    return line + "}\n";
  }

  #pretty(ts: string, level: LogLevel, msg: string, fields?: LogFields): string {
    const all = _redact({ ...this.#bound, ...fields }, 0) as LogFields;
    const component = all.component ? `[${all.component}] ` : "";
    delete all.component;
    const rest = Object.entries(all).map(([k, v]) =>
      `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
    ).join(" ");
    return `${ts.slice(11, 23)} ${_PRETTY_LEVEL[level]} ${component}${msg}${
      rest ? " " + rest : ""
    }\n`;
  }
}

/** Create a root logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return new Logger({
    rank: _LEVEL_RANK[options.level ?? "info"],
    format: options.format ?? "json",
    sinks: options.sinks ?? [stderrSink()],
    now: options.now ?? (() => new Date()),
  });
}

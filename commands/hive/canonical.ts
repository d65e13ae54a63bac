/**
 * Python-compatible JSON text. cl-hive signs strings made by Python's
 * `json.dumps(obj, sort_keys=True, separators=(",", ":"))` and frames messages with
 * `json.dumps(envelope, separators=(",", ":"))`; a signature only checks if we produce the same
 * bytes. `JSON.stringify` differs in three ways that matter: it writes non-ASCII characters
 * raw (Python's default `ensure_ascii` escapes them as `\uXXXX`), it cannot tell the float `1.0`
 * from the int `1`, and it writes exponents as `1e+21`/`1e-7` where Python writes `1e+21`/`1e-07`
 * and switches to exponents at other magnitudes. This module is the one place that knows that.
 *
 * @example
 * ```ts
 * import { pyDumps, pyFloat } from "./canonical.ts";
 * pyDumps({ b: pyFloat(1), a: "é" }, { sortKeys: true }); // '{"a":"\\u00e9","b":1.0}'
 * ```
 * @module
 */

/** A number that Python holds as a float, so an integral value prints as `1.0`, not `1`. */
export class PyFloat {
  /** The numeric value. */
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
  /** Arithmetic on a PyFloat uses its value. */
  valueOf(): number {
    return this.value;
  }
  /** JSON.stringify sees the bare number. */
  toJSON(): number {
    return this.value;
  }
}

/** Mark `value` as a Python float. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/** The numeric value of a number or a {@link PyFloat}; `undefined` for anything else. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value instanceof PyFloat) return value.value;
  return undefined;
}

/** Options of {@link pyDumps}. */
export interface PyDumpsOptions {
  /** Python's `sort_keys`. Default false: keys keep insertion order. */
  sortKeys?: boolean;
  /** Python's `separators`; default compact `[",", ":"]`. */
  separators?: [string, string];
  /** Python's `ensure_ascii`; default true, as in Python. */
  ensureAscii?: boolean;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
 * decimal exponent is in -4..15, else `d.ddde+XX` with at least two exponent digits.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest round-trip digits.
  const [mant, expText] = Math.abs(x).toExponential().split("e");
  const exp = Number(expText);
  const digits = mant.replace(".", "");
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, "0");
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
}

const _SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

const _PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function _hex4(code: number): string {
  return "\\u" + code.toString(16).padStart(4, "0");
}

/** A Python JSON string literal; with `ensureAscii` every UTF-16 unit outside 0x20..0x7e is escaped. */
export function pyString(text: string, ensureAscii = true): string {
  // Fast path: printable ASCII without quote or backslash needs no escaping at all.
  if (_PLAIN.test(text)) return '"' + text + '"';
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    const short = _SHORT_ESCAPES[ch];
    if (short) out += short;
    else if (code < 0x20) out += _hex4(code);
    // Python's ensure_ascii escapes everything outside 0x20..0x7e (DEL included), one
    // \uXXXX per UTF-16 unit, so astral characters become surrogate pairs, as in JS strings.
    else if (code >= 0x7f && ensureAscii) out += _hex4(code);
    else out += ch;
  }
  return out + '"';
}

/** Compare strings by code point, as Python sorts `str` keys (JS sorts UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  while (true) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * `json.dumps(value, sort_keys=..., separators=..., ensure_ascii=...)` as Python writes it.
 * Integers print as integers; {@link PyFloat} and non-integral numbers as Python floats.
 * `undefined` object members are skipped (Python would have no such key).
 */
export function pyDumps(value: unknown, options: PyDumpsOptions = {}): string {
  const [itemSep, keySep] = options.separators ?? [",", ":"];
  const ascii = options.ensureAscii ?? true;
  const sortKeys = options.sortKeys ?? false;
  const walk = (v: unknown): string => {
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (v instanceof PyFloat) return pyFloatRepr(v.value);
    if (typeof v === "number") {
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? BigInt(v).toString() : pyFloatRepr(v);
    }
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string") return pyString(v, ascii);
    if (Array.isArray(v)) return "[" + v.map(walk).join(itemSep) + "]";
    if (typeof v === "object") {
      let keys = Object.keys(v as object).filter((k) =>
        (v as Record<string, unknown>)[k] !== undefined
      );
      if (sortKeys) keys = keys.sort(compareCodePoints);
      return "{" +
        keys.map((k) => pyString(k, ascii) + keySep + walk((v as Record<string, unknown>)[k]))
          .join(itemSep) +
        "}";
    }
    throw new TypeError(`Object of type ${typeof v} is not JSON serializable`);
  };
  return walk(value);
}

const _PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Python's compact `json.dumps(value, separators=(",", ":"))` in insertion order, via
 * `JSON.stringify` when that gives the same bytes (integers only, no {@link PyFloat}, printable
 * ASCII out), else {@link pyDumps}. Framing large messages this way is several times faster.
 */
export function pyDumpsCompact(value: unknown): string {
  let exact = true;
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    if (typeof v === "number" && (!Number.isInteger(v) || Math.abs(v) >= 1e21)) exact = false;
    else if (this[key] instanceof PyFloat) exact = false;
    else if (typeof v === "bigint") {
      exact = false;
      return 0; // JSON.stringify cannot write a bigint; pyDumps below does
    }
    return v;
  });
  if (exact && text !== undefined && _PRINTABLE.test(text)) return text;
  return pyDumps(value);
}

/** Python's `json.dumps(v, sort_keys=True, separators=(",", ":"))`: what cl-hive signs. */
export function canonicalJson(value: unknown): string {
  return pyDumps(value, { sortKeys: true });
}

const _MAYBE_FLOAT = /[0-9]\.[0-9]|[0-9][eE][-+][0-9]/;
// 2^53 has 16 digits: a shorter run of digits is always a safe integer. A JSON number follows
// ":", "," or "[", which keeps runs of digits inside hex strings from matching.
const _MAYBE_BIG = /[:,[]\s*-?[0-9]{16}/;
const _INTEGER = /^-?[0-9]+$/;

/**
 * `JSON.parse` that keeps what Python keeps. A number written with `.`, `e` or `E` whose value is
 * integral comes back as a {@link PyFloat}, so re-serialising `1.0` gives `1.0` again; an
 * integer beyond `Number.MAX_SAFE_INTEGER` (msat amounts, u64 ids such as 18446744073709551615)
 * comes back as a `bigint` with every digit, where a plain parse would round it. Every writer in
 * this module prints bigints as Python prints ints, so such a payload re-encodes byte for byte
 * and its signing strings are the sender's.
 *
 * Hand-written rather than a big-number JSON library (json-bigint, lossless-json) because the
 * platform parser already exposes each number's source text to the reviver (JSON.parse source
 * text access, in V8 and Deno), which is all that is needed, and the float-ness rule above has
 * to live in the same reviver anyway.
 */
export function parsePyJson(text: string): unknown {
  // A reviver slows JSON.parse several times over; Python writes every float with a "." or an
  // "e+"/"e-", and an unsafe integer has at least 16 digits, so text without either pattern
  // cannot need one.
  const floats = _MAYBE_FLOAT.test(text), big = _MAYBE_BIG.test(text);
  if (!floats && !big) return JSON.parse(text);
  return JSON.parse(
    text,
    function (_key: string, value: unknown, context?: { source?: string }) {
      if (typeof value === "number" && Number.isInteger(value) && context?.source) {
        const src = context.source;
        if (floats && /[.eE]/.test(src)) return new PyFloat(value);
        if (big && !Number.isSafeInteger(value) && _INTEGER.test(src)) return BigInt(src);
      }
      return value;
    } as (this: unknown, key: string, value: unknown) => unknown,
  );
}

/**
 * A copy of `value` that `JSON.stringify` writes without loss: every `bigint` becomes raw JSON
 * digits (`JSON.rawJSON`) and every {@link PyFloat} its number. For results printed with
 * `--json`, whose writer is the plain `JSON.stringify`.
 */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return _rawJSON(value.toString());
  if (value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}

const _rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

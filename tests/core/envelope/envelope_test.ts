/**
 * `parseEnvelope` (plain checks first, zod for the rest) gives zod's verdict on every input:
 * each field of a valid envelope replaced by values at and around its bounds, of other types, with
 * surrogate pairs, and whole objects with keys missing, extra, or inherited.
 */
import { deepEqual, equal } from "@std/assert";
import { envelopeSchema, parseEnvelope, signEnvelope } from "../../../core/envelope/envelope.ts";
import { generateKeyFile, identityFromKeyFile } from "../../../core/identity/identity.ts";

const me = await identityFromKeyFile(await generateKeyFile("hap", "alice"), {
  role: "operator",
  capabilities: [],
});
const valid = { ...signEnvelope(me, { topic: "/hive/chat/general", payload: "hi" }) };

const _emoji = "\u{1F600}";
function _strings(max: number): unknown[] {
  return [
    "",
    "a",
    "a".repeat(max),
    "a".repeat(max + 1),
    _emoji.repeat(max / 2),
    _emoji.repeat(max / 2 + 1),
    _emoji.repeat(max),
    _emoji.repeat(max + 1),
    "\ud800".repeat(Math.max(1, max / 2)),
    "a".repeat(16),
    _emoji.repeat(8),
    _emoji.repeat(16),
    "a".repeat(15) + _emoji,
    5,
    null,
    true,
    ["a"],
    { a: 1 },
  ];
}

const _values: Record<string, unknown[]> = {
  v: [1, 0, 2, "1", 1.0, null],
  from: _strings(64),
  role: _strings(32),
  kind: ["agent", "hap", "Agent", "", 1],
  topic: _strings(256),
  ts: [0, -0, 1, -1, 1.5, 2 ** 53 - 1, 2 ** 53, Infinity, NaN, "1", null],
  nonce: _strings(32),
  type: _strings(64),
  payload: ["", "x".repeat(1_048_576), "x".repeat(1_048_577), _emoji.repeat(524_289), 7],
  key: _strings(64),
  sig: _strings(128),
};

function _same(input: unknown, what: string): void {
  const fast = parseEnvelope(input);
  const zod = envelopeSchema.safeParse(input);
  equal(fast.success, zod.success, `${what}: same verdict`);
  if (fast.success && zod.success) deepEqual({ ...fast.data }, { ...zod.data }, what);
  if (!fast.success && !zod.success) deepEqual(fast.error.issues, zod.error.issues, what);
}

Deno.test("parseEnvelope: the same verdict as the schema, field by field", () => {
  _same(valid, "valid");
  let accepted = 0;
  for (const [field, values] of Object.entries(_values)) {
    for (const [i, value] of values.entries()) {
      const input = { ...valid, [field]: value };
      _same(input, `${field} #${i}`);
      if (envelopeSchema.safeParse(input).success) accepted++;
    }
  }
  equal(accepted > 30, true, "many variants are valid, so both paths are exercised");
});

Deno.test("parseEnvelope: keys missing, extra, inherited, and other shapes", () => {
  for (const field of Object.keys(valid)) {
    const { [field as keyof typeof valid]: _gone, ...rest } = valid;
    _same(rest, `without ${field}`);
    _same({ ...rest, extra: 1 }, `${field} swapped for an extra key`);
  }
  _same({ ...valid, extra: 1 }, "an extra key");
  _same(JSON.parse(JSON.stringify(valid).replace('"v":1', '"__proto__":{},"v":1')), "__proto__");
  _same(
    Object.assign(Object.create({ sig: valid.sig }), { ...valid, sig: undefined }),
    "sig inherited",
  );
  const { sig: _s, ...noSig } = valid;
  _same(Object.assign(Object.create({ sig: valid.sig }), noSig), "sig only inherited");
  for (const other of [null, 1, "x", [], [valid], undefined]) _same(other, String(other));
});

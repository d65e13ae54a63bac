import { deepEqual, equal, match, ok } from "@std/assert";
import { generateKeyFile, identityFromKeyFile } from "../../../core/identity/identity.ts";
import { encodeEnvelope, signatureValid, signEnvelope } from "../../../core/envelope/envelope.ts";
import { peerIdOfKey } from "../../../core/identity/peer_key.ts";
import { type Drop, dropMetrics, EnvelopeVerifier } from "../../../core/envelope/verifier.ts";

const TOPIC = "/hive/chat/general";

async function identity(id: string, role = "operator") {
  return await identityFromKeyFile(await generateKeyFile("hap", id), { role, capabilities: [] });
}

function setup(now = 1_000_000) {
  const drops: Drop[] = [];
  const keys = new Map<string, string>();
  const verifier = new EnvelopeVerifier({
    skewMs: 30_000,
    now: () => now,
    keyOf: (id) => keys.get(id),
    authorize: (role, topic) =>
      role === "observer" ? `role ${role} may not publish on ${topic}` : null,
    onDrop: (d) => drops.push(d),
  });
  return { verifier, drops, keys, now };
}

Deno.test("a signed envelope verifies and keeps every field", async () => {
  const alice = await identity("alice");
  const { verifier } = setup();
  const env = signEnvelope(alice, { topic: TOPIC, payload: "hello", ts: 1_000_000 });
  const result = verifier.verify(encodeEnvelope(env), TOPIC);
  ok(result.ok);
  if (result.ok) {
    equal(result.envelope.from, "alice");
    equal(result.envelope.role, "operator");
    equal(result.envelope.kind, "hap");
    equal(result.envelope.payload, "hello");
  }
  equal(verifier.accepted, 1);
});

Deno.test("forged, tampered, replayed, stale, unsigned and denied messages are dropped per reason", async () => {
  const alice = await identity("alice");
  const mallory = await identity("mallory");
  const observer = await identity("olly", "observer");
  const { verifier, drops, keys } = setup();
  keys.set("alice", alice.public_key);
  const good = signEnvelope(alice, { topic: TOPIC, payload: "hello", ts: 1_000_000 });

  // Signed with another key but claiming alice's key: the signature does not verify.
  const forged = {
    ...signEnvelope(mallory, { topic: TOPIC, payload: "x", ts: 1_000_000 }),
    from: "alice",
    key: alice.public_key,
  };
  equal(verifier.verify(JSON.stringify(forged), TOPIC).ok, false);
  // Signed properly by mallory's key but claiming to be alice: key mismatch with the pin.
  const impostor = signEnvelope({ ...mallory, id: "alice" }, {
    topic: TOPIC,
    payload: "x",
    ts: 1_000_000,
  });
  equal(verifier.verify(encodeEnvelope(impostor), TOPIC).ok, false);
  // Tampered payload.
  equal(verifier.verify(JSON.stringify({ ...good, payload: "hellO" }), TOPIC).ok, false);
  // First delivery is fine, the second is a replay.
  equal(verifier.verify(encodeEnvelope(good), TOPIC).ok, true);
  equal(verifier.verify(encodeEnvelope(good), TOPIC).ok, false);
  // Stale: 31 s old.
  const old = signEnvelope(alice, { topic: TOPIC, payload: "late", ts: 1_000_000 - 31_000 });
  equal(verifier.verify(encodeEnvelope(old), TOPIC).ok, false);
  // Unsigned: plain text, and an envelope with its signature removed.
  equal(verifier.verify("just text", TOPIC).ok, false);
  const { sig: _sig, ...unsigned } = good;
  equal(verifier.verify(JSON.stringify(unsigned), TOPIC).ok, false);
  // Replayed onto another topic.
  equal(verifier.verify(encodeEnvelope(good), "/hive/chat/other").ok, false);
  // Malformed field.
  equal(verifier.verify(JSON.stringify({ ...good, ts: "soon" }), TOPIC).ok, false);
  // A role that may not publish here.
  const denied = signEnvelope(observer, { topic: TOPIC, payload: "hi", ts: 1_000_000 });
  equal(verifier.verify(encodeEnvelope(denied), TOPIC).ok, false);

  deepEqual(verifier.drops(), {
    unsigned: 2,
    malformed: 1,
    bad_signature: 2,
    key_mismatch: 1,
    topic_mismatch: 1,
    stale: 1,
    replayed: 1,
    rbac_denied: 1,
  });
  equal(drops.length, 10);
  equal(verifier.accepted, 1);
  const denial = drops.find((d) => d.reason === "rbac_denied");
  equal(denial?.from, "olly");
  match(denial?.detail ?? "", /role observer may not publish/);
  const metrics = dropMetrics(verifier.drops(), verifier.accepted);
  match(metrics, /hive_envelopes_dropped_total\{reason="replayed"\} 1/);
  match(metrics, /hive_envelopes_accepted_total 1/);
});

Deno.test("the nonce cache stays bounded and old nonces are answered by the clock check", async () => {
  const alice = await identity("alice");
  let now = 1_000_000;
  const verifier = new EnvelopeVerifier({ skewMs: 1_000, maxNonces: 10, now: () => now });
  const first = signEnvelope(alice, { topic: TOPIC, payload: "0", ts: now });
  ok(verifier.verify(encodeEnvelope(first), TOPIC).ok);
  now += 2_000;
  for (let i = 1; i <= 30; i++) {
    ok(
      verifier.verify(
        encodeEnvelope(signEnvelope(alice, { topic: TOPIC, payload: `${i}`, ts: now })),
        TOPIC,
      ).ok,
    );
  }
  // The first nonce was pruned, yet its replay is still dropped, as stale.
  const again = verifier.verify(encodeEnvelope(first), TOPIC);
  equal(again.ok, false);
  if (!again.ok) equal(again.reason, "stale");
});

Deno.test("a peer-signed envelope is taken only from the peer of its own key", async () => {
  const alice = await identity("alice");
  const { verifier, drops } = setup();
  const env = signEnvelope(alice, {
    topic: TOPIC,
    payload: "hi",
    ts: 1_000_000,
    signature: "peer",
  });
  equal(env.sig, "peer");
  equal(signatureValid(env), false, "no signature of its own to check");
  const wire = encodeEnvelope(env);
  const mallory = await identity("mallory");
  const fromMallory = verifier.verify(wire, TOPIC, peerIdOfKey(mallory.publicKey));
  equal(fromMallory.ok, false);
  if (!fromMallory.ok) equal(fromMallory.reason, "bad_signature");
  match(drops[0].detail, /peer-signed, but published by 12D3KooW/);
  const noAuthor = verifier.verify(wire, TOPIC);
  equal(noAuthor.ok, false);
  if (!noAuthor.ok) equal(noAuthor.reason, "bad_signature");
  ok(verifier.verify(wire, TOPIC, peerIdOfKey(alice.publicKey)).ok);
  // The other checks still apply to it: a second copy is a replay.
  const again = verifier.verify(wire, TOPIC, peerIdOfKey(alice.publicKey));
  equal(again.ok, false);
  if (!again.ok) equal(again.reason, "replayed");
});

Deno.test("a flood inside one window keeps the nonce cache bounded and recent replays dropped", async () => {
  const alice = await identity("alice");
  const now = 1_000_000;
  const verifier = new EnvelopeVerifier({ skewMs: 30_000, maxNonces: 20, now: () => now });
  const wires: string[] = [];
  for (let i = 0; i < 50; i++) {
    const wire = encodeEnvelope(signEnvelope(alice, { topic: TOPIC, payload: `${i}`, ts: now }));
    wires.push(wire);
    ok(verifier.verify(wire, TOPIC).ok);
    ok(verifier.remembered <= 20, `at most 20 nonces kept, not ${verifier.remembered}`);
  }
  const replay = verifier.verify(wires[49], TOPIC);
  equal(replay.ok, false);
  if (!replay.ok) equal(replay.reason, "replayed");
});

/**
 * Envelope cost: sign + verify of a chat envelope (canonical encoding, Ed25519, base64, JSON,
 * schema check, replay cache) against raw Ed25519 sign + verify of the same bytes with the same
 * primitive (`core/identity/ed25519.ts`). The issue
 * asks for at least 0.8x of raw; deno bench prints the ratio in the group summary and this file
 * prints it once more as `ratio envelope/raw`.
 *
 * Run: deno bench --allow-all tests/bench/hap_envelope_bench.ts
 */
import process from "node:process";
import { ed25519Sign, ed25519Verify } from "../../core/identity/ed25519.ts";
import {
  canonicalBytes,
  encodeEnvelope,
  EnvelopeVerifier,
  signEnvelope,
} from "../../core/envelope/mod.ts";
import { generateKeyFile, identityFromKeyFile } from "../../core/identity/identity.ts";

const me = await identityFromKeyFile(await generateKeyFile("hap", "bench"), {
  role: "operator",
  capabilities: [],
});
const TOPIC = "/hive/chat/general";
const payload = JSON.stringify({ v: 1, text: "x".repeat(120), sent_at: new Date().toISOString() });
const verifier = new EnvelopeVerifier({ maxNonces: 1_000_000 });
const sample = signEnvelope(me, { topic: TOPIC, payload, type: "chat" });
const bytes = canonicalBytes(sample);

function raw(): void {
  const sig = ed25519Sign(bytes, me.secretKey, me.publicKey);
  if (!ed25519Verify(sig, bytes, me.public_key)) throw new Error("raw verify failed");
}

function envelope(): void {
  const wire = encodeEnvelope(signEnvelope(me, { topic: TOPIC, payload, type: "chat" }));
  if (!verifier.verify(wire, TOPIC).ok) throw new Error("envelope verify failed");
}

Deno.bench({ name: "raw Ed25519 sign+verify", group: "envelope", baseline: true, fn: raw });
Deno.bench({ name: "envelope sign+verify", group: "envelope", fn: envelope });

// One direct measurement for the README line: short alternating rounds of each, so load from
// other processes on a shared machine falls on both sides alike. Wall time gives the rates; the
// process's CPU time (user + system) gives a second ratio that other processes' load on a shared
// machine does not skew (this loop is single-threaded: on an idle machine the two agree).
// The median of the rounds' own ratios is printed too: a round that another process's burst hit
// moves the totals, not the median.
function _ratio(rounds: number, perRound: number) {
  let rawMs = 0;
  let envMs = 0;
  let rawCpu = 0;
  let envCpu = 0;
  const perRoundCpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let c = process.cpuUsage();
    let t = performance.now();
    for (let i = 0; i < perRound; i++) raw();
    rawMs += performance.now() - t;
    let d = process.cpuUsage(c);
    const rawRound = d.user + d.system;
    rawCpu += rawRound;
    c = process.cpuUsage();
    t = performance.now();
    for (let i = 0; i < perRound; i++) envelope();
    envMs += performance.now() - t;
    d = process.cpuUsage(c);
    envCpu += d.user + d.system;
    perRoundCpu.push(rawRound / (d.user + d.system));
  }
  const n = rounds * perRound;
  perRoundCpu.sort((a, b) => a - b);
  return {
    raw: n / (rawMs / 1000),
    envelope: n / (envMs / 1000),
    cpu: rawCpu / envCpu,
    cpuMedian: perRoundCpu[perRoundCpu.length >> 1],
    rawCpuUs: rawCpu / n,
    envCpuUs: envCpu / n,
  };
}
// Warm-up: 3,000 of each first, so the optimizing compiler's work (on background threads, which
// the process's CPU time counts) is done before measuring the steady state.
_ratio(30, 100);
const { raw: r, envelope: e, cpu, cpuMedian, rawCpuUs, envCpuUs } = _ratio(100, 100);
console.log(
  `raw ${r.toFixed(0)}/s, envelope ${e.toFixed(0)}/s, ratio envelope/raw ${(e / r).toFixed(2)}x ` +
    `(by CPU time ${cpu.toFixed(2)}x: ${rawCpuUs.toFixed(1)} vs ${envCpuUs.toFixed(1)} µs; ` +
    `median of rounds ${cpuMedian.toFixed(2)}x)`,
);

/**
 * Bus publish -> deliver throughput with 1 and 10 subscribers, against EventTarget and
 * node:events EventEmitter measured in the same run. Target: >= 1.0x EventEmitter.
 */
import { EventEmitter } from "node:events";
import { Bus } from "../../core/bus.ts";

function setups(subscribers: number) {
  let delivered = 0;
  const bus = new Bus<{ msg: { n: number } }>();
  for (let i = 0; i < subscribers; i++) bus.on("msg", (p) => void (delivered += p.n));
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  for (let i = 0; i < subscribers; i++) {
    emitter.on("msg", (p: { n: number }) => void (delivered += p.n));
  }
  const target = new EventTarget();
  for (let i = 0; i < subscribers; i++) {
    target.addEventListener("msg", (e) => void (delivered += (e as CustomEvent).detail.n));
  }
  return {
    bus: () => bus.publish("msg", { n: 1 }),
    emitter: () => emitter.emit("msg", { n: 1 }),
    target: () => target.dispatchEvent(new CustomEvent("msg", { detail: { n: 1 } })),
    delivered: () => delivered,
  };
}

const BATCH = 1000;

for (const subscribers of [1, 10]) {
  const s = setups(subscribers);
  const group = `publish x${BATCH}, ${subscribers} subscriber(s)`;
  Deno.bench(`EventEmitter (${subscribers})`, { group, baseline: true }, () => {
    for (let i = 0; i < BATCH; i++) s.emitter();
  });
  Deno.bench(`hive Bus (${subscribers})`, { group }, () => {
    for (let i = 0; i < BATCH; i++) s.bus();
  });
  Deno.bench(`EventTarget (${subscribers})`, { group }, () => {
    for (let i = 0; i < BATCH; i++) s.target();
  });
}

function rate(fn: () => void, rounds: number): number {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return rounds / ((performance.now() - start) / 1000);
}

// Best of several interleaved rounds, so JIT warm-up and a noisy neighbour hit every side alike.
function bestRates(s: ReturnType<typeof setups>) {
  const best = { bus: 0, emitter: 0, target: 0 };
  for (let round = 0; round < 7; round++) {
    best.bus = Math.max(best.bus, rate(s.bus, 200_000));
    best.emitter = Math.max(best.emitter, rate(s.emitter, 200_000));
    best.target = Math.max(best.target, rate(s.target, 20_000));
  }
  return best;
}

for (const subscribers of [1, 10]) {
  const { bus, emitter, target } = bestRates(setups(subscribers));
  console.log(
    `bus ${subscribers} sub: ${(bus / 1e6).toFixed(2)}M publish/s; ` +
      `ratio vs EventEmitter ${(bus / emitter).toFixed(2)}x (target >= 1.0x), ` +
      `vs EventTarget ${(bus / target).toFixed(2)}x`,
  );
}

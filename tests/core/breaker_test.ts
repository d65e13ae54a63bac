import { deepEqual, equal } from "@std/assert";
import { BreakerOpenError, type BreakerState, CircuitBreaker } from "../../core/breaker.ts";
import { rejection } from "../_helpers.ts";

function clockedBreaker() {
  let now = 0;
  const changes: string[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    openMs: 1000,
    successThreshold: 2,
    now: () => now,
    onStateChange: (from: BreakerState, to: BreakerState) => changes.push(`${from}->${to}`),
  });
  return { breaker, changes, advance: (ms: number) => now += ms };
}

const fail = () => Promise.reject(new Error("down"));
const succeed = () => Promise.resolve("up");

Deno.test("opens after the failure threshold and fails fast", async () => {
  const { breaker } = clockedBreaker();
  for (let i = 0; i < 3; i++) await rejection(breaker.call(fail), Error);
  equal(breaker.state, "open");
  let ran = false;
  const error = await rejection(breaker.call(() => ran = true), BreakerOpenError);
  equal(ran, false);
  equal(error.retryInMs, 1000);
  deepEqual(breaker.counters, { calls: 3, successes: 0, failures: 3, rejected: 1, opened: 1 });
});

Deno.test("a success resets the failure streak while closed", async () => {
  const { breaker } = clockedBreaker();
  await rejection(breaker.call(fail), Error);
  await rejection(breaker.call(fail), Error);
  await breaker.call(succeed);
  await rejection(breaker.call(fail), Error);
  equal(breaker.state, "closed");
});

Deno.test("half-open: trial successes close, a trial failure reopens", async () => {
  const { breaker, changes, advance } = clockedBreaker();
  for (let i = 0; i < 3; i++) await rejection(breaker.call(fail), Error);
  advance(1000);
  equal(breaker.state, "half-open");
  equal(await breaker.call(succeed), "up");
  equal(breaker.state, "half-open", "needs two trial successes");
  await breaker.call(succeed);
  equal(breaker.state, "closed");
  for (let i = 0; i < 3; i++) await rejection(breaker.call(fail), Error);
  advance(1000);
  await rejection(breaker.call(fail), Error);
  equal(breaker.state, "open");
  deepEqual(changes, [
    "closed->open",
    "open->half-open",
    "half-open->closed",
    "closed->open",
    "open->half-open",
    "half-open->open",
  ]);
});

Deno.test("half-open admits a limited number of concurrent trials", async () => {
  const { breaker, advance } = clockedBreaker();
  for (let i = 0; i < 3; i++) await rejection(breaker.call(fail), Error);
  advance(1000);
  const { promise, resolve } = Promise.withResolvers<string>();
  const trial = breaker.call(() => promise);
  await rejection(breaker.call(succeed), BreakerOpenError);
  resolve("ok");
  equal(await trial, "ok");
});

Deno.test("record() feeds outcomes from probes; reset() closes", () => {
  const { breaker } = clockedBreaker();
  breaker.record(false);
  breaker.record(false);
  breaker.record(false);
  equal(breaker.state, "open");
  breaker.reset();
  equal(breaker.state, "closed");
});

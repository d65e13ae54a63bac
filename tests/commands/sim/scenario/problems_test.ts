/** Scenario problems are collected and thrown together, each naming its path and value. */
import { equal, ok, throws } from "@std/assert";
import { Problems, ScenarioError } from "../../../../commands/sim/scenario/problems.ts";
import { ConfigError } from "../../../../core/errors.ts";

Deno.test("check() does nothing without problems and throws all of them at once", () => {
  const problems = new Problems("demo.yaml");
  problems.check();
  problems.add(["agents", "m", "hashrate"], "a miner needs a hashrate > 0", 0);
  problems.add(["network"], "set one of type, gml or topology");
  equal(problems.list.length, 2);
  throws(() => problems.check(), (e: unknown) => {
    if (!(e instanceof ConfigError)) return false;
    ok(e.message.startsWith("scenario demo.yaml: "));
    ok(e.message.includes("agents.m.hashrate"));
    ok(e.message.includes("got 0"));
    ok(e.message.includes("set one of type, gml or topology"));
    return true;
  });
});

Deno.test("check() lists a line already listed only once", () => {
  const problems = new Problems("demo.yaml");
  problems.add(["general", "seed"], "too big", 1e23);
  problems.add(["general", "seed"], "too big", 1e23);
  problems.add(["general", "seed"], "too big", 1e24);
  throws(() => problems.check(), (e: unknown) => {
    if (!(e instanceof ScenarioError)) return false;
    equal(e.problems.length, 2);
    equal(
      e.message,
      "scenario demo.yaml: 2 problems:\n  general.seed: too big, got 1e+23\n  " +
        "general.seed: too big, got 1e+24",
    );
    return true;
  });
});

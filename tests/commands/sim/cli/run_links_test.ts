import { equal, match } from "@std/assert";
import { FIXTURES, hive, withTemp } from "../_cli.ts";

Deno.test("sim run --links: a bad mode, a misspelt flag or another engine exit 2 naming them", async () => {
  await withTemp(async (tmp) => {
    const ring = `${FIXTURES}ring.yaml`;
    const [badMode, misspelt, notLocal, accepted] = await Promise.all([
      hive("sim", "run", ring, "--engine", "local", "--out", `${tmp}/a`, "--links", "fast"),
      hive("sim", "run", ring, "--engine", "local", "--out", `${tmp}/b`, "--link", "relay"),
      hive("sim", "run", ring, "--engine", "des", "--out", `${tmp}/c`, "--links", "relay"),
      // A valid mode passes validation and reaches the engine, which then fails on the
      // missing monerod (exit 1, not 2).
      hive(
        ...["sim", "run", ring, "--engine", "local", "--out", `${tmp}/d`, "--links", "ideal"],
        ...["--monerod-bin", `${tmp}/no-such-monerod`],
      ),
    ]);
    equal(badMode.code, 2, badMode.stderr);
    match(badMode.stderr, /--links: expected auto, relay, netns or ideal, got "fast"/);
    equal(misspelt.code, 2, misspelt.stderr);
    match(misspelt.stderr, /unknown option '--link'[\s\S]*--links/);
    equal(notLocal.code, 2, notLocal.stderr);
    match(notLocal.stderr, /--links: applies to --engine local only, got --engine des/);
    equal(accepted.code, 1, accepted.stderr);
    match(accepted.stderr, /no-such-monerod not found/);
  });
});

/**
 * `hive sim run --engine local` on a terminal: each phase the local engine reports (`start
 * nodes`, `simulate`, `settle`) draws its own progress bar with ETA on stderr. The run sits under a
 * pseudo-terminal made by util-linux `script`, as a person's shell would give it one.
 * (`fund wallets` needs a user's 80 unlock blocks, tens of seconds: its reports are checked
 * against a real mining monerod in sim_api_local_test.ts, as are the `--json` records.)
 *
 * @module
 */
import { match, ok } from "@std/assert";
import { deadline, MAIN_MODULE } from "../_helpers.ts";

const SCENARIO = `name: bar-local
general: { stop_time: 1m, seed: 3 }
network: { topology: ring, peer_mode: hardcoded }
agents:
  miner-1: { kind: miner, hashrate: 100 }
`;

const HAVE = await Promise.all(
  ["/usr/bin/monerod", "/usr/bin/script"].map((p) => Deno.stat(p).then(() => true, () => false)),
);

Deno.test({
  name: "hive sim run --engine local on a terminal: a bar with ETA per phase",
  ignore: !HAVE.every(Boolean),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "sim_bar_" });
    try {
      await Deno.writeTextFile(`${dir}/s.yaml`, SCENARIO);
      const hive = [Deno.execPath(), "run", "-A", "--quiet", MAIN_MODULE];
      const args = ["sim", "run", `${dir}/s.yaml`, "--engine", "local", "--out", `${dir}/run`];
      const line = [...hive, ...args, "--time-scale", "60"].map((a) => `'${a}'`).join(" ");
      const child = new Deno.Command("script", {
        args: ["-qfec", line, "/dev/null"],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1", NO_PROGRESS: "" },
      }).spawn();
      const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      const result = await deadline(child.output(), 95_000, "the run under a terminal")
        .finally(() => clearTimeout(timer));
      const text = new TextDecoder().decode(result.stdout);
      ok(result.success, text);
      // cli-progress redraws in place (carriage returns, cursor moves); each draw is a frame.
      const esc = "\u001b";
      const frames = text.split(new RegExp(`\r|\n|${esc}\\[1G`))
        .map((f) => f.replace(new RegExp(`${esc}(\\[[0-9;?]*[A-Za-z]|[78])`, "g"), ""));
      const start = frames.filter((f) => f.startsWith("start nodes ["));
      const sim = frames.filter((f) => f.startsWith("simulate ["));
      ok(start.length > 0 && sim.length > 0, text);
      match(start.at(-1)!, /\] 100% \| ETA \d+s \| 1\/1$/);
      match(sim.at(-1)!, /\] \d+% \| ETA \d+s \| \d+\/60/);
      ok(frames.some((f) => f.startsWith("settle [")), "the settle phase after the clock");
      // Results go on after the bars: the summary is plain text.
      match(text, /simulated_s:\s+60/);
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});

/** What `hive sim analyze` says about how a run went, from the files `hive sim run` leaves. */
import { deepEqual, equal, match } from "@std/assert";
import { formatRunInfo, readRunInfo } from "../../../../commands/sim/analyze/run_info.ts";

const _META = {
  engine: "local",
  scenario: "ring",
  seed: 1,
  version: "0.1.0",
  stopTimeS: 600,
  hosts: [{ name: "a", kind: "miner" }],
  attacks: [],
};

Deno.test("run info: outcome, time scale and links path, as JSON and as one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    equal(await readRunInfo(dir), null, "no hive_run.json (a Shadow folder, copied logs)");

    await Deno.writeTextFile(`${dir}/hive_run.json`, JSON.stringify(_META));
    const killed = (await readRunInfo(dir))!;
    equal(killed.outcome, null);
    equal(
      formatRunInfo(killed),
      "local, scenario ring: how it ended is not recorded (killed, or still running)",
    );

    await Deno.writeTextFile(
      `${dir}/hive_run.json`,
      JSON.stringify({ ..._META, outcome: "interrupted", simulatedS: 443 }),
    );
    await Deno.writeTextFile(`${dir}/local_run.json`, JSON.stringify({ time_scale: 20 }));
    await Deno.writeTextFile(
      `${dir}/links.json`,
      JSON.stringify({ path: "netns", netns: { leaf: "tbf" }, links: 6 }),
    );
    const cut = (await readRunInfo(dir))!;
    deepEqual(cut, {
      engine: "local",
      scenario: "ring",
      outcome: "interrupted",
      simulated_s: 443,
      stop_time_s: 600,
      time_scale: 20,
      links: "netns (tbf leaf)",
    });
    equal(
      formatRunInfo(cut),
      "local, scenario ring: interrupted at 443 s of 600 s; time scale 20; links netns (tbf leaf)",
    );

    await Deno.writeTextFile(
      `${dir}/hive_run.json`,
      JSON.stringify({ ..._META, outcome: "finished", simulatedS: 500 }),
    );
    equal(
      formatRunInfo((await readRunInfo(dir))!),
      "local, scenario ring: finished early (its attacks resolved) at 500 s of 600 s; " +
        "time scale 20; links netns (tbf leaf)",
    );
    await Deno.writeTextFile(
      `${dir}/hive_run.json`,
      JSON.stringify({ ..._META, outcome: "finished", simulatedS: 600 }),
    );
    match(formatRunInfo((await readRunInfo(dir))!), /^local, scenario ring: finished \(600 s\);/);

    // A file cut short by a kill reads as absent, not as an error.
    await Deno.writeTextFile(`${dir}/links.json`, '{"path": "re');
    equal((await readRunInfo(dir))!.links, null);
    await Deno.writeTextFile(`${dir}/hive_run.json`, "{");
    equal(await readRunInfo(dir), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The Shadow engine. Shadow itself cannot be installed here, so: the "not installed" path is
 * tested for real; the "installed" path runs a stand-in `shadow` script that only records the
 * command line it was given (Shadow's documented CLI: `shadow [--progress=true]
 * [--data-directory=DIR] CONFIG`) and checks the config files exist, with the real generated
 * config from a fixture scenario, and one that prints Shadow's log and status lines (in Shadow's
 * formats, `fixtures/`) for the progress the run reports.
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import type { EngineProgress } from "../../../../adapters/engine/types.ts";
import {
  findExecutable,
  SHADOW_INSTALL_HINT,
  ShadowEngine,
} from "../../../../adapters/engine/shadow/engine.ts";
import { writeShadowFiles } from "../../../../commands/sim/shadow/generate.ts";
import { loadScenario } from "../../../../commands/sim/scenario/load.ts";
import { HiveError } from "../../../../core/errors.ts";
import { createLogger } from "../../../../core/logger.ts";
import { rejection } from "../../../_helpers.ts";

const logger = createLogger({ level: "error" });
const FIXTURE = new URL("../../../../fixtures/scenarios/ring.yaml", import.meta.url).pathname;

Deno.test("findExecutable searches PATH and skips files that are not executable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/tool`, "#!/bin/sh\n", { mode: 0o755 });
    await Deno.writeTextFile(`${dir}/plain`, "", { mode: 0o644 });
    equal(await findExecutable("tool", { PATH: `/nonexistent:${dir}` }), `${dir}/tool`);
    equal(await findExecutable("plain", { PATH: dir }), null);
    equal(await findExecutable("tool", { PATH: "" }), null);
    equal(await findExecutable(`${dir}/tool`, { PATH: "" }), `${dir}/tool`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shadow engine without shadow fails (exit 1) with how to get it, writing nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { model } = await loadScenario(FIXTURE);
    const engine = new ShadowEngine({ env: { PATH: "/nonexistent" } });
    const error = await rejection(engine.run({ model, outDir: `${dir}/out`, logger }), HiveError);
    equal(error.exitCode, 1);
    equal(error.message, SHADOW_INSTALL_HINT);
    match(error.message, /shadow\.github\.io.*--engine local.*--engine des/);
    equal([...Deno.readDirSync(dir)].length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shadow engine writes the config and runs shadow on it (stand-in shadow)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fake = `${dir}/bin/shadow`;
    await Deno.mkdir(`${dir}/bin`);
    // Records its arguments, checks the files it is pointed at, fails when asked to.
    await Deno.writeTextFile(
      fake,
      `#!/bin/sh
printf '%s\\n' "$@" > "${dir}/args.txt"
for a in "$@"; do case "$a" in --*) ;; *) test -s "$a" || exit 9 ;; esac; done
test -s "$(dirname "$3")/network.gml" || exit 8
echo "fake shadow ran"
exit "\${FAKE_SHADOW_EXIT:-0}"
`,
      { mode: 0o755 },
    );
    const loaded = await loadScenario(FIXTURE);
    const engine = new ShadowEngine({
      env: { PATH: `${dir}/bin` },
      writeConfig: (_model, out) => writeShadowFiles(loaded, out, { hiveBin: "/opt/hive" }),
    });
    const out = `${dir}/run`;
    const result = await engine.run({ model: loaded.model, outDir: out, logger });
    equal(result.engine, "shadow");
    equal(result.summary.exit_code, 0);
    const args = Deno.readTextFileSync(`${dir}/args.txt`).trim().split("\n");
    equal(args.length, 3);
    equal(args[0], "--progress=true");
    equal(args[1], `--data-directory=${out}/shadow.data`);
    equal(args[2], `${out}/shadow.yaml`);
    const yaml = Deno.readTextFileSync(`${out}/shadow.yaml`);
    match(yaml, /path: \/opt\/hive/);
    match(yaml, /- miner/);
    match(Deno.readTextFileSync(`${out}/shadow.log`), /fake shadow ran/);

    Deno.env.set("FAKE_SHADOW_EXIT", "3");
    try {
      const failing = await rejection(
        engine.run({ model: loaded.model, outDir: `${dir}/run2`, logger }),
        HiveError,
      );
      match(failing.message, /shadow exited with code 3; see .*shadow\.log/);
    } finally {
      Deno.env.delete("FAKE_SHADOW_EXIT");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shadow engine reports Shadow's progress as the run's simulate phase (stand-in shadow)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fixtures = new URL("./fixtures/", import.meta.url).pathname;
    await Deno.mkdir(`${dir}/bin`);
    // Prints Shadow's log on stdout and its status lines on stderr, in Shadow's formats.
    await Deno.writeTextFile(
      `${dir}/bin/shadow`,
      `#!/bin/sh\ncat "${fixtures}shadow_stdout.txt"\ncat "${fixtures}shadow_stderr.txt" >&2\n`,
      { mode: 0o755 },
    );
    const loaded = await loadScenario(FIXTURE);
    equal(loaded.model.stopTimeS, 1800, "the fixture lines end at 00:30:00");
    const engine = new ShadowEngine({
      env: { PATH: `${dir}/bin` },
      writeConfig: (_model, out) => writeShadowFiles(loaded, out, { hiveBin: "/opt/hive" }),
    });
    const reports: EngineProgress[] = [];
    const out = `${dir}/run`;
    const result = await engine.run({
      model: loaded.model,
      outDir: out,
      logger,
      onProgress: (p) => reports.push(p),
    });
    ok(reports.length >= 2, `reports: ${JSON.stringify(reports)}`);
    ok(reports.every((r) => r.phase === "simulate" && r.unit === "sim seconds"));
    ok(reports.some((r) => r.done === 900), "the 50% status line");
    deepEqual(reports.at(-1), {
      done: 1800,
      total: 1800,
      unit: "sim seconds",
      phase: "simulate",
    });
    equal(result.summary.failed_processes, 1);
    equal(
      Deno.readTextFileSync(`${out}/shadow.stderr.log`),
      Deno.readTextFileSync(`${fixtures}shadow_stderr.txt`),
    );
    equal(
      Deno.readTextFileSync(`${out}/shadow.log`),
      Deno.readTextFileSync(`${fixtures}shadow_stdout.txt`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

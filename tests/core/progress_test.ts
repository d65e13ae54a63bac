import { deepEqual, equal, ok } from "@std/assert";
import { createProgress, type ProgressRecord } from "../../core/progress.ts";

Deno.test("progress: NDJSON records are throttled, carry an ETA and always end at 100 %", () => {
  let t = 0;
  const records: ProgressRecord[] = [];
  const progress = createProgress({
    label: "blocks",
    total: 10,
    onRecord: (r) => records.push(r),
    now: () => t,
    recordIntervalMs: 1000,
  });
  for (let i = 1; i <= 9; i++) {
    t += 400;
    progress.update(i);
  }
  progress.done();
  deepEqual(records.map((r) => r.done), [1, 4, 7, 10]);
  equal(records[1].eta_s, 2); // 4 done in 1.6 s: 6 left take 2.4 s
  deepEqual(records.at(-1), {
    type: "progress",
    phase: "blocks",
    done: 10,
    total: 10,
    percent: 100,
    eta_s: 0,
  });
});

Deno.test("progress: a bar with ETA on a terminal, nothing when piped", async () => {
  const url = import.meta.resolve("../../core/progress.ts");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/p.ts`,
      `import { createProgress } from "${url}";
const p = createProgress({ label: "fund", total: 4 });
for (let i = 1; i <= 4; i++) { p.update(i); await new Promise((r) => setTimeout(r, 20)); }
p.done();`,
    );
    const config = new URL(import.meta.resolve("../../deno.json")).pathname;
    const cmd = `${Deno.execPath()} run -A --quiet --config ${config} ${dir}/p.ts`;
    const run = async (tty: boolean) => {
      const out = await new Deno.Command(tty ? "script" : "bash", {
        args: tty ? ["-qc", cmd, "/dev/null"] : ["-c", cmd],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(20_000),
      }).output();
      return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    };
    const onTerminal = await run(true);
    ok(onTerminal.includes("fund [") && onTerminal.includes("ETA"), onTerminal);
    ok(onTerminal.includes("4/4"), onTerminal);
    equal(await run(false), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

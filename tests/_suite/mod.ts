/**
 * Shared workers for the README's test command. `deno test` starts every test file in a fresh
 * worker, and that costs about 0.4 s of wall time per file on the 2-core CI machine (over
 * 80 s for the suite) before the file's own tests start. `deno task test` therefore runs most
 * files through three entry modules beside this one (`core.ts`, `commands.ts`, `adapters.ts`):
 * each imports every test file of its part of `tests/` into one worker. The paths the task
 * names besides those entries (`tests/e2e/` and the files that turn a sanitizer off, whose
 * leftover handles would outlive them in a shared worker) run in workers of their own, as
 * before.
 *
 * The split is read from the task itself in `deno.json`, so a file is never run twice nor left
 * out; a shared file that turns a sanitizer off, or a task without all three entries, fails
 * the run with what to change. `deno test tests/` (a worker per file) runs the same tests.
 *
 * The files imported here are not type-checked by `deno test` (their imports are dynamic);
 * `deno task check` checks all of `tests/`.
 *
 * @module
 */

/** The parts of `tests/` that each get one shared worker. */
export type SuiteGroup = "core" | "commands" | "adapters";

const _GROUPS: readonly SuiteGroup[] = ["core", "commands", "adapters"];
const _ROOT = new URL("../../", import.meta.url);
/** Deno's default test file names: `test.ts`, `*_test.ts`, `*.test.ts` (and js/jsx/mts...). */
const _TEST_FILE = /(^|[._])test\.(ts|tsx|mts|js|mjs|jsx)$/;
/** A file that leaves handles behind on purpose needs a worker of its own. */
const _SANITIZER_OFF = /sanitize(Ops|Resources|Exit)\s*:\s*false/;

/** The `tests/...` paths the test task of `deno.json` passes to `deno test`. */
export function testTaskPaths(denoJson: string): string[] {
  const task = (JSON.parse(denoJson) as { tasks?: Record<string, string> }).tasks?.test ?? "";
  return task.split(/\s+/).filter((word) => word.startsWith("tests/"));
}

/** Every test file under `dir` (a path relative to the repository, ending in `/`), sorted. */
function _testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir, _ROOT))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) out.push(..._testFiles(`${path}/`));
    else if (entry.isFile && _TEST_FILE.test(entry.name)) out.push(path);
  }
  return out.sort();
}

function _groupOf(file: string): SuiteGroup {
  if (file.startsWith("tests/commands/")) return "commands";
  if (file.startsWith("tests/adapters/")) return "adapters";
  return "core";
}

/**
 * The test files `group` runs in its shared worker: those of its part of `tests/` that the task
 * does not run in a worker of their own.
 */
export function suiteFiles(group: SuiteGroup, taskPaths: readonly string[]): string[] {
  const entries = taskPaths.filter((p) => p.startsWith("tests/_suite/"));
  const missing = _GROUPS.filter((g) => !entries.includes(`tests/_suite/${g}.ts`));
  if (missing.length > 0) {
    throw new Error(
      `deno.json's test task must run tests/_suite/{${_GROUPS.join(",")}}.ts; ` +
        `missing: ${missing.join(", ")}`,
    );
  }
  const own = taskPaths.filter((p) => !p.startsWith("tests/_suite/"));
  const isOwn = (file: string) =>
    own.some((p) => p.endsWith("/") ? file.startsWith(p) : file === p);
  return _testFiles("tests/").filter((f) => _groupOf(f) === group && !isOwn(f));
}

/** Import every test file of `group` into this worker (the body of each entry module). */
export async function importSuite(group: SuiteGroup): Promise<void> {
  const paths = testTaskPaths(Deno.readTextFileSync(new URL("deno.json", _ROOT)));
  const files = suiteFiles(group, paths);
  for (const file of files) {
    if (_SANITIZER_OFF.test(Deno.readTextFileSync(new URL(file, _ROOT)))) {
      throw new Error(
        `${file} turns a test sanitizer off, so what it leaves open would outlive it in the ` +
          `shared worker of tests/_suite/${group}.ts: add it to deno.json's test task`,
      );
    }
  }
  for (const file of files) await import(new URL(file, _ROOT).href);
}

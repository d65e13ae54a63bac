/** The split of `deno task test` into shared workers and workers of their own (see mod.ts). */
import { deepEqual, equal, ok, throws } from "@std/assert";
import { suiteFiles, testTaskPaths } from "./mod.ts";

const ROOT = new URL("../../", import.meta.url);

function _allTestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir, ROOT))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) out.push(..._allTestFiles(`${path}/`));
    else if (/(^|[._])test\.(ts|tsx|mts|js|mjs|jsx)$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

Deno.test("testTaskPaths reads the tests/ paths of deno.json's test task", () => {
  const json = JSON.stringify({
    tasks: {
      test: "bash x.sh && deno test --allow-read tests/_suite/core.ts tests/e2e/ tests/a_test.ts",
    },
  });
  deepEqual(testTaskPaths(json), ["tests/_suite/core.ts", "tests/e2e/", "tests/a_test.ts"]);
  deepEqual(testTaskPaths("{}"), []);
});

Deno.test("deno task test runs every test file exactly once", () => {
  const paths = testTaskPaths(Deno.readTextFileSync(new URL("deno.json", ROOT)));
  const shared = (["core", "commands", "adapters"] as const).flatMap((g) => suiteFiles(g, paths));
  const own = paths.filter((p) => !p.startsWith("tests/_suite/"));
  const all = _allTestFiles("tests/");
  const ownFiles = all.filter((f) => own.some((p) => p.endsWith("/") ? f.startsWith(p) : f === p));
  for (const p of own) {
    ok(all.some((f) => p.endsWith("/") ? f.startsWith(p) : f === p), `${p} names test files`);
  }
  equal(new Set(shared).size, shared.length, "no file in two shared workers");
  deepEqual(shared.filter((f) => ownFiles.includes(f)), [], "no file both shared and on its own");
  deepEqual([...shared, ...ownFiles].sort(), all);
  ok(shared.includes("tests/_suite/mod_test.ts"));
});

Deno.test("the task must name all three shared entries", () => {
  throws(
    () => suiteFiles("core", ["tests/_suite/core.ts", "tests/e2e/"]),
    /must run tests\/_suite\/\{core,commands,adapters\}\.ts; missing: commands, adapters/,
  );
});

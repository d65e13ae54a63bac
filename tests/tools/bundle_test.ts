/**
 * The bundle tool: what it writes runs, and keeps the two properties that make `--version` fast
 * (nothing reachable by static imports from the launcher boots Node compatibility, and no chunk
 * is reachable through a string-literal dynamic import that Deno would parse up front).
 */
import { equal, match, ok } from "@std/assert";
import { join } from "node:path";
import { bundle, CHUNK_DIR } from "../../tools/bundle.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Every file reachable from `file` through static imports and re-exports. */
async function staticClosure(file: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const queue = [file];
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    const text = await Deno.readTextFile(path);
    seen.set(path, text);
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?["'](\.[^"']+)["'];?$/gms)) {
      queue.push(join(path, "..", m[1]));
    }
  }
  return seen;
}

Deno.test("bundle: the launcher runs, loads subcommands on demand and boots no Node layer for --version", async () => {
  const out = await Deno.makeTempDir({ prefix: "hive-bundle-" });
  try {
    const result = await bundle({ root: ROOT, outDir: out });
    ok(result.chunks > 10, `code split into ${result.chunks} chunks`);
    ok(result.lazyImports > 10, `${result.lazyImports} imports load on demand`);

    const run = (...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", result.launcher, ...args],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
    const version = await run("--version", "--json");
    equal(version.code, 0, new TextDecoder().decode(version.stderr));
    equal(JSON.parse(new TextDecoder().decode(version.stdout)).name, "hive");
    // A subcommand behind two on-demand imports (the tree, then its action) still works.
    const validate = await run("--json", "sim", "validate", `${ROOT}fixtures/scenarios/mesh.yaml`);
    equal(validate.code, 0, new TextDecoder().decode(validate.stderr));
    match(new TextDecoder().decode(validate.stdout), /"valid":\s*true/);

    const closure = await staticClosure(result.launcher);
    ok(closure.size >= 2 && closure.size < 10, `--version loads ${closure.size} files`);
    for (const [path, text] of closure) {
      ok(!/from "node:|import "node:/.test(text), `${path} imports a node: module statically`);
    }
    for await (const entry of Deno.readDir(join(out, CHUNK_DIR))) {
      const text = await Deno.readTextFile(join(out, CHUNK_DIR, entry.name));
      ok(!/\bimport\("\.\//.test(text), `${entry.name} keeps a string-literal chunk import`);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

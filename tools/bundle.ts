/**
 * `deno task bundle`: builds `dist/hive.js` (a two-line launcher) and `dist/hive_js/` (the program,
 * code-split by `deno bundle`), shaped so that `hive --version` costs little more than starting
 * Deno itself.
 *
 * A single-file bundle cannot start fast: it is 5 MB that V8 and Deno's module graph must parse
 * first, and every `node:` import of every subcommand is hoisted to its top, which boots Deno's
 * Node compatibility layer (measured: 0.5 s for `--version`, an empty script takes 0.08 s). Code
 * splitting alone still leaves two costs, which this tool removes after `deno bundle` runs:
 * - Deno reads and parses every chunk reachable through a string-literal `import("./x.js")`
 *   before it runs anything, so the whole program was parsed anyway. Each dynamic chunk import is
 *   rewritten to `import(new URL("./x.js", import.meta.url).href)`, which loads the same file
 *   only when that code runs.
 * - The entry imports the bundler's runtime chunk for its side effect, and that chunk imports
 *   `node:module` (for `require` inside npm packages). Chunks that use the runtime import it by
 *   name, so the entry's bare import is dropped.
 * Both are text edits on `deno bundle`'s output because its bundler exposes no option for them;
 * the test (`tests/tools/bundle_test.ts`) checks the result runs and keeps these properties.
 *
 * ```sh
 * deno run -A tools/bundle.ts              # writes dist/hive.js and dist/hive_js/
 * deno run -A tools/bundle.ts --out DIR    # writes DIR/hive.js and DIR/hive_js/
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** Folder beside the launcher that holds the program's chunks. */
export const CHUNK_DIR = "hive_js";

/** What one build wrote. */
export interface BundleResult {
  /** Path of the launcher (`DIR/hive.js`). */
  launcher: string;
  /** Number of chunk files. */
  chunks: number;
  /** Dynamic chunk imports rewritten to load on demand. */
  lazyImports: number;
}

/**
 * Bundle `main.ts` into `outDir`. Replaces an earlier `hive.js` and `hive_js/` there; leaves every
 * other file (the compiled `hive` executable) alone.
 *
 * @example
 * ```ts
 * const { launcher } = await bundle({ root: "/src/hive", outDir: "/tmp/out" });
 * ```
 */
export async function bundle(options: { root: string; outDir: string }): Promise<BundleResult> {
  const chunkDir = join(options.outDir, CHUNK_DIR);
  await Deno.remove(chunkDir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const built = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--code-splitting",
      "--platform=deno",
      `--outdir=${chunkDir}`,
      join(options.root, "main.ts"),
    ],
    cwd: options.root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!built.success) throw new Error(`deno bundle failed (exit ${built.code})`);

  const names = new Set<string>();
  for await (const entry of Deno.readDir(chunkDir)) {
    if (entry.isFile && entry.name.endsWith(".js")) names.add(entry.name);
  }
  if (!names.has("main.js")) throw new Error(`deno bundle wrote no main.js in ${chunkDir}`);
  const runtimeChunks = new Set<string>();
  const sources = new Map<string, string>();
  for (const name of names) {
    const text = await Deno.readTextFile(join(chunkDir, name));
    sources.set(name, text);
    if (/^import [^;]*from "node:module";$/m.test(text) && name !== "main.js") {
      runtimeChunks.add(name);
    }
  }
  let lazyImports = 0;
  for (const [name, text] of sources) {
    let edited = text.replace(/\bimport\("\.\/([A-Za-z0-9_.-]+\.js)"\)/g, (whole, file) => {
      if (!names.has(file)) return whole;
      lazyImports++;
      return `import(new URL("./${file}", import.meta.url).href)`;
    });
    if (name === "main.js") {
      for (const runtime of runtimeChunks) {
        edited = edited.replace(`import "./${runtime}";\n`, "");
      }
    }
    if (edited !== text) await Deno.writeTextFile(join(chunkDir, name), edited);
  }
  const launcher = join(options.outDir, "hive.js");
  await Deno.writeTextFile(
    launcher,
    `// hive, bundled by tools/bundle.ts: run with \`deno run -A hive.js\`; needs ${CHUNK_DIR}/ beside it.\n` +
      `import { main } from "./${CHUNK_DIR}/main.js";\nDeno.exit(await main(Deno.args));\n`,
  );
  return { launcher, chunks: names.size, lazyImports };
}

function _flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  try {
    const unknown = Deno.args.filter((a, i) =>
      a.startsWith("--") && a !== "--out" ||
      (!a.startsWith("--") && Deno.args[i - 1] !== "--out")
    );
    if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]} (usage: [--out DIR])`);
    const outDir = _flag(Deno.args, "--out") ?? join(root, "dist");
    await Deno.mkdir(outDir, { recursive: true });
    const result = await bundle({ root, outDir });
    console.error(
      `wrote ${result.launcher} and ${result.chunks} chunks in ${
        join(outDir, CHUNK_DIR)
      } (${result.lazyImports} imports load on demand)`,
    );
  } catch (error) {
    console.error(`bundle: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}

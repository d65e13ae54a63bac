/**
 * The layer check run by `deno task check`: arrows point one way (`main.ts` → `commands/` →
 * `adapters/` → `core/`), no command imports another command's files, there are no import
 * cycles, and a production module over {@link MAX_LINES} lines says at its top why.
 *
 * Written by hand because it is a few regular expressions over our own sources: `deno info`
 * resolves the whole npm graph (seconds) to answer a question about relative paths.
 *
 * ```sh
 * deno run --allow-read tools/layers.ts          # checks this checkout, exit 1 on a violation
 * deno run --allow-read tools/layers.ts DIR      # checks another tree (the tests plant bad imports)
 * ```
 *
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

/** Longest production module that needs no written reason. */
export const MAX_LINES = 400;
/** What a longer module writes in its top comment, followed by the reason. */
export const LONG_MODULE_MARKER = "Longer than 400 lines because";

/** One broken rule. */
export interface LayerViolation {
  /** `layer`, `command`, `cycle` or `size`. */
  rule: "layer" | "command" | "cycle" | "size";
  /** The module (relative path) where it shows. */
  file: string;
  /** What is wrong, for people. */
  message: string;
}

const _IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']|(?:^|[\s;(=])import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;
const _SOURCE_ROOTS = ["core", "adapters", "commands"];

/** The relative specifiers a module imports (static, re-exports and literal dynamic imports). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  // JSDoc examples and line comments show imports that the module does not make.
  const code = source.split("\n").filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join("\n");
  for (const match of code.matchAll(_IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (spec.startsWith(".")) out.push(spec);
  }
  return out;
}

function _layerOf(file: string): { layer: string; command?: string } {
  const [top, second] = file.split("/");
  if (top === "commands" && second && second.includes(".")) return { layer: "commands" };
  if (top === "commands") return { layer: "commands", command: second };
  if (_SOURCE_ROOTS.includes(top) && file.includes("/")) return { layer: top };
  return { layer: "root" };
}

const _RANK: Record<string, number> = { core: 0, adapters: 1, commands: 2, root: 3 };

async function _collect(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(join(root, dir))];
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory && dir === "" && !_SOURCE_ROOTS.includes(entry.name)) continue;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && /\.tsx?$/.test(entry.name)) {
        files.set(path, await Deno.readTextFile(join(root, path)));
      }
    }
  };
  await walk("");
  return files;
}

function _cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components; every component of more than one module is a cycle.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return found;
}

/**
 * Check the tree at `root` and return every violation (empty when the layout holds).
 *
 * @example
 * ```ts
 * const problems = await checkLayers(".");
 * for (const p of problems) console.error(`${p.file}: ${p.message}`);
 * ```
 */
export async function checkLayers(root: string): Promise<LayerViolation[]> {
  const files = await _collect(root);
  const violations: LayerViolation[] = [];
  const graph = new Map<string, string[]>();
  for (const [file, source] of files) {
    const from = _layerOf(file);
    const edges: string[] = [];
    for (const spec of importsOf(source)) {
      const target = normalize(join(dirname(file), spec)).replaceAll("\\", "/");
      if (target.startsWith("..")) continue;
      const to = _layerOf(target);
      if (files.has(target)) edges.push(target);
      if (_RANK[to.layer] > _RANK[from.layer]) {
        violations.push({
          rule: "layer",
          file,
          message: `${from.layer}/ must not import ${to.layer === "root" ? "" : to.layer + "/"}` +
            `${to.layer === "root" ? target : ""} (imports ${spec})`,
        });
      } else if (from.command && to.command && from.command !== to.command) {
        violations.push({
          rule: "command",
          file,
          message: `commands/${from.command} must not import another command's file ` +
            `${target}; move what both need into adapters/ or core/`,
        });
      }
    }
    graph.set(file, edges);
    const lines = source.split("\n").length;
    const head = source.split("\n").slice(0, 40).join("\n");
    if (from.layer !== "root" && lines > MAX_LINES && !head.includes(LONG_MODULE_MARKER)) {
      violations.push({
        rule: "size",
        file,
        message:
          `${lines} lines (over ${MAX_LINES}) without "${LONG_MODULE_MARKER} ..." at its top`,
      });
    }
  }
  for (const cycle of _cycles(graph)) {
    violations.push({
      rule: "cycle",
      file: cycle[0],
      message: `import cycle: ${cycle.join(" -> ")} -> ${cycle[0]}`,
    });
  }
  return violations;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? ".";
  const violations = await checkLayers(root);
  for (const v of violations) {
    console.error(
      `layers: ${v.rule}: ${relative(".", join(root, v.file)) || v.file}: ${v.message}`,
    );
  }
  if (violations.length > 0) {
    console.error(`layers: ${violations.length} problem(s)`);
    Deno.exit(1);
  }
  console.error("layers: ok (core <- adapters <- commands, no cycles)");
}

import { deepEqual as assertEquals } from "@std/assert";
import { checkLayers, importsOf, LONG_MODULE_MARKER } from "../../tools/layers.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "hive-layers-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
  return root;
}

async function rules(files: Record<string, string>): Promise<string[]> {
  const root = await tree(files);
  try {
    return (await checkLayers(root)).map((v) => `${v.rule} ${v.file}`).sort();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const clean = {
  "main.ts": 'import { a } from "./commands/a/mod.ts";\n',
  "commands/a/mod.ts": 'import { p } from "../../adapters/p/mod.ts";\nexport const a = p;\n',
  "adapters/p/mod.ts": 'import { c } from "../../core/c.ts";\nexport const p = c;\n',
  "core/c.ts": "export const c = 1;\n",
};

Deno.test("layers: a tree whose arrows point one way passes", async () => {
  assertEquals(await rules(clean), []);
});

Deno.test("layers: this checkout passes", async () => {
  assertEquals((await checkLayers(".")).map((v) => `${v.file}: ${v.message}`), []);
});

Deno.test("layers: core importing an adapter or a command fails", async () => {
  assertEquals(
    await rules({
      ...clean,
      "core/c.ts": 'import { p } from "../adapters/p/mod.ts";\nexport const c = p;\n',
      "core/d.ts": 'const m = await import("../commands/a/mod.ts");\nexport const d = m;\n',
    }),
    ["cycle adapters/p/mod.ts", "layer core/c.ts", "layer core/d.ts"],
  );
});

Deno.test("layers: an adapter importing a command fails", async () => {
  assertEquals(
    await rules({
      ...clean,
      "adapters/p/impl.ts":
        'import type { A } from "../../commands/a/model.ts";\nexport type B = A;\n',
      "commands/a/model.ts": "export type A = number;\n",
    }),
    ["layer adapters/p/impl.ts"],
  );
});

Deno.test("layers: one command importing another command's file fails", async () => {
  assertEquals(
    await rules({
      ...clean,
      "commands/b/mod.ts": 'export {\n  a,\n} from "../a/mod.ts";\n',
    }),
    ["command commands/b/mod.ts"],
  );
});

Deno.test("layers: a cycle inside a port fails", async () => {
  assertEquals(
    await rules({
      ...clean,
      "adapters/p/mod.ts": 'import { i } from "./impl.ts";\nexport const p = i;\n',
      "adapters/p/impl.ts": 'import { p } from "./mod.ts";\nexport const i = () => p;\n',
    }),
    ["cycle adapters/p/impl.ts"],
  );
});

Deno.test("layers: a long module needs its reason at the top", async () => {
  const body = "export const x = 1;\n".repeat(401);
  assertEquals(await rules({ ...clean, "core/long.ts": body }), ["size core/long.ts"]);
  assertEquals(
    await rules({ ...clean, "core/long.ts": `/** ${LONG_MODULE_MARKER} one table. */\n${body}` }),
    [],
  );
});

Deno.test("layers: imports shown in comments are not imports", () => {
  assertEquals(
    importsOf(
      '/**\n * import { x } from "./mod.ts";\n */\n// import "./y.ts";\nimport "./z.ts";\n',
    ),
    ["./z.ts"],
  );
});

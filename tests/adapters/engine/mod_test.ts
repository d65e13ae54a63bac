/** The engine factory picks an implementation by name. */
import { equal, ok } from "@std/assert";
import { DesEngine } from "../../../adapters/engine/des/engine.ts";
import { LocalEngine } from "../../../adapters/engine/local/engine.ts";
import { createEngine } from "../../../adapters/engine/mod.ts";
import { ShadowEngine } from "../../../adapters/engine/shadow/engine.ts";

Deno.test("createEngine picks the implementation by name", () => {
  ok(createEngine("local", { timeScale: 5 }) instanceof LocalEngine);
  ok(createEngine("des") instanceof DesEngine);
  ok(createEngine("shadow") instanceof ShadowEngine);
  equal(createEngine("local").name, "local");
});

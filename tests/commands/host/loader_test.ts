import { deepEqual, equal, match, ok } from "@std/assert";
import { ConfigError } from "../../../core/errors.ts";
import { loadAgentModule, loadAgentsDir } from "../../../commands/host/loader.ts";
import { rejection } from "../../_helpers.ts";

type Loaded = Awaited<ReturnType<typeof loadAgentModule>>;

function _failed(l: Loaded): string {
  if (l.ok) throw new Error(`${l.name} loaded but should have failed`);
  return l.error;
}

function _loaded(l: Loaded) {
  if (!l.ok) throw new Error(`${l.name} failed: ${l.error}`);
  return l;
}

const FIXTURES = new URL("../../../fixtures/agents_broken", import.meta.url).pathname;

Deno.test("loader: fixtures/agents holds only agents that load", async () => {
  const loaded = await loadAgentsDir(new URL("../../../fixtures/agents", import.meta.url).pathname);
  deepEqual(loaded.map((l) => [l.name, l.ok]), [["echo", true]]);
});

Deno.test("loader: the broken fixtures folder yields the echo agent and reports the broken one", async () => {
  const loaded = await loadAgentsDir(FIXTURES);
  deepEqual(loaded.map((l) => [l.name, l.ok]), [["broken_agent", false], ["echo", true]]);
  match(_failed(loaded[0]), /^import failed: broken_agent: this module fails on import/);
  const echo = _loaded(loaded[1]);
  const first = echo.factory();
  const second = echo.factory();
  equal(first.name, "echo");
  ok(first !== second, "createAgent modules give a fresh agent per start");
});

Deno.test("loader: modules that are not agents are reported with the reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const modules: Record<string, string> = {
      "a_nothing.ts": "export const x = 1;",
      "b_nostop.ts": "export const agent = { name: 'nostop', start() {} };",
      "c_badname.js": "export const agent = { name: 'Bad Name', start() {}, stop() {} };",
      "d_throws.ts": "export function createAgent() { throw new Error('nope'); }",
      "e_good.mjs": "export const agent = { name: 'good', start() {}, stop() {} };",
      "notes.txt": "not a module",
    };
    for (const [file, text] of Object.entries(modules)) {
      await Deno.writeTextFile(`${dir}/${file}`, text);
    }
    const loaded = await loadAgentsDir(dir);
    const byName = Object.fromEntries(loaded.map((l) => [l.name, l]));
    deepEqual(Object.keys(byName), ["a_nothing", "b_nostop", "c_badname", "d_throws", "good"]);
    const errors = Object.fromEntries(loaded.filter((l) => !l.ok).map((l) => [l.name, _failed(l)]));
    match(errors.a_nothing, /expected an export named createAgent \(function\) or agent/);
    match(errors.b_nostop, /agent\.stop: expected a function/);
    match(errors.c_badname, /agent\.name: expected a-z.*got "Bad Name"/);
    match(errors.d_throws, /createAgent\(\) threw: Error: nope/);
    equal(_loaded(byName.good).factory().name, "good");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loader: a missing folder is a configuration error", async () => {
  const error = await rejection(loadAgentsDir("/nonexistent/agents"), ConfigError);
  equal(error.message, "--agents-dir /nonexistent/agents: no such folder");
});

Deno.test("loader: a module with a syntax error is reported, not thrown", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/syntax.ts`, "export const agent = {");
    match(_failed(await loadAgentModule(`${dir}/syntax.ts`)), /^import failed: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

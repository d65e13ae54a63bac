import { deepEqual, equal, match, throws } from "@std/assert";
import { BUILTIN_TEMPLATES } from "../../../commands/hap/builtin_templates.ts";
import {
  loadTemplates,
  parseFieldPairs,
  parseTemplate,
  renderTemplateMessage,
  templateNamed,
  TemplateValueError,
  UnknownTemplateError,
  validateFields,
} from "../../../commands/hap/templates.ts";
import { ConfigError, UsageError } from "../../../core/errors.ts";
import { assertInstanceOf } from "../../_helpers.ts";

const FIXTURES = new URL("../../../fixtures/templates/", import.meta.url).pathname;

Deno.test("the built-in templates are the fixtures, and all four load", async () => {
  const files = (await Array.fromAsync(Deno.readDir(FIXTURES))).map((e) => e.name).sort();
  deepEqual(Object.keys(BUILTIN_TEMPLATES).sort(), files);
  for (const file of files) {
    equal(BUILTIN_TEMPLATES[file], await Deno.readTextFile(FIXTURES + file));
  }
  const templates = await loadTemplates(null);
  deepEqual([...templates.keys()].sort(), [
    "decision_record",
    "help_request",
    "status_report",
    "task_request",
  ]);
});

Deno.test("valid values are typed; defaults fill what was left empty", async () => {
  const t = templateNamed(await loadTemplates(null), "task_request");
  deepEqual(validateFields(t, { title: "rotate keys", estimate_hours: "2.5", due: "2026-12-24" }), {
    title: "rotate keys",
    priority: "normal",
    estimate_hours: 2.5,
    due: "2026-12-24",
  });
  const d = templateNamed(await loadTemplates(null), "decision_record");
  equal(
    validateFields(d, { title: "t", context: "c", decision: "d", reversible: "no" }).reversible,
    false,
  );
});

Deno.test("a missing required field, a wrong type and an enum miss are all named", async () => {
  const t = templateNamed(await loadTemplates(null), "status_report");
  let error: unknown;
  try {
    validateFields(t, { state: "finished", progress: "half", colour: "red" });
  } catch (e) {
    error = e;
  }
  assertInstanceOf(error, TemplateValueError);
  equal(error.exitCode, 2);
  match(error.message, /unknown field colour/);
  match(error.message, /field task is required/);
  match(
    error.message,
    /field state: expected one of todo, in_progress, blocked, done, failed, got "finished"/,
  );
  match(error.message, /field progress: expected an integer, got "half"/);
  match(error.message, /field summary is required/);
  match(error.message, /nothing was sent$/);
  throws(
    () => validateFields(t, { task: "a", state: "done", summary: "s", progress: "101" }),
    /<= 100/,
  );
});

Deno.test("an unknown template lists the known ones", async () => {
  const templates = await loadTemplates(null);
  let e: unknown;
  try {
    templateNamed(templates, "nope");
  } catch (error) {
    e = error;
  }
  assertInstanceOf(e, UnknownTemplateError);
  match(e.message, /unknown template "nope"; templates: decision_record, help_request/);
});

Deno.test("a templates dir adds and overrides; a bad file names itself", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/mine.yaml`,
      "name: incident\nfields:\n  - {name: what, type: string, required: true}\n",
    );
    await Deno.writeTextFile(`${dir}/notes.txt`, "ignored");
    const templates = await loadTemplates(dir);
    equal(templates.size, 5);
    await Deno.writeTextFile(
      `${dir}/bad.yaml`,
      "name: bad\nfields:\n  - {name: x, type: colour}\n",
    );
    const e = await loadTemplates(dir).catch((e) => e);
    assertInstanceOf(e, ConfigError);
    match(e.message, /bad\.yaml/);
    match(e.message, /fields\[0\]\.type: expected one of .*got "colour"/);
    throws(
      () => parseTemplate("name: e\nfields:\n  - {name: x, type: enum}\n", "e.yaml"),
      /enum needs values/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--field pairs and the one-line rendering", () => {
  deepEqual(parseFieldPairs(["a=1", "b=x=y"]), { a: "1", b: "x=y" });
  throws(() => parseFieldPairs(["novalue"]), UsageError);
  equal(
    renderTemplateMessage({ template: "t", fields: { a: "x\ny", b: ["p", "q"], c: 3 } }),
    "[t] a=x y b=p,q c=3",
  );
});

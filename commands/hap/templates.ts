/**
 * Message templates: YAML files that describe the fields of a structured message (a task
 * request, a status report...). A form asks for each field; values are checked against the
 * field's type, `required` and `values` before anything is sent, and every problem is named.
 *
 * @example
 * ```ts
 * import { loadTemplates, validateFields } from "./templates.ts";
 * const templates = await loadTemplates(null); // the built-in ones
 * const t = templates.get("task_request")!;
 * const values = validateFields(t, { title: "rotate keys", priority: "high" });
 * ```
 * @module
 */
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, formatIssues, UsageError } from "../../core/errors.ts";
import { BUILTIN_TEMPLATES } from "./builtin_templates.ts";

/** Field types a template may use. */
export const FIELD_TYPES = [
  "string",
  "text",
  "integer",
  "number",
  "boolean",
  "enum",
  "date",
  "list",
] as const;

const _nameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, {
  error: "expected a name of a-z, 0-9 and _ (starting with a letter)",
});

/** One field of a template. */
export const templateFieldSchema = z.strictObject({
  name: _nameSchema,
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  description: z.string().max(200).default(""),
  /** Allowed values of an `enum` field. */
  values: z.array(z.string().min(1)).min(1).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  /** Bounds: characters for string/text, value for integer/number. */
  min: z.number().optional(),
  max: z.number().optional(),
}).check((ctx) => {
  const f = ctx.value;
  if (f.type === "enum" && !f.values) {
    ctx.issues.push({
      code: "custom",
      path: ["values"],
      input: f.values,
      message: "an enum needs values",
    });
  }
});
/** One field of a template. */
export type TemplateField = z.output<typeof templateFieldSchema>;

/** A template file. */
export const templateSchema = z.strictObject({
  name: _nameSchema,
  description: z.string().max(200).default(""),
  /** Topic its messages go to unless the sender names another. */
  topic: z.string().regex(/^\/[A-Za-z0-9._/-]{1,255}$/).optional(),
  fields: z.array(templateFieldSchema).min(1).max(64),
}).check((ctx) => {
  const names = ctx.value.fields.map((f) => f.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) {
    ctx.issues.push({
      code: "custom",
      path: ["fields"],
      input: dup,
      message: `field ${dup} twice`,
    });
  }
});
/** A template. */
export type Template = z.output<typeof templateSchema>;

/** A value a field holds after validation. */
export type FieldValue = string | number | boolean | string[];

/** The payload of a template message (envelope type `template`). */
export interface TemplateMessage {
  template: string;
  fields: Record<string, FieldValue>;
}

/** A template name that is not known; lists the known ones. */
export class UnknownTemplateError extends UsageError {
  constructor(name: string, known: readonly string[]) {
    super(`unknown template "${name}"; templates: ${known.join(", ") || "none"}`, {
      code: "unknown_template",
    });
  }
}

/** Field values that do not fit the template; every problem is listed. */
export class TemplateValueError extends UsageError {
  /** One line per problem. */
  readonly problems: string[];
  constructor(template: string, problems: string[]) {
    super(`template ${template}: ${problems.join("; ")}; nothing was sent`, {
      code: "template_invalid",
    });
    this.problems = problems;
  }
}

/** Parse one template's YAML; `source` names it in errors. */
export function parseTemplate(text: string, source: string): Template {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source}: ${(error as Error).message.split("\n")[0]}`);
  }
  const result = templateSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(`${source}: ${formatIssues(result.error.issues).join("; ")}`);
  }
  return result.data;
}

/** The built-in templates, then those in `dir` (`*.yaml`, `*.yml`), which override by name. */
export async function loadTemplates(dir: string | null): Promise<Map<string, Template>> {
  const templates = new Map<string, Template>();
  for (const [file, text] of Object.entries(BUILTIN_TEMPLATES)) {
    const t = parseTemplate(text, `built-in ${file}`);
    templates.set(t.name, t);
  }
  if (dir === null) return templates;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`templates_dir: ${dir} does not exist`);
    }
    throw error;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile || !/\.ya?ml$/.test(entry.name)) continue;
    const path = `${dir}/${entry.name}`;
    const t = parseTemplate(await Deno.readTextFile(path), path);
    templates.set(t.name, t);
  }
  return templates;
}

/** Look up a template or throw {@link UnknownTemplateError}. */
export function templateNamed(templates: Map<string, Template>, name: string): Template {
  const t = templates.get(name);
  if (!t) throw new UnknownTemplateError(name, [...templates.keys()].sort());
  return t;
}

/**
 * Check one raw (typed) value against a field; returns the typed value, or a problem text.
 * An empty string means "not given".
 */
export function checkField(
  field: TemplateField,
  raw: string,
): { value?: FieldValue; problem?: string } {
  const text = raw.trim();
  if (text === "") {
    if (field.default !== undefined) return { value: field.default };
    return field.required ? { problem: `field ${field.name} is required` } : {};
  }
  const bad = (what: string) => ({
    problem: `field ${field.name}: expected ${what}, got "${text.slice(0, 40)}"`,
  });
  switch (field.type) {
    case "string":
    case "text": {
      if (field.type === "string" && text.includes("\n")) return bad("one line");
      if (field.min !== undefined && text.length < field.min) {
        return bad(`at least ${field.min} characters`);
      }
      if (field.max !== undefined && text.length > field.max) {
        return bad(`at most ${field.max} characters`);
      }
      return { value: text };
    }
    case "integer":
    case "number": {
      const ok = field.type === "integer" ? /^-?\d+$/.test(text) : /^-?\d+(\.\d+)?$/.test(text);
      if (!ok) return bad(field.type === "integer" ? "an integer" : "a number");
      const n = Number(text);
      if (field.min !== undefined && n < field.min) return bad(`a value >= ${field.min}`);
      if (field.max !== undefined && n > field.max) return bad(`a value <= ${field.max}`);
      return { value: n };
    }
    case "boolean": {
      if (/^(true|yes|y|1)$/i.test(text)) return { value: true };
      if (/^(false|no|n|0)$/i.test(text)) return { value: false };
      return bad("yes or no");
    }
    case "enum":
      return field.values!.includes(text)
        ? { value: text }
        : bad(`one of ${field.values!.join(", ")}`);
    case "date": {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
        return bad("a date YYYY-MM-DD");
      }
      return { value: text };
    }
    case "list":
      return { value: text.split(",").map((s) => s.trim()).filter((s) => s) };
  }
}

/**
 * Validate every field of `raw` (name -> typed text) against `template`: unknown names, missing
 * required fields, wrong types and values outside an enum are all reported together in one
 * {@link TemplateValueError}.
 */
export function validateFields(
  template: Template,
  raw: Record<string, string>,
): Record<string, FieldValue> {
  const problems: string[] = [];
  const known = new Set(template.fields.map((f) => f.name));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) {
      problems.push(`unknown field ${name} (fields: ${[...known].join(", ")})`);
    }
  }
  const values: Record<string, FieldValue> = {};
  for (const field of template.fields) {
    const { value, problem } = checkField(field, raw[field.name] ?? "");
    if (problem) problems.push(problem);
    else if (value !== undefined) values[field.name] = value;
  }
  if (problems.length) throw new TemplateValueError(template.name, problems);
  return values;
}

/** Parse `--field k=v` pairs (a value may hold `=`). */
export function parseFieldPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    if (i <= 0) throw new UsageError(`--field: expected name=value, got "${pair}"`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

/** A one-line human rendering of a template message. */
export function renderTemplateMessage(message: TemplateMessage): string {
  const parts = Object.entries(message.fields).map(([k, v]) =>
    `${k}=${Array.isArray(v) ? v.join(",") : String(v).replace(/\s+/g, " ")}`
  );
  return `[${message.template}] ${parts.join(" ")}`;
}

/**
 * The payload of a template message: a chat line (`v`, `text`, `sent_at`) with the template's
 * name and typed fields beside it, so chat clients that know no templates (the host's page)
 * still show the rendered text.
 */
export function templatePayload(message: TemplateMessage): string {
  return JSON.stringify({
    v: 1,
    text: renderTemplateMessage(message),
    sent_at: new Date().toISOString(),
    template: message.template,
    fields: message.fields,
  });
}

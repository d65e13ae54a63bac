import { equal, match, ok } from "@std/assert";
import { z } from "zod";
import { baseConfigShape, defaultDataDir, envNameFor, loadConfig } from "../../core/config.ts";
import { ConfigError } from "../../core/errors.ts";
import { resolveLogFormat } from "../../core/cli.ts";

const schema = z.strictObject(baseConfigShape);

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but loading succeeded");
}
const noHome = { HOME: "/nonexistent-home-for-tests" };

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(path, text);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("no file and no env: every field has a default", async () => {
  const { config, source } = await loadConfig(schema, { env: noHome });
  equal(source, null);
  equal(config.ports.http, 8787);
  equal(config.log.level, "info");
  equal(config.log.file, null);
  equal(config.data_dir, defaultDataDir());
  ok(config.data_dir.endsWith("/hive"));
});

Deno.test("file values apply and HIVE_* env overrides them", async () => {
  await withFile("ports:\n  http: 9000\nlog:\n  level: debug\n", async (path) => {
    const { config, envApplied } = await loadConfig(schema, {
      path,
      env: { ...noHome, HIVE_PORTS_HTTP: "9100", HIVE_LOG_MAX_FILES: "3", HIVE_DATA_DIR: "123" },
    });
    equal(config.ports.http, 9100);
    equal(config.log.level, "debug");
    equal(config.log.max_files, 3);
    equal(config.data_dir, "123", "string fields keep env text as-is");
    equal(envApplied.sort().join(","), "HIVE_DATA_DIR,HIVE_LOG_MAX_FILES,HIVE_PORTS_HTTP");
  });
});

Deno.test("HIVE_CONFIG names the file when --config is absent", async () => {
  await withFile("ports: { http: 1234 }\n", async (path) => {
    const { config, source } = await loadConfig(schema, { env: { ...noHome, HIVE_CONFIG: path } });
    equal(source, path);
    equal(config.ports.http, 1234);
  });
});

Deno.test("~/.config/hive/config.yaml is the fallback", async () => {
  const home = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${home}/.config/hive`, { recursive: true });
    await Deno.writeTextFile(`${home}/.config/hive/config.yaml`, "ports: { http: 4321 }\n");
    const { config, source } = await loadConfig(schema, { env: { HOME: home } });
    equal(source, `${home}/.config/hive/config.yaml`);
    equal(config.ports.http, 4321);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("wrong type names the path and value", async () => {
  await withFile('ports:\n  http: "abc"\n', async (path) => {
    const error = await configError(loadConfig(schema, { path, env: noHome }));
    match(error.message, /ports\.http: expected integer 0\.\.65535, got "abc"/);
    equal(error.exitCode, 2);
  });
});

Deno.test("bad env override names the field and value", async () => {
  try {
    await loadConfig(schema, { env: { ...noHome, HIVE_PORTS_HTTP: "99999" } });
    ok(false, "should throw");
  } catch (error) {
    equal((error as Error).message, "HIVE_PORTS_HTTP: expected integer 0..65535, got 99999");
  }
});

Deno.test("a misspelt HIVE_* variable is reported with the setting it resembles", async () => {
  const { envMisspelt } = await loadConfig(schema, {
    env: { ...noHome, HIVE_PORT_HTTP: "1", HIVE_LOG_LEVL: "debug", HIVE_UNRELATED_THING: "x" },
  });
  equal(
    JSON.stringify(envMisspelt),
    JSON.stringify([
      { name: "HIVE_PORT_HTTP", suggestion: "HIVE_PORTS_HTTP" },
      { name: "HIVE_LOG_LEVL", suggestion: "HIVE_LOG_LEVEL" },
    ]),
  );
});

Deno.test("a YAML error says its position once", async () => {
  await withFile("a: b: c\n", async (path) => {
    const error = await configError(loadConfig(schema, { path, env: noHome }));
    equal(error.message.match(/line \d+, column \d+/g)?.length, 1, error.message);
  });
});

Deno.test("unknown keys, bad enum, bad YAML, non-mapping and missing file are clear errors", async () => {
  const cases: [string, RegExp][] = [
    ["portz: 1\n", /unknown field portz/],
    [
      "log:\n  level: loud\n",
      /log\.level: expected one of "debug", "info", "warn", "error", got "loud"/,
    ],
    ["ports: [1, 2\n", /invalid YAML at line \d+, column \d+/],
    ["- a\n- b\n", /expected a mapping at the top level, got \["a","b"\]/],
  ];
  for (const [text, pattern] of cases) {
    await withFile(text, async (path) => {
      const error = await configError(loadConfig(schema, { path, env: noHome }));
      match(error.message, pattern);
    });
  }
  try {
    await loadConfig(schema, { path: "/nonexistent/hive.yaml", env: noHome });
    ok(false);
  } catch (error) {
    match((error as Error).message, /\/nonexistent\/hive\.yaml: not found/);
  }
});

Deno.test("an empty file means defaults", async () => {
  await withFile("", async (path) => {
    const { config } = await loadConfig(schema, { path, env: noHome });
    equal(config.ports.http, 8787);
  });
});

Deno.test("env names come from config paths", () => {
  equal(envNameFor(["ports", "http"]), "HIVE_PORTS_HTTP");
  equal(envNameFor(["log", "max_bytes"]), "HIVE_LOG_MAX_BYTES");
});

Deno.test("log format auto: pretty on a terminal, NDJSON otherwise; explicit formats win", () => {
  equal(resolveLogFormat("auto", true), "pretty");
  equal(resolveLogFormat("auto", false), "json");
  equal(resolveLogFormat("json", true), "json");
  equal(resolveLogFormat("pretty", false), "pretty");
});

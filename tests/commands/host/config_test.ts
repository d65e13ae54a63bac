import { deepEqual, equal, match, throws } from "@std/assert";
import { UsageError } from "../../../core/errors.ts";
import { loadConfig } from "../../../core/config.ts";
import { hiveConfigSchema } from "../../../config_schema.ts";
import { hostRunOptions } from "../../../commands/host/mod.ts";

async function _defaults() {
  const dir = await Deno.makeTempDir();
  try {
    return (await loadConfig(hiveConfigSchema, { env: { HOME: dir } })).config;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("host run options: zero configuration means 127.0.0.1:8787, mDNS on, room general", async () => {
  const run = hostRunOptions({}, await _defaults());
  equal(run.port, 8787);
  equal(run.bind, "127.0.0.1");
  equal(run.mdns, true);
  deepEqual(run.rooms, ["general"]);
  equal(run.api_token, null);
  equal(run.daemon_url, null);
});

Deno.test("host run options: flags beat config", async () => {
  const run = hostRunOptions({
    port: "0",
    room: ["ops", "dev"],
    mdns: false,
    bootstrap: ["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWabc"],
    dataDir: "/tmp/x",
  }, await _defaults());
  equal(run.port, 0);
  deepEqual(run.rooms, ["ops", "dev"]);
  equal(run.mdns, false);
  equal(run.data_dir, "/tmp/x");
});

Deno.test("host run options: bad input names the field and the value", async () => {
  const config = await _defaults();
  const cases: [Parameters<typeof hostRunOptions>[0], RegExp][] = [
    [{ port: "abc" }, /--port: expected integer 0\.\.65535, got "abc"/],
    [{ port: "70000" }, /--port: expected integer 0\.\.65535, got 70000/],
    [{ bind: "example.com" }, /--bind: expected an IP address.*got "example\.com"/],
    [{ bind: "0.0.0.0" }, /api_token: binding 0\.0\.0\.0 \(not loopback\) requires --api-token/],
    // A secret is named, never printed back.
    [{ apiToken: "short" }, /--api-token: expected 16\.\.512 printable characters(?!.*short)/],
    [{ room: ["Bad Room"] }, /--room\[0\]: expected a room name.*got "Bad Room"/],
    [{ daemonUrl: "http://x" }, /--daemon-url: expected a ws:\/\/ URL/],
    [
      { daemonUrl: "ws://127.0.0.1:9/" },
      /daemon_token_file: --daemon-url and --daemon-token-file go together/,
    ],
  ];
  for (const [flags, pattern] of cases) {
    throws(
      () => hostRunOptions(flags, config),
      (e: unknown) => e instanceof UsageError && pattern.test(e.message),
      `${JSON.stringify(flags)} should fail with ${pattern}`,
    );
  }
});

Deno.test("host run options: a non-loopback bind is accepted with a token", async () => {
  const run = hostRunOptions(
    { bind: "0.0.0.0", apiToken: "0123456789abcdef0123" },
    await _defaults(),
  );
  equal(run.bind, "0.0.0.0");
});

Deno.test("config file: the host section is validated with paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/config.yaml`;
    await Deno.writeTextFile(path, "host:\n  rooms: [general, 'NOPE!']\n  bogus: 1\n");
    let message = "";
    await loadConfig(hiveConfigSchema, { path, env: {} }).catch((e) => message = e.message);
    match(message, /host\.rooms\[1\]: expected a room name.*got "NOPE!"/);
    match(message, /host: unknown field bogus/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config env: HIVE_HOST_API_TOKEN reaches the host section", async () => {
  const { config } = await loadConfig(hiveConfigSchema, {
    env: { HOME: "/nonexistent", HIVE_HOST_API_TOKEN: "tok-0123456789abcdef" },
  });
  equal(config.host.api_token, "tok-0123456789abcdef");
});

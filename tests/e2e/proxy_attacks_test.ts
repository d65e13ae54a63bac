/**
 * The attack list of `hive proxy`, against the process orchestrator and against a real Docker API
 * engine (podman): every attack is checked for its status code, for an audit line, and for no
 * side effect on the engine (the engine's own view before and after is the same).
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { ProcessOrchestrator } from "../../adapters/orchestrator/process.ts";
import {
  BUSYBOX,
  call,
  engine,
  engineContainers,
  engineUp,
  OTHER_KEY,
  PODMAN_SOCKET,
  rawStatus,
  READ_KEY,
  startTestProxy,
  type TestProxy,
  WRITE_KEY,
} from "./proxy_helpers.ts";

type _Kind = "process" | "docker";
// deno-lint-ignore no-explicit-any
type _Reply = { status: number; body?: any; headers?: Headers };

function _agent(kind: _Kind, name: string): Record<string, unknown> {
  return kind === "docker"
    ? { name, image: BUSYBOX, cmd: ["sleep", "60"] }
    : { name, image: "/bin/sleep", cmd: ["60"] };
}

/** What the engine holds, seen behind the proxy's back. */
async function _snapshot(kind: _Kind, proxy: TestProxy): Promise<unknown> {
  if (kind === "docker") return await engineContainers();
  const view = new ProcessOrchestrator({ stateDir: `${proxy.dir}/state`, monitorMs: 0 });
  try {
    return (await view.list()).map((a) => [a.id, a.state, a.labels]);
  } finally {
    await view.close();
  }
}

async function _suite(kind: _Kind, t: Deno.TestContext): Promise<void> {
  const allowed = await Deno.makeTempDir({ prefix: "hive-bind-" });
  await Deno.symlink("/", `${allowed}/escape`);
  const proxy = await startTestProxy({
    orchestrator: kind,
    policy: {
      images: [`${BUSYBOX.split(":")[0]}:*`, "/bin/*"],
      bind_paths: [allowed],
      max_agents: 10,
      max_agents_per_key: 1,
      rate_limit: { requests: 1000, window_s: 60 },
    },
  });
  const created: string[] = [];
  try {
    const base = await call(proxy, "POST", "/v1/agents", { body: _agent(kind, "base") });
    equal(base.status, 201, JSON.stringify(base.body));
    created.push(base.body.id);
    const baseId: string = base.body.id;

    /** Run an attack: expected status, an audit line for it, and no change on the engine. */
    const attack = async (
      name: string,
      expected: number,
      run: () => Promise<{ status: number; body?: unknown; headers?: Headers }>,
      check?: (r: _Reply) => void,
    ) => {
      await t.step(name, async () => {
        const before = await _snapshot(kind, proxy);
        const auditBefore = proxy.audit.length;
        const r = await run();
        equal(r.status, expected, `${name}: ${JSON.stringify(r.body)}`);
        check?.(r);
        deepEqual(await _snapshot(kind, proxy), before, `${name} changed the engine`);
        const lines = proxy.audit.slice(auditBefore);
        ok(
          lines.some((l) => l.status === expected && l.result === "refused"),
          `${name}: no audit line for the refusal in ${JSON.stringify(lines)}`,
        );
      });
    };

    const spec = _agent(kind, "evil");
    await attack("no key", 401, () =>
      call(proxy, "POST", "/v1/agents", {
        key: null,
        body: spec,
        headers: { "content-type": "application/json" },
      }), (r) => match(r.headers!.get("www-authenticate") ?? "", /^Bearer realm=/));
    await attack(
      "wrong key",
      401,
      () =>
        call(proxy, "POST", "/v1/agents", { key: "hive_not_a_key_at_all_0000000000", body: spec }),
      (r) => match(r.headers!.get("www-authenticate") ?? "", /invalid_token/),
    );
    await attack(
      "wrong key on a read",
      401,
      () => call(proxy, "GET", "/v1/agents", { key: WRITE_KEY + "x" }),
    );
    await attack(
      "read key doing a write",
      403,
      () => call(proxy, "POST", "/v1/agents", { key: READ_KEY, body: spec }),
    );
    await attack(
      "read key deleting",
      403,
      () => call(proxy, "DELETE", `/v1/agents/${baseId}`, { key: READ_KEY }),
    );
    await attack(
      "key in the query",
      400,
      () => call(proxy, "POST", `/v1/agents?api_key=${WRITE_KEY}`, { body: spec }),
    );
    await attack(
      "key in the query without a header",
      400,
      () => call(proxy, "GET", `/v1/agents?token=${WRITE_KEY}`, { key: null }),
    );
    await attack("2 MiB body", 413, () =>
      call(proxy, "POST", "/v1/agents", {
        raw: JSON.stringify({ ...spec, env: { BIG: "x".repeat(2 * 1024 * 1024) } }),
      }));
    await attack(
      "invalid JSON",
      400,
      () => call(proxy, "POST", "/v1/agents", { raw: '{"name": "evil", "image": ' }),
    );
    await attack(
      "unknown field",
      400,
      () => call(proxy, "POST", "/v1/agents", { body: { ...spec, pidMode: "host" } }),
      (r) => match(r.body.error.message, /pidMode/),
    );
    await attack("id with ../", 404, async () => ({
      status: await rawStatus(proxy.port, "DELETE", `/v1/agents/../../containers/${baseId}`),
    }));
    await attack("id with %2e%2e", 400, async () => ({
      status: await rawStatus(proxy.port, "DELETE", "/v1/agents/%2e%2e"),
    }));
    await attack("id with %2F", 400, async () => ({
      status: await rawStatus(proxy.port, "DELETE", `/v1/agents/${baseId}%2F..%2F..`),
    }));
    await attack("id with encoded ../ segments", 400, async () => ({
      status: await rawStatus(proxy.port, "DELETE", "/v1/agents/%2e%2e%2f%2e%2e%2fetc"),
    }));
    await attack("overlong id", 400, () => call(proxy, "DELETE", `/v1/agents/${"a".repeat(300)}`));

    if (kind === "docker") {
      const foreign = await engine("POST", `/containers/create?name=foreign-${Date.now()}`, {
        Image: BUSYBOX,
        Cmd: ["sleep", "60"],
      });
      equal(foreign.status, 201, JSON.stringify(foreign.body));
      const foreignId: string = foreign.body.Id;
      try {
        await attack(
          "a foreign container's id",
          404,
          () => call(proxy, "DELETE", `/v1/agents/${foreignId}`),
        );
        await attack(
          "a foreign container's id, read",
          404,
          () => call(proxy, "GET", `/v1/agents/${foreignId}/logs`),
        );
        await attack(
          "a foreign container's id, start",
          404,
          () =>
            call(proxy, "POST", `/v1/agents/${foreignId}/action`, { body: { action: "start" } }),
        );
        const listed = await call(proxy, "GET", "/v1/agents");
        ok(!listed.body.agents.some((a: { id: string }) => a.id === foreignId), "not listed");
      } finally {
        await engine("DELETE", `/containers/${foreignId}?force=1`);
      }
    } else {
      await attack(
        "an unknown agent id",
        404,
        () => call(proxy, "DELETE", "/v1/agents/0123456789abcdef"),
      );
    }

    const policyRefusal = (rule: string) => (r: _Reply) => {
      equal(r.body.error.rule, rule);
      ok("value" in r.body.error, "the refusal names the value");
    };
    await attack(
      "privileged: true",
      403,
      () => call(proxy, "POST", "/v1/agents", { body: { ...spec, privileged: true } }),
      policyRefusal("privileged"),
    );
    await attack(
      "capAdd",
      403,
      () => call(proxy, "POST", "/v1/agents", { body: { ...spec, capAdd: ["SYS_ADMIN"] } }),
      policyRefusal("cap_add"),
    );
    await attack(
      "host network",
      403,
      () => call(proxy, "POST", "/v1/agents", { body: { ...spec, network: "host" } }),
      policyRefusal("networks"),
    );
    await attack(
      "devices",
      403,
      () => call(proxy, "POST", "/v1/agents", { body: { ...spec, devices: ["/dev/mem"] } }),
      policyRefusal("devices"),
    );
    await attack("a / bind", 403, () =>
      call(proxy, "POST", "/v1/agents", {
        body: { ...spec, mounts: [{ source: "/", target: "/host" }] },
      }), policyRefusal("bind_paths"));
    await attack("a bind through a symlink into /", 403, () =>
      call(proxy, "POST", "/v1/agents", {
        body: { ...spec, mounts: [{ source: `${allowed}/escape`, target: "/host" }] },
      }), policyRefusal("bind_paths"));
    await attack(
      "a bind with .. out of the allowed path",
      403,
      () =>
        call(proxy, "POST", "/v1/agents", {
          body: { ...spec, mounts: [{ source: `${allowed}/../..`, target: "/host" }] },
        }),
      policyRefusal("bind_paths"),
    );
    await attack("an image not on the allow-list", 403, () =>
      call(proxy, "POST", "/v1/agents", {
        body: {
          ...spec,
          image: kind === "docker" ? "docker.io/library/alpine:latest" : "/usr/bin/env",
        },
      }), policyRefusal("images"));
    await attack(
      "over the agent limit",
      403,
      () => call(proxy, "POST", "/v1/agents", { body: spec }),
      policyRefusal("max_agents_per_key"),
    );
    await attack("reserved hive.* label", 400, () =>
      call(proxy, "POST", "/v1/agents", {
        key: OTHER_KEY,
        body: { ...spec, labels: { "hive.owner": "alice" } },
      }));

    await t.step("the base agent is untouched by all of it", async () => {
      const got = await call(proxy, "GET", `/v1/agents/${baseId}`);
      equal(got.status, 200);
      equal(got.body.state, "running");
      equal(got.body.owner, "alice");
    });
  } finally {
    for (const id of created) await call(proxy, "DELETE", `/v1/agents/${id}`).catch(() => {});
    await proxy.close();
    await Deno.remove(allowed, { recursive: true });
  }
}

async function _burst(kind: _Kind, t: Deno.TestContext): Promise<void> {
  const proxy = await startTestProxy({
    orchestrator: kind,
    policy: { images: ["*"], rate_limit: { requests: 5, window_s: 60 } },
  });
  try {
    for (let i = 0; i < 5; i++) equal((await call(proxy, "GET", "/v1/agents")).status, 200);
    await t.step("a rate-limit burst", async () => {
      const before = await _snapshot(kind, proxy);
      const r = await call(proxy, "POST", "/v1/agents", { body: _agent(kind, "burst") });
      equal(r.status, 429);
      ok(Number(r.headers.get("retry-after")) > 0, "Retry-After is set");
      deepEqual(await _snapshot(kind, proxy), before);
      ok(proxy.audit.some((l) => l.status === 429 && l.key_name === "alice"));
      // Another key has its own budget.
      equal((await call(proxy, "GET", "/v1/agents", { key: READ_KEY })).status, 200);
    });
  } finally {
    await proxy.close();
  }
}

Deno.test("proxy attacks: process orchestrator", async (t) => {
  await _suite("process", t);
  await _burst("process", t);
});

Deno.test("proxy attacks: docker orchestrator on podman", async (t) => {
  ok(
    await engineUp(),
    `no Docker API engine on ${PODMAN_SOCKET}: run \`bash .ci/podman.sh\` (deno task test does)`,
  );
  await _suite("docker", t);
  await _burst("docker", t);
});

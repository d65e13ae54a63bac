/**
 * `hive proxy` on the `docker` orchestrator against a real Docker API engine (podman + runc
 * serving the Docker API on a unix socket, started by `.ci/podman.sh`): the full lifecycle through
 * the HTTP API with a key made by `keys add`, the labels and security settings checked on the
 * engine directly, and a restarted proxy that sees exactly what it saw before.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { DockerOrchestrator } from "../../adapters/orchestrator/docker.ts";
import { addKeyToFile } from "../../commands/proxy/keys.ts";
import {
  BUSYBOX,
  call,
  engine,
  engineUp,
  PODMAN_SOCKET,
  startTestProxy,
  type TestProxy,
} from "./proxy_helpers.ts";

Deno.test("docker orchestrator negotiates the API version with /_ping", async () => {
  ok(await engineUp(), `no Docker API engine on ${PODMAN_SOCKET}: run bash .ci/podman.sh`);
  const docker = await DockerOrchestrator.connect({ socket: PODMAN_SOCKET });
  try {
    match(docker.apiVersion, /^1\.\d+$/);
    ok(Number(docker.apiVersion.split(".")[1]) >= 24);
  } finally {
    await docker.close();
  }
});

Deno.test("proxy on docker: lifecycle through the API, labels on the engine, restart", async () => {
  ok(await engineUp(), `no Docker API engine on ${PODMAN_SOCKET}: run bash .ci/podman.sh`);
  const dir = await Deno.makeTempDir({ prefix: "hive-proxy-docker-" });
  const key = await addKeyToFile(`${dir}/keys.yaml`, { name: "ops", scope: "write" });
  const keysText = await Deno.readTextFile(`${dir}/keys.yaml`);
  ok(!keysText.includes(key), "the keys file holds no key in clear");
  let proxy: TestProxy = await startTestProxy({ orchestrator: "docker", dir, fileKeysOnly: true });
  let id = "";
  try {
    const created = await call(proxy, "POST", "/v1/agents", {
      key,
      body: {
        name: `dock-${Date.now() % 100000}`,
        image: BUSYBOX,
        cmd: ["sh", "-c", "echo hello-$WHO; echo to-stderr >&2; sleep 60"],
        env: { WHO: "docker" },
        labels: { team: "blue" },
        resources: { memory: "64m" },
      },
    });
    equal(created.status, 201, JSON.stringify(created.body));
    id = created.body.id;
    equal(created.body.owner, "ops");
    equal(created.body.state, "running");

    // The engine's own view: labels and the safe settings.
    const inspect = await engine("GET", `/containers/${id}/json`);
    equal(inspect.status, 200);
    const labels = inspect.body.Config.Labels;
    equal(labels["hive.managed"], "true");
    equal(labels["hive.agent"], created.body.name);
    equal(labels["hive.owner"], "ops");
    ok(Number(labels["hive.created"]) > Date.now() - 60_000, "hive.created is a recent time");
    equal(labels.team, "blue");
    equal(inspect.body.HostConfig.Privileged, false);
    ok(
      (inspect.body.HostConfig.SecurityOpt ?? []).some((o: string) => /no-new-privileges/.test(o)),
      `no-new-privileges in ${JSON.stringify(inspect.body.HostConfig.SecurityOpt)}`,
    );
    equal(inspect.body.HostConfig.NetworkMode, "none");
    equal(inspect.body.HostConfig.Memory, 64 * 1024 * 1024);

    const listed = await call(
      proxy,
      "GET",
      "/v1/agents?label=team%3Dblue&owner=ops&state=running",
      {
        key,
      },
    );
    equal(listed.status, 200);
    deepEqual(listed.body.agents.map((a: { id: string }) => a.id), [id]);
    equal((await call(proxy, "GET", "/v1/agents?label=team%3Dred", { key })).body.agents.length, 0);

    let logs = "";
    const until = Date.now() + 10_000;
    while (!logs.includes("to-stderr") && Date.now() < until) {
      logs = (await call(proxy, "GET", `/v1/agents/${id}/logs?tail=10`, { key })).body;
      await new Promise((r) => setTimeout(r, 100));
    }
    match(logs, /hello-docker\n/);
    match(logs, /to-stderr\n/);
    ok(![...logs].some((ch) => ch.charCodeAt(0) < 9), "frame headers are demultiplexed away");

    // A followed stream delivers the existing lines and stays open until the client leaves.
    const follow = new AbortController();
    const response = await fetch(`${proxy.url}/v1/agents/${id}/logs?follow=1`, {
      headers: { authorization: `Bearer ${key}` },
      signal: follow.signal,
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let streamed = "";
    while (!streamed.includes("hello-docker")) streamed += (await reader.read()).value ?? "";
    follow.abort();
    await reader.cancel().catch(() => {});

    const stopped = await call(proxy, "POST", `/v1/agents/${id}/action`, {
      key,
      body: { action: "stop" },
    });
    equal(stopped.status, 200);
    equal(stopped.body.state, "exited");
    equal((await engine("GET", `/containers/${id}/json`)).body.State.Running, false);
    equal(
      (await call(proxy, "POST", `/v1/agents/${id}/action`, { key, body: { action: "start" } }))
        .body.state,
      "running",
    );
    equal(
      (await call(proxy, "POST", `/v1/agents/${id}/action`, { key, body: { action: "restart" } }))
        .body.state,
      "running",
    );
    const conflict = await call(proxy, "POST", "/v1/agents", {
      key,
      body: { name: created.body.name, image: BUSYBOX },
    });
    equal(conflict.status, 409, `a taken name is a conflict: ${JSON.stringify(conflict.body)}`);

    // A missing image is pulled; with no registry reachable the pull fails with a clear error.
    const missing = await call(proxy, "POST", "/v1/agents", {
      key,
      body: { name: "no-image", image: "localhost/hive-missing-image:1" },
    });
    ok([400, 404, 502].includes(missing.status), JSON.stringify(missing.body));
    match(missing.body.error.message, /hive-missing-image/);
    equal((await engine("GET", "/containers/no-image/json")).status, 404, "nothing left behind");

    // A restarted proxy holds no state of its own and sees the same agents.
    const before = (await call(proxy, "GET", "/v1/agents", { key })).body.agents;
    await proxy.stop();
    proxy = await startTestProxy({ orchestrator: "docker", dir, fileKeysOnly: true });
    deepEqual((await call(proxy, "GET", "/v1/agents", { key })).body.agents, before);

    equal((await call(proxy, "DELETE", `/v1/agents/${id}`, { key })).status, 204);
    equal((await engine("GET", `/containers/${id}/json`)).status, 404, "gone from the engine");
    id = "";
    equal((await call(proxy, "GET", `/v1/agents/${id || "0000"}`, { key })).status, 404);
  } finally {
    if (id) await engine("DELETE", `/containers/${id}?force=1`);
    await proxy.close();
  }
});

/**
 * The `kubernetes` orchestrator against a stand-in API server that answers the real `core/v1`
 * paths with the API server's JSON shapes (no cluster runs here): the lifecycle through the
 * proxy's HTTP API, label selectors, logs, restart as delete and re-create, refused stop,
 * foreign pods, 403/404/409 bodies, token-file rotation and the in-cluster configuration.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import { KubernetesOrchestrator } from "../../../adapters/orchestrator/kubernetes.ts";
import {
  inClusterAccess,
  kubeconfigAccess,
} from "../../../adapters/orchestrator/kubernetes_config.ts";
import { OrchestratorError } from "../../../adapters/orchestrator/types.ts";
import { rejection } from "../../_helpers.ts";
import { call, startTestProxy } from "../../e2e/proxy_helpers.ts";
import { startStandIn } from "./k8s_stand_in.ts";

async function _kubeconfig(dir: string, server: string, namespace: string): Promise<string> {
  const path = `${dir}/kubeconfig`;
  await Deno.writeTextFile(
    path,
    `apiVersion: v1
kind: Config
current-context: test
clusters:
  - name: stand-in
    cluster:
      server: ${server}
users:
  - name: proxy
    user:
      tokenFile: ${dir}/token
contexts:
  - name: test
    context:
      cluster: stand-in
      user: proxy
      namespace: ${namespace}
`,
  );
  return path;
}

Deno.test("kubernetes orchestrator: lifecycle through the proxy API", async () => {
  const api = await startStandIn({ namespace: "agents", tokens: ["token-one"] });
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/token`, "token-one\n");
  const proxy = await startTestProxy({
    orchestrator: "kubernetes",
    kubeconfig: await _kubeconfig(dir, api.url, "agents"),
  });
  try {
    const created = await call(proxy, "POST", "/v1/agents", {
      body: {
        name: "kagent",
        image: "ghcr.io/acme/agent:1",
        cmd: ["--hello"],
        env: { A: "1" },
        labels: { team: "k" },
      },
    });
    equal(created.status, 201, JSON.stringify(created.body));
    equal(created.body.id, "kagent");
    equal(created.body.state, "created");
    const pod = api.pods.get("agents/kagent")!;
    equal(pod.metadata.labels["hive.managed"], "true");
    equal(pod.metadata.labels["hive.owner"], "alice");
    equal(pod.metadata.labels.team, "k");
    equal(pod.spec.automountServiceAccountToken, false);
    equal(pod.spec.hostNetwork, false);
    const container = pod.spec.containers[0];
    deepEqual(container.args, ["--hello"]);
    deepEqual(container.env, [{ name: "A", value: "1" }]);
    equal(container.securityContext.privileged, false);
    equal(container.resources.limits.memory, String(1024 ** 3), "the policy's memory cap");
    equal(container.resources.limits.cpu, "2000m");

    const listed = await call(proxy, "GET", "/v1/agents?label=team%3Dk");
    deepEqual(listed.body.agents.map((a: { id: string }) => a.id), ["kagent"]);
    ok(api.seen.some((r) => r.query.includes("labelSelector=hive.managed%3Dtrue%2Cteam%3Dk")));
    equal((await call(proxy, "GET", "/v1/agents?label=team%3Dz")).body.agents.length, 0);
    equal((await call(proxy, "GET", "/v1/agents/kagent")).body.state, "running");

    equal((await call(proxy, "GET", "/v1/agents/kagent/logs?tail=1")).body, "args --hello\n");
    const follow = new AbortController();
    const response = await fetch(`${proxy.url}/v1/agents/kagent/logs?follow=1`, {
      headers: { authorization: `Bearer hive_test_write_key_0123456789abcdef` },
      signal: follow.signal,
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("tick")) text += (await reader.read()).value ?? "";
    follow.abort();
    await reader.cancel().catch(() => {});
    match(text, /started kagent/);

    const stop = await call(proxy, "POST", "/v1/agents/kagent/action", {
      body: { action: "stop" },
    });
    equal(stop.status, 400);
    match(stop.body.error.message, /cannot be stopped/);
    const uid = api.pods.get("agents/kagent")!.metadata.uid;
    const restarted = await call(proxy, "POST", "/v1/agents/kagent/action", {
      body: { action: "restart" },
    });
    equal(restarted.status, 200, JSON.stringify(restarted.body));
    const again = api.pods.get("agents/kagent")!;
    ok(again.metadata.uid !== uid, "restart made a new pod");
    deepEqual(again.metadata.labels, pod.metadata.labels);
    deepEqual(again.spec.containers[0].args, ["--hello"]);

    const taken = await call(proxy, "POST", "/v1/agents", {
      body: { name: "kagent", image: "ghcr.io/acme/agent:1" },
    });
    equal(taken.status, 409);
    match(taken.body.error.message, /already exists/);

    api.pods.set("agents/foreign", {
      ...structuredClone(pod),
      metadata: { ...pod.metadata, name: "foreign", labels: { app: "db" } },
    });
    equal((await call(proxy, "GET", "/v1/agents/foreign")).status, 404);
    equal((await call(proxy, "DELETE", "/v1/agents/foreign")).status, 404);
    ok(api.pods.has("agents/foreign"), "a foreign pod is never touched");
    equal((await call(proxy, "GET", "/v1/agents/nothere")).status, 404);

    equal((await call(proxy, "DELETE", "/v1/agents/kagent")).status, 204);
    ok(api.pods.get("agents/kagent")?.metadata.deletionTimestamp, "deleting");
    ok(api.seen.every((r) => r.token === "token-one"), "every call carried the token");
  } finally {
    await proxy.close();
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kubernetes orchestrator: token file rotation, 401 and 403 from the API server", async () => {
  const api = await startStandIn({ namespace: "agents", tokens: ["old-token"] });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, "old-token");
    const access = await kubeconfigAccess(await _kubeconfig(dir, api.url, "agents"));
    equal(access.namespace, "agents");
    const kube = new KubernetesOrchestrator(access, { tokenTtlMs: 0 });
    deepEqual(await kube.list(), []);
    // The token is rotated: the old one stops working, the file holds the new one.
    api.tokens.clear();
    api.tokens.add("new-token");
    await Deno.writeTextFile(`${dir}/token`, "new-token");
    deepEqual(await kube.list(), []);
    equal(api.seen.at(-1)!.token, "new-token");
    await Deno.writeTextFile(`${dir}/token`, "wrong");
    const unauthorized = await rejection(kube.list(), OrchestratorError);
    equal(unauthorized.status, 403);
    match(unauthorized.message, /Unauthorized/);
    await kube.close();

    await Deno.writeTextFile(`${dir}/token`, "new-token");
    const other = new KubernetesOrchestrator(
      await kubeconfigAccess(`${dir}/kubeconfig`, "kube-system"),
    );
    const forbidden = await rejection(other.list(), OrchestratorError);
    equal(forbidden.status, 403);
    match(forbidden.message, /cannot list resource "pods".*"kube-system".*Forbidden/);
    await other.close();
  } finally {
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kubernetes orchestrator: in-cluster service account configuration", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/namespace`, "agents\n");
    await Deno.writeTextFile(`${dir}/token`, "sa-token");
    await Deno.writeTextFile(
      `${dir}/ca.crt`,
      "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n",
    );
    const access = await inClusterAccess({
      dir,
      env: { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" },
    });
    equal(access.server, "https://10.96.0.1:443");
    equal(access.namespace, "agents");
    equal(access.tokenFile, `${dir}/token`);
    match(access.caCert!, /BEGIN CERTIFICATE/);
    const outside = await rejection(inClusterAccess({ dir, env: {} }), OrchestratorError);
    match(outside.message, /--kubeconfig/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The deployment examples in `fixtures/deploy/proxy/`: in the compose file only the proxy mounts
 * the engine socket and every other service reaches it by name on a shared network; the
 * Kubernetes manifests are checked against the pod shapes the `kubernetes` orchestrator itself
 * uses (strict, so a misspelt field fails) and their RBAC is limited to pods in one namespace;
 * the example policy is a valid policy.
 *
 * @module
 */
import { deepEqual, equal, ok } from "@std/assert";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { z } from "zod";
import { objectMetaSchema, podSpecSchema } from "../../adapters/orchestrator/kubernetes_shapes.ts";
import { loadPolicy } from "../../commands/proxy/policy.ts";

const _dir = new URL("../../fixtures/deploy/proxy/", import.meta.url).pathname;

Deno.test("compose: only the proxy mounts the engine socket; others reach it by name", async () => {
  const compose = parseYaml(await Deno.readTextFile(`${_dir}compose.yaml`)) as {
    services: Record<string, {
      volumes?: string[];
      networks?: string[];
      ports?: string[];
      command?: string[];
      environment?: Record<string, string>;
      privileged?: boolean;
    }>;
  };
  const mounting = Object.entries(compose.services).filter(([, s]) =>
    (s.volumes ?? []).some((v) => v.split(":")[0].endsWith(".sock") || v.includes("docker.sock"))
  ).map(([name]) => name);
  deepEqual(mounting, ["proxy"], "only the proxy mounts the socket");
  ok(Object.keys(compose.services).length >= 2, "the proxy has clients");
  for (const [name, service] of Object.entries(compose.services)) {
    ok(!service.privileged, `${name} is not privileged`);
    deepEqual(service.networks, ["agents"], `${name} is on the shared network`);
    for (const port of service.ports ?? []) {
      ok(port.startsWith("127.0.0.1:"), `${name} publishes ${port} on loopback only`);
    }
  }
  ok(compose.services.proxy.command!.includes("--orchestrator=docker"));
  equal(compose.services.agent.environment!.HIVE_PROXY_API, "http://proxy:8788");
});

Deno.test("example policy is valid and keeps the safe defaults", async () => {
  const policy = await loadPolicy(`${_dir}policy.yaml`);
  equal(policy.privileged, false);
  deepEqual(policy.cap_add, []);
  ok(!policy.networks.includes("host"));
  equal(policy.devices, false);
});

const _meta = objectMetaSchema;
const _schemas: Record<string, z.ZodType> = {
  ServiceAccount: z.strictObject({
    apiVersion: z.literal("v1"),
    kind: z.literal("ServiceAccount"),
    metadata: _meta,
    automountServiceAccountToken: z.boolean().optional(),
  }),
  Role: z.strictObject({
    apiVersion: z.literal("rbac.authorization.k8s.io/v1"),
    kind: z.literal("Role"),
    metadata: _meta,
    rules: z.array(z.strictObject({
      apiGroups: z.array(z.string()),
      resources: z.array(z.string()),
      verbs: z.array(z.string()),
    })),
  }),
  RoleBinding: z.strictObject({
    apiVersion: z.literal("rbac.authorization.k8s.io/v1"),
    kind: z.literal("RoleBinding"),
    metadata: _meta,
    subjects: z.array(z.strictObject({
      kind: z.literal("ServiceAccount"),
      name: z.string(),
      namespace: z.string(),
    })),
    roleRef: z.strictObject({
      apiGroup: z.literal("rbac.authorization.k8s.io"),
      kind: z.literal("Role"),
      name: z.string(),
    }),
  }),
  Deployment: z.strictObject({
    apiVersion: z.literal("apps/v1"),
    kind: z.literal("Deployment"),
    metadata: _meta,
    spec: z.strictObject({
      replicas: z.int().min(1),
      selector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
      template: z.strictObject({ metadata: _meta, spec: podSpecSchema }),
    }),
  }),
  Service: z.strictObject({
    apiVersion: z.literal("v1"),
    kind: z.literal("Service"),
    metadata: _meta,
    spec: z.strictObject({
      type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]),
      selector: z.record(z.string(), z.string()),
      ports: z.array(z.strictObject({
        name: z.string(),
        port: z.int(),
        targetPort: z.union([z.int(), z.string()]),
      })),
    }),
  }),
};

Deno.test("kubernetes manifests: shapes, RBAC limited to pods in one namespace", async () => {
  const docs = parseAllDocuments(await Deno.readTextFile(`${_dir}kubernetes.yaml`)).map((d) =>
    d.toJS()
  );
  // deno-lint-ignore no-explicit-any
  const byKind = new Map<string, any>();
  for (const doc of docs) {
    const schema = _schemas[doc.kind];
    ok(schema, `unexpected kind ${doc.kind}`);
    const result = schema.safeParse(doc);
    ok(result.success, `${doc.kind}: ${JSON.stringify(result.error?.issues)}`);
    byKind.set(doc.kind, doc);
  }
  deepEqual([...byKind.keys()].sort(), [
    "Deployment",
    "Role",
    "RoleBinding",
    "Service",
    "ServiceAccount",
  ]);
  const namespaces = new Set(docs.map((d) => d.metadata.namespace));
  equal(namespaces.size, 1, "everything in one namespace");
  const ns = [...namespaces][0];

  const role = byKind.get("Role");
  for (const rule of role.rules) {
    deepEqual(rule.apiGroups, [""], "core API group only");
    for (const resource of rule.resources) ok(["pods", "pods/log"].includes(resource), resource);
    for (const verb of rule.verbs) {
      ok(["get", "list", "watch", "create", "delete"].includes(verb), `verb ${verb}`);
    }
  }
  const binding = byKind.get("RoleBinding");
  equal(binding.roleRef.name, role.metadata.name);
  const sa = byKind.get("ServiceAccount");
  deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ns }]);

  const deployment = byKind.get("Deployment");
  const pod = deployment.spec.template;
  equal(pod.spec.serviceAccountName, sa.metadata.name);
  deepEqual(deployment.spec.selector.matchLabels, pod.metadata.labels);
  const container = pod.spec.containers[0];
  ok(container.args.includes("--orchestrator=kubernetes"));
  ok(container.args.includes(`--namespace=${ns}`));
  equal(container.securityContext.privileged, false);
  equal(container.securityContext.allowPrivilegeEscalation, false);
  ok(!JSON.stringify(docs).includes("hive_"), "no key in the manifests");
  const service = byKind.get("Service");
  deepEqual(service.spec.selector, pod.metadata.labels);
  equal(service.spec.ports[0].port, 8788);
  equal(service.spec.ports[0].targetPort, container.ports[0].name);
});

/**
 * The Kubernetes object shapes the `kubernetes` orchestrator writes (Pod, with the `core/v1`
 * field names of the API reference), as strict zod schemas: the adapter's pod bodies are typed by
 * them, the tests' stand-in API server validates what it receives with them, and the deployment
 * manifests in `fixtures/deploy/proxy/` are checked against them (a misspelt field is an error).
 * Only the fields hive uses are listed.
 *
 * @module
 */
import { z } from "zod";

const _name = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  error: "expected a DNS label",
});

/** `metadata` of an object. */
export const objectMetaSchema = z.strictObject({
  name: _name,
  namespace: _name.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const _probe = z.strictObject({
  httpGet: z.strictObject({ path: z.string(), port: z.union([z.int(), z.string()]) }),
  initialDelaySeconds: z.int().optional(),
  periodSeconds: z.int().optional(),
});

/** One container of a pod. */
export const containerSchema = z.strictObject({
  name: _name,
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(z.strictObject({
    name: z.string(),
    value: z.string().optional(),
    valueFrom: z.strictObject({
      secretKeyRef: z.strictObject({ name: z.string(), key: z.string() }),
    }).optional(),
  })).optional(),
  ports: z.array(z.strictObject({
    name: z.string().optional(),
    containerPort: z.int().min(1).max(65535),
    protocol: z.enum(["TCP", "UDP"]).optional(),
  })).optional(),
  resources: z.strictObject({
    limits: z.record(z.enum(["memory", "cpu"]), z.string()).optional(),
    requests: z.record(z.enum(["memory", "cpu"]), z.string()).optional(),
  }).optional(),
  securityContext: z.strictObject({
    privileged: z.boolean().optional(),
    allowPrivilegeEscalation: z.boolean().optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
    runAsNonRoot: z.boolean().optional(),
    runAsUser: z.int().optional(),
    capabilities: z.strictObject({
      add: z.array(z.string()).optional(),
      drop: z.array(z.string()).optional(),
    }).optional(),
  }).optional(),
  volumeMounts: z.array(z.strictObject({
    name: z.string(),
    mountPath: z.string().startsWith("/"),
    readOnly: z.boolean().optional(),
  })).optional(),
  readinessProbe: _probe.optional(),
  livenessProbe: _probe.optional(),
  imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
});

/** `spec` of a pod (also a Deployment's pod template). */
export const podSpecSchema = z.strictObject({
  containers: z.array(containerSchema).min(1),
  restartPolicy: z.enum(["Always", "OnFailure", "Never"]).optional(),
  serviceAccountName: _name.optional(),
  automountServiceAccountToken: z.boolean().optional(),
  enableServiceLinks: z.boolean().optional(),
  hostNetwork: z.boolean().optional(),
  securityContext: z.strictObject({
    runAsNonRoot: z.boolean().optional(),
    runAsUser: z.int().optional(),
    fsGroup: z.int().optional(),
    seccompProfile: z.strictObject({ type: z.string() }).optional(),
  }).optional(),
  volumes: z.array(z.strictObject({
    name: z.string(),
    hostPath: z.strictObject({ path: z.string() }).optional(),
    emptyDir: z.strictObject({}).optional(),
    secret: z.strictObject({ secretName: z.string() }).optional(),
  })).optional(),
});

/** A Pod as the adapter creates it. */
export const podSchema = z.strictObject({
  apiVersion: z.literal("v1"),
  kind: z.literal("Pod"),
  metadata: objectMetaSchema,
  spec: podSpecSchema,
});

/** A Pod body the adapter sends. */
export type KubePod = z.input<typeof podSchema>;

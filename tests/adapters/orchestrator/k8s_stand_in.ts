/**
 * A stand-in Kubernetes API server for the `kubernetes` orchestrator tests: no cluster runs here,
 * so this answers the real `core/v1` pod paths on loopback with the API server's JSON shapes
 * (from `fixtures/k8s_transcripts/`): create (201, or 409 AlreadyExists), get (404 NotFound),
 * list with `labelSelector`, delete (the pod lingers with `deletionTimestamp` for a moment, as
 * with a grace period), log (with `tailLines` and `follow`), 401 for a wrong bearer token and
 * 403 Forbidden outside the namespace its Role allows. Incoming pods are validated with the
 * adapter's own pod schema (422 Invalid otherwise). Every request is recorded for assertions.
 *
 * @module
 */
import { podSchema } from "../../../adapters/orchestrator/kubernetes_shapes.ts";

const _dir = new URL("../../../fixtures/k8s_transcripts/", import.meta.url);
const _load = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, _dir)));

// deno-lint-ignore no-explicit-any
type _Json = Record<string, any>;

/** A request the stand-in saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  token: string | null;
}

/** A running stand-in API server. */
export interface StandIn {
  url: string;
  /** Pods by `namespace/name`. */
  pods: Map<string, _Json>;
  seen: SeenRequest[];
  /** Tokens accepted; replace to simulate rotation. */
  tokens: Set<string>;
  close(): Promise<void>;
}

function _status(file: string, status: number, fill: Record<string, string> = {}): Response {
  let text = JSON.stringify(_load(file));
  for (const [k, v] of Object.entries(fill)) text = text.replaceAll(k, v);
  return new Response(text, { status, headers: { "content-type": "application/json" } });
}

function _selects(labels: Record<string, string>, selector: string): boolean {
  for (const term of selector.split(",").filter(Boolean)) {
    const neq = term.split("!=");
    if (neq.length === 2) {
      if (labels[neq[0]] === neq[1]) return false;
      continue;
    }
    const eq = term.split(/==?/);
    if (eq.length === 2) {
      if (labels[eq[0]] !== eq[1]) return false;
    } else if (!(term in labels)) return false;
  }
  return true;
}

/** Start the stand-in on 127.0.0.1. Only `namespace` is allowed by its Role. */
export function startStandIn(
  options: { namespace: string; tokens: string[]; deleteDelayMs?: number },
): Promise<StandIn> {
  const pods = new Map<string, _Json>();
  const seen: SeenRequest[] = [];
  const tokens = new Set(options.tokens);
  let version = 50000;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    // Scheduling: a pod answered once as Pending (on create) is Running from the next request on.
    for (const pod of pods.values()) {
      if (pod.status.phase === "Pending" && !pod.metadata.deletionTimestamp) {
        pod.status = { ...pod.status, phase: "Running" };
      }
    }
    const auth = req.headers.get("authorization");
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : null;
    seen.push({ method: req.method, path: url.pathname, query: url.search, token });
    if (!token || !tokens.has(token)) return _status("status_unauthorized.json", 401);
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?(\/log)?$/.exec(url.pathname);
    if (!m) return new Response("404 page not found\n", { status: 404 });
    const [, ns, name, log] = m;
    if (ns !== options.namespace) {
      const verb = req.method === "GET"
        ? (name ? "get" : "list")
        : req.method === "POST"
        ? "create"
        : "delete";
      return _status("status_forbidden.json", 403, {
        "cannot list": `cannot ${verb}`,
        '\\"kube-system\\"': `\\"${ns}\\"`,
      });
    }
    const key = `${ns}/${name}`;
    if (req.method === "POST" && !name) {
      const body = await req.json();
      const parsed = podSchema.safeParse(body);
      if (!parsed.success) {
        return Response.json({
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `Pod is invalid: ${parsed.error.issues[0].path.join(".")}: ${
            parsed.error.issues[0].message
          }`,
          reason: "Invalid",
          code: 422,
        }, { status: 422 });
      }
      const podName = parsed.data.metadata.name;
      if (pods.has(`${ns}/${podName}`)) {
        return _status("status_already_exists.json", 409, {
          '\\"echo\\"': `\\"${podName}\\"`,
          '"echo"': `"${podName}"`,
        });
      }
      const template = _load("pod_created.json");
      const pod = {
        ...template,
        metadata: {
          ...template.metadata,
          name: podName,
          namespace: ns,
          uid: crypto.randomUUID(),
          resourceVersion: String(++version),
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          labels: parsed.data.metadata.labels ?? {},
        },
        spec: { ...template.spec, ...parsed.data.spec },
        status: { phase: "Pending", qosClass: "BestEffort" },
      };
      pods.set(`${ns}/${podName}`, pod);
      return Response.json(pod, { status: 201 });
    }
    if (req.method === "GET" && !name) {
      const selector = url.searchParams.get("labelSelector") ?? "";
      const list = _load("pod_list.json");
      list.metadata.resourceVersion = String(version);
      list.items = [...pods.entries()].filter(([k]) => k.startsWith(`${ns}/`)).map(([, p]) => p)
        .filter((p) => _selects(p.metadata.labels ?? {}, selector));
      return Response.json(list);
    }
    const pod = pods.get(key);
    if (!pod) {
      return _status("status_not_found.json", 404, {
        '\\"echo\\"': `\\"${name}\\"`,
        '"echo"': `"${name}"`,
      });
    }
    if (req.method === "GET" && log) {
      const lines = [`started ${name}`, `args ${(pod.spec.containers[0].args ?? []).join(" ")}`];
      const tail = url.searchParams.get("tailLines");
      const shown = tail === null ? lines : lines.slice(-Number(tail));
      const text = shown.map((l) => l + "\n").join("");
      if (url.searchParams.get("follow") !== "true") {
        return new Response(text, { headers: { "content-type": "text/plain" } });
      }
      let timer: ReturnType<typeof setInterval> | undefined;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          timer = setInterval(() => controller.enqueue(new TextEncoder().encode("tick\n")), 50);
          timers.add(timer!);
        },
        cancel() {
          clearInterval(timer);
          timers.delete(timer!);
        },
      });
      return new Response(stream, { headers: { "content-type": "text/plain" } });
    }
    if (req.method === "GET") {
      return Response.json(pod);
    }
    if (req.method === "DELETE") {
      pod.metadata.deletionTimestamp = new Date().toISOString();
      const timer = setTimeout(() => {
        timers.delete(timer);
        pods.delete(key);
      }, options.deleteDelayMs ?? 100);
      timers.add(timer);
      return Response.json(pod);
    }
    return new Response("method not allowed", { status: 405 });
  };
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: resolve }, handler);
  return promise.then((addr) => ({
    url: `http://127.0.0.1:${addr.port}`,
    pods,
    seen,
    tokens,
    async close() {
      for (const t of timers) clearTimeout(t);
      await server.shutdown();
    },
  }));
}

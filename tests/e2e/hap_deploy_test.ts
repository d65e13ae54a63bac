/**
 * The deployment fixtures: the host and the portal come from one image, listen on distinct
 * ports, are probed on /healthz, and read their identity key from a Secret mounted owner-only;
 * the Containerfile builds in one stage and copies only the executable into the runtime stage.
 */
import { deepEqual, equal, match, notEqual, ok } from "@std/assert";
import { parseAllDocuments } from "yaml";

const DIR = new URL("../../fixtures/deploy/hap/", import.meta.url).pathname;

interface Container {
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}

Deno.test("host and hap Deployments: one image, distinct ports, /healthz probes, key from a Secret", async () => {
  const docs = parseAllDocuments(await Deno.readTextFile(`${DIR}/deployments.yaml`)).map((d) =>
    d.toJS()
  );
  const deployments = docs.filter((d) => d.kind === "Deployment");
  equal(deployments.length, 2);
  const byName = Object.fromEntries(deployments.map((d) => [d.metadata.name, d]));
  const host: Container = byName["hive-host"].spec.template.spec.containers[0];
  const hap: Container = byName["hive-hap"].spec.template.spec.containers[0];
  equal(host.image, hap.image, "one image for both");
  equal(host.args[0], "host");
  equal(hap.args[0], "hap");
  const http = (c: Container) => c.ports.find((p) => p.name === "http")!.containerPort;
  notEqual(http(host), http(hap));
  deepEqual([http(host), http(hap)], [8787, 8788], "the kinds' default ports");
  const allPorts = [...host.ports, ...hap.ports].map((p) => p.containerPort);
  equal(new Set(allPorts).size, allPorts.length, "no port used twice");
  for (const c of [host, hap]) {
    equal(c.readinessProbe.httpGet.path, "/healthz");
    equal(c.livenessProbe.httpGet.path, "/healthz");
    equal(c.readinessProbe.httpGet.port, "http");
    ok(c.volumeMounts.some((m) => m.name === "identity" && m.readOnly));
  }
  for (const name of ["hive-host", "hive-hap"]) {
    const identity = byName[name].spec.template.spec.volumes.find((v: { name: string }) =>
      v.name === "identity"
    );
    ok(identity.secret.secretName, `${name} reads its key from a Secret`);
    equal(identity.secret.defaultMode & 0o077, 0, `${name}: key mounted owner-only`);
    equal(byName[name].spec.selector.matchLabels["app.kubernetes.io/component"], name.slice(5));
  }
  ok(hap.args.includes("--key-file"));
});

Deno.test("the Containerfile builds in one stage and ships only the executable", async () => {
  const text = await Deno.readTextFile(`${DIR}/Containerfile`);
  const stages = text.split("\n").filter((l) => /^FROM /.test(l));
  equal(stages.length, 2);
  match(stages[0], /AS build$/);
  match(text, /RUN deno compile --allow-all --output \/out\/hive main\.ts/);
  const runtime = text.slice(text.lastIndexOf("\nFROM "));
  const copies = runtime.split("\n").filter((l) => l.startsWith("COPY"));
  deepEqual(copies, ["COPY --from=build /out/hive /usr/local/bin/hive"]);
  match(runtime, /ENTRYPOINT \["\/usr\/local\/bin\/hive"\]/);
});

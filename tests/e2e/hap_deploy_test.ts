/**
 * The deployment fixtures: the host and the portal come from one image, listen on distinct
 * ports, are probed on /healthz, and read their identity key from a Secret mounted owner-only;
 * the portal names the host by Service address with no peer id to fill in; the Containerfile
 * builds in one stage and copies only the executable into the runtime stage.
 */
import { deepEqual, equal, match, notEqual, ok } from "@std/assert";
import { parseAllDocuments } from "yaml";
import { multiaddrSchema, peerMultiaddrSchema } from "../../adapters/p2p/types.ts";
import { proxyConfigSchema } from "../../commands/proxy/config.ts";
import { DEFAULT_HTTP_PORTS } from "../../core/identity/names.ts";

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
  deepEqual([http(host), http(hap)], [8787, 8789], "the kinds' default ports");
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

Deno.test("the portal reaches the host by its Service address, with no peer id to fill in", async () => {
  const text = await Deno.readTextFile(`${DIR}/deployments.yaml`);
  ok(!/REPLACE|CHANGE_?ME|<[a-z-]+>|12D3KooW/i.test(text), "no placeholder and no fixed peer id");
  const docs = parseAllDocuments(text).map((d) => d.toJS());
  const byName = Object.fromEntries(docs.map((d) => [`${d.kind}/${d.metadata.name}`, d]));
  const host = byName["Deployment/hive-host"].spec.template.spec;
  const hap = byName["Deployment/hive-hap"].spec.template.spec;
  const service = byName["Service/hive-host"];
  const bootstrap: string =
    hap.containers[0].args[hap.containers[0].args.indexOf("--bootstrap") + 1];
  // Address only: the portal's dialer learns the peer id (peerMultiaddrSchema is what a daemon's
  // own bootstrap list would need).
  ok(multiaddrSchema.safeParse(bootstrap).success, bootstrap);
  equal(peerMultiaddrSchema.safeParse(bootstrap).success, false);
  const [, name, port] = bootstrap.match(/^\/dns4\/([^/]+)\/tcp\/(\d+)$/)!;
  equal(name, service.metadata.name, "the host's Service by name");
  const p2p = service.spec.ports.find((p: { name: string }) => p.name === "p2p");
  equal(p2p.port, Number(port));
  const hostArgs: string[] = host.containers[0].args;
  const listen = hostArgs[hostArgs.indexOf("--p2p-listen") + 1];
  const target = host.containers[0].ports.find((p: { name: string }) => p.name === p2p.targetPort);
  equal(listen, `/ip4/0.0.0.0/tcp/${target.containerPort}`, "the host's daemon listens there");
  // Keys: copied owner-only from the Secret into the data volume, where each kind reads its own.
  for (
    const [spec, path] of [[host, "/var/lib/hive/host/identity.key"], [
      hap,
      "/var/lib/hive/hap/identity.key",
    ]]
  ) {
    const init = spec.initContainers[0];
    equal(init.image, spec.containers[0].image);
    match(
      init.args.join(" "),
      new RegExp(`^umask 077 && .*cp /var/run/secrets/hive/identity\\.key ${path}$`),
    );
  }
  const hapArgs: string[] = hap.containers[0].args;
  equal(hapArgs[hapArgs.indexOf("--key-file") + 1], "/var/lib/hive/hap/identity.key");
  ok(
    !JSON.stringify(host.containers[0].env).includes("HIVE_DAEMON_IDENTITY"),
    "no daemon key in a read-only mount",
  );
});

Deno.test("deploy: host, portal and proxy default to distinct HTTP ports (all run on one machine)", () => {
  const ports = [
    DEFAULT_HTTP_PORTS.agent,
    DEFAULT_HTTP_PORTS.hap,
    proxyConfigSchema.parse({}).port,
  ];
  equal(new Set(ports).size, 3, `default ports ${ports}`);
});

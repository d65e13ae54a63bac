/**
 * Policy: safe defaults, validation errors naming the field, and each rule's refusal naming the
 * rule and the value; binds resolved through `..` and symlinks; caps applied as limits.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "@std/assert";
import {
  checkSpec,
  defaultPolicy,
  loadPolicy,
  policySchema,
} from "../../../commands/proxy/policy.ts";
import { ConfigError } from "../../../core/errors.ts";
import { rejection } from "../../_helpers.ts";

const base = { name: "a", image: "localhost/busybox:latest" };

Deno.test("policy defaults refuse every dangerous field by name", async () => {
  const policy = defaultPolicy();
  const cases: [Record<string, unknown>, string][] = [
    [{ privileged: true }, "privileged"],
    [{ capAdd: ["NET_ADMIN"] }, "cap_add"],
    [{ network: "host" }, "networks"],
    [{ devices: ["/dev/kvm"] }, "devices"],
    [{ mounts: [{ source: "/tmp", target: "/x" }] }, "bind_paths"],
    [{ mounts: [{ source: "relative", target: "/x" }] }, "bind_paths"],
    [{ resources: { memory: "2g" } }, "max_memory"],
    [{ resources: { cpus: 4 } }, "max_cpus"],
  ];
  for (const [extra, rule] of cases) {
    const result = await checkSpec({ ...base, ...extra }, policy);
    ok(!result.ok, `${rule} refused`);
    if (!result.ok) {
      equal(result.violation.rule, rule);
      ok(result.violation.value !== undefined);
    }
  }
  const fine = await checkSpec({ ...base, network: "bridge" }, policy);
  ok(fine.ok);
  if (fine.ok) {
    deepEqual(fine.spec.resources, { memory: 1024 ** 3, cpus: 2 }, "caps become limits");
  }
});

Deno.test("binds are resolved before the allow-list check and passed on resolved", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/allowed/data`, { recursive: true });
    await Deno.symlink("/etc", `${dir}/allowed/etc-link`);
    await Deno.symlink(`${dir}/allowed/data`, `${dir}/inside-link`);
    const policy = policySchema.parse({ bind_paths: [`${dir}/allowed`], images: ["localhost/*"] });
    const through = await checkSpec({
      ...base,
      mounts: [{ source: `${dir}/inside-link`, target: "/d" }],
    }, policy);
    ok(through.ok, "a link that lands inside is fine");
    if (through.ok) equal(through.spec.mounts![0].source, `${dir}/allowed/data`);
    for (const source of [`${dir}/allowed/etc-link`, `${dir}/allowed/../`, `${dir}/allowedx`]) {
      const r = await checkSpec({ ...base, mounts: [{ source, target: "/d" }] }, policy);
      ok(!r.ok, `${source} refused`);
    }
    const image = await checkSpec({ ...base, image: "docker.io/evil" }, policy);
    ok(!image.ok && image.violation.rule === "images");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("policy files are validated with errors naming the field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/p.yaml`, "networks: [host, moon]\nmax_cpus: -1\nextra: 1\n");
    const error = await rejection(loadPolicy(`${dir}/p.yaml`), ConfigError);
    match(error.message, /networks\[1\]/);
    match(error.message, /max_cpus/);
    match(error.message, /unknown field extra/);
    equal((await loadPolicy(null)).privileged, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

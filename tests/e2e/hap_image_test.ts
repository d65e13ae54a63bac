/**
 * The container image, really built and run with podman (`.ci/podman.sh` installs it). The
 * compiled image (`fixtures/deploy/hap/Containerfile`) cannot be built here: `deno compile`
 * downloads its runtime (denort) and no Deno image can be pulled. So this builds
 * `Containerfile.bundle` (the same runtime layout, with the deno bundle as the program) FROM a
 * base made of this machine's deno binary, the libraries it links and busybox, then runs
 * `hive --version` and `hive hap whoami` (a key file created 0600 by the unprivileged user), and
 * the Deployment's init container command that puts the key from a Secret in place.
 */
import { equal, match, ok } from "@std/assert";
import { bundle } from "../../tools/bundle.ts";
import { deadline } from "../_helpers.ts";
import { parseAllDocuments } from "yaml";
import { generateKeyFile } from "../../core/identity/identity.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PODMAN_DIR = Deno.env.get("HIVE_PODMAN_DIR") ?? "/tmp/hive-podman";

async function _run(
  cmd: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await deadline(
    new Deno.Command(cmd, {
      args,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { CONTAINERS_CONF: `${PODMAN_DIR}/containers.conf` },
    }).output(),
    120_000,
    `${cmd} ${args.slice(0, 2).join(" ")}`,
  );
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A root filesystem with deno, the shared libraries it links (ldd) and busybox's applets. */
async function _baseRootfs(dir: string): Promise<void> {
  const deno = Deno.execPath();
  const ldd = await _run("ldd", [deno]);
  equal(ldd.code, 0, ldd.stderr);
  const libs = [...ldd.stdout.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]);
  ok(libs.length > 0, ldd.stdout);
  for (const d of ["usr/bin", "bin", "tmp", "etc"]) {
    await Deno.mkdir(`${dir}/${d}`, { recursive: true });
  }
  await Deno.copyFile(deno, `${dir}/usr/bin/deno`);
  for (const lib of libs) {
    await Deno.mkdir(`${dir}${lib.slice(0, lib.lastIndexOf("/"))}`, { recursive: true });
    await Deno.copyFile(await Deno.realPath(lib), `${dir}${lib}`);
  }
  await Deno.copyFile("/bin/busybox", `${dir}/bin/busybox`);
  for (const applet of ["sh", "mkdir", "chown", "cp", "chmod", "ls"]) {
    await Deno.symlink("busybox", `${dir}/bin/${applet}`);
  }
  await Deno.chmod(`${dir}/tmp`, 0o1777);
  await Deno.writeTextFile(`${dir}/etc/passwd`, "nobody:x:65534:65534::/nonexistent:/bin/false\n");
}

Deno.test({
  name: "hap image: Containerfile.bundle builds with podman and runs hive --version and hap whoami",
  sanitizeResources: false,
  async fn() {
    const version = await _run("podman", ["--version"]).catch(() => null);
    ok(version?.code === 0, "podman is missing: run bash .ci/podman.sh");
    const work = await Deno.makeTempDir({ prefix: "hive-image-" });
    const tag = `hive-image-test-${crypto.randomUUID().slice(0, 8)}`;
    const base = `localhost/${tag}-base:latest`;
    const image = `localhost/${tag}:latest`;
    try {
      // Build context: the Containerfile and the bundle, nothing else.
      await Deno.mkdir(`${work}/ctx/fixtures/deploy/hap`, { recursive: true });
      await Deno.copyFile(
        `${ROOT}/fixtures/deploy/hap/Containerfile.bundle`,
        `${work}/ctx/fixtures/deploy/hap/Containerfile.bundle`,
      );
      await bundle({ root: ROOT, outDir: `${work}/ctx/dist` });
      await _baseRootfs(`${work}/rootfs`);
      const tar = await _run("tar", ["-C", `${work}/rootfs`, "-cf", `${work}/base.tar`, "."]);
      equal(tar.code, 0, tar.stderr);
      const imported = await _run("podman", ["import", `${work}/base.tar`, base]);
      equal(imported.code, 0, imported.stderr);

      const built = await _run("podman", [
        "build",
        "--build-arg",
        `BASE_IMAGE=${base}`,
        "-f",
        "fixtures/deploy/hap/Containerfile.bundle",
        "-t",
        image,
        ".",
      ], { cwd: `${work}/ctx` });
      equal(built.code, 0, built.stderr);

      const ver = await _run("podman", ["run", "--rm", image, "--version"]);
      equal(ver.code, 0, ver.stderr);
      match(ver.stdout, /^hive \d+\.\d+\.\d+ \(deno 2\.9\.6\)/);

      const who = await _run("podman", ["run", "--rm", image, "--json", "hap", "whoami"]);
      equal(who.code, 0, who.stderr);
      const me = JSON.parse(who.stdout);
      equal(me.kind, "hap");
      equal(me.key_file, "/var/lib/hive/hap/identity.key", "state under HIVE_DATA_DIR");
      match(me.public_key, /^[A-Za-z0-9+/]{43}=$/);

      // The Deployment's key flow: a Secret file is root-owned and, with fsGroup, 0440 (which
      // hive refuses); the init container's own command copies it owner-only into the data
      // volume, where the portal reads it as its key file.
      const hap = parseAllDocuments(
        await Deno.readTextFile(`${ROOT}/fixtures/deploy/hap/deployments.yaml`),
      ).map((d) => d.toJS()).find((d) => d.metadata?.name === "hive-hap");
      const init = hap.spec.template.spec.initContainers[0];
      const main = hap.spec.template.spec.containers[0];
      const keyFile = main.args[main.args.indexOf("--key-file") + 1];
      await Deno.mkdir(`${work}/secret`);
      await Deno.mkdir(`${work}/data`, { mode: 0o777 });
      await Deno.chmod(`${work}/data`, 0o777);
      await Deno.writeTextFile(
        `${work}/secret/identity.key`,
        JSON.stringify(await generateKeyFile("hap", "pat")),
      );
      await Deno.chown(`${work}/secret/identity.key`, 0, 65534);
      await Deno.chmod(`${work}/secret/identity.key`, 0o440);
      const mounts = [
        "-v",
        `${work}/secret:/var/run/secrets/hive:ro`,
        "-v",
        `${work}/data:/var/lib/hive`,
      ];
      const copied = await _run("podman", [
        "run",
        "--rm",
        ...mounts,
        "--entrypoint",
        init.command[0],
        image,
        ...init.command.slice(1),
        ...init.args,
      ]);
      equal(copied.code, 0, copied.stderr);
      const pat = await _run("podman", [
        "run",
        "--rm",
        ...mounts,
        image,
        "--json",
        "hap",
        "whoami",
        "--key-file",
        keyFile,
      ]);
      equal(pat.code, 0, pat.stderr);
      equal(JSON.parse(pat.stdout).id, "pat", "the Secret's identity");
    } finally {
      await _run("podman", ["rmi", "-f", image, base]).catch(() => {});
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});

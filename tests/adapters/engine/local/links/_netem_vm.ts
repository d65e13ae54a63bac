/**
 * A virtual machine for the tests of the namespace path's `netem` leaf. The kernel of these
 * machines has no `netem` module (ENVIRONMENT: `tbf` and `htb` only), so the code that runs
 * where the kernel has one would otherwise never run here. This boots Debian's cloud kernel,
 * which has it (`.ci/netem_kernel.sh` fetches it), under qemu's software emulation (no KVM
 * here), with an initramfs built from this machine's own programs: this Deno, `ip`, `tc` and
 * `unshare` from iproute2 and util-linux with the libraries `ldd` names, busybox for the init
 * script and `modprobe`, and the kernel's networking modules, which load on demand as on any
 * Linux machine. The guest runs one bundled Deno program as root and powers off; what it
 * prints reaches the host on the serial console.
 *
 * Why an initramfs and not the host's files over 9p: the cloud kernel has no 9p, and the
 * program the guest needs is one bundle plus a few binaries (about 120 MB, unpacked in RAM).
 *
 * @module
 */
import { dirname, join } from "node:path";

/** Where `.ci/netem_kernel.sh` keeps the kernel. */
export function netemKernelDir(): string {
  return Deno.env.get("HIVE_NETEM_KERNEL_DIR") ??
    `${Deno.env.get("HOME") ?? "/root"}/.cache/hive/netem-kernel`;
}

/** The kernel's version, or a sentence naming what is missing and the command that fetches it. */
export function netemKernel(): { version: string; dir: string } | { missing: string } {
  const dir = netemKernelDir();
  try {
    const version = Deno.readTextFileSync(`${dir}/version`).trim();
    Deno.statSync(`${dir}/vmlinuz`);
    return { version, dir };
  } catch {
    return { missing: `no netem kernel in ${dir}: run \`bash .ci/netem_kernel.sh\`` };
  }
}

/** What one boot printed. */
export interface VmRun {
  /** The JSON the guest program printed after `HIVE_VM_RESULT `, if it did. */
  result: unknown;
  /** The guest program's exit code, if it got that far. */
  exitCode: number | null;
  /** Everything on the serial console (for failure messages). */
  console: string;
}

/** Options for {@link runInNetemVm}. */
export interface NetemVmOptions {
  /** The guest program: bundled with `deno bundle`, run as `deno run -A guest.js ...args`. */
  entry: URL;
  args?: string[];
  /** Kill the machine after this long. Default 240 s. */
  timeoutMs?: number;
  /** Guest RAM (the initramfs lives in it). Default 1536 MiB. */
  memoryMb?: number;
  /** More programs to bundle, by their path in the guest (e.g. `/hive.js`: `main.ts`). */
  bundles?: Record<string, URL>;
  /** More programs of this machine to copy, with their libraries (e.g. `monerod`). */
  tools?: string[];
  /** Files to write in the guest, by path. */
  files?: Record<string, string>;
}

// `sh` too: busybox's own shell runs its applets before anything on PATH (its `ip` is not iproute2).
const _HOST_TOOLS = ["ip", "tc", "unshare", "sh", "busybox"];

/** Boot the netem kernel, run `entry` in it as root, and return what it printed. */
export async function runInNetemVm(o: NetemVmOptions): Promise<VmRun> {
  const kernel = netemKernel();
  if ("missing" in kernel) throw new Error(kernel.missing);
  const work = await Deno.makeTempDir({ prefix: "hive_netem_vm_" });
  try {
    const root = join(work, "root");
    await _populate(root, kernel, o);
    const initrd = join(work, "initrd.cpio");
    await _cpio(root, initrd);
    return await _boot(`${kernel.dir}/vmlinuz`, initrd, o);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

async function _populate(
  root: string,
  kernel: { version: string; dir: string },
  o: NetemVmOptions,
) {
  for (const d of ["bb", "proc", "sys", "dev", "tmp", "run", "sbin", "usr/bin", "etc", "var"]) {
    await Deno.mkdir(join(root, d), { recursive: true });
  }
  await Deno.symlink("../run", join(root, "var/run")); // iproute2 keeps namespaces in /var/run
  const binaries = [Deno.execPath(), ...[..._HOST_TOOLS, ...o.tools ?? []].map(_which)];
  for (const path of binaries) {
    const inGuest = path === Deno.execPath()
      ? "/usr/bin/deno"
      : path.endsWith("/busybox")
      ? "/bb/busybox"
      : `/usr/bin/${path.split("/").pop()}`;
    await _copy(path, join(root, inGuest));
    for (const lib of await _libraries(path)) await _copy(lib, join(root, lib));
  }
  // netem's jitter reads its distribution tables where tc was built to find them.
  for (const dir of ["/usr/lib/x86_64-linux-gnu/tc", "/usr/lib/tc"]) {
    try {
      for (const e of Deno.readDirSync(dir)) {
        await _copy(join(dir, e.name), join(root, dir, e.name));
      }
    } catch { /* not this layout */ }
  }
  await _copyTree(join(kernel.dir, "modules"), join(root, "lib/modules"));
  for (const [path, entry] of Object.entries({ "/guest.js": o.entry, ...o.bundles })) {
    await _bundle(entry, join(root, path));
  }
  for (const [path, text] of Object.entries(o.files ?? {})) {
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  const args = (o.args ?? []).map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  await Deno.writeTextFile(
    join(root, "init"),
    `#!/bb/busybox sh
/bb/busybox --install -s /bb
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/bb HOME=/tmp DENO_DIR=/tmp/deno NO_COLOR=1
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp; mount -t tmpfs run /run
depmod && echo /bb/modprobe > /proc/sys/kernel/modprobe
ip link set lo up
echo "HIVE_VM_BOOTED $(uname -r)"
deno run -A /guest.js ${args}
echo "HIVE_VM_EXIT $?"
poweroff -f
`,
    { mode: 0o755 },
  );
}

async function _bundle(entry: URL, out: string) {
  const config = new URL("../../../../../deno.json", import.meta.url).pathname;
  const bundle = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--config", config, "-o", out, entry.pathname],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!bundle.success) {
    throw new Error(`deno bundle ${entry.pathname}: ${new TextDecoder().decode(bundle.stderr)}`);
  }
}

function _which(tool: string): string {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/sbin", "/sbin"])) {
    try {
      if (Deno.statSync(`${dir}/${tool}`).isFile) return `${dir}/${tool}`;
    } catch { /* next */ }
  }
  throw new Error(`netem vm: \`${tool}\` not found on PATH (run \`bash .ci/deps.sh\`)`);
}

/** The shared libraries `ldd` lists for `path` (none for a static binary). */
async function _libraries(path: string): Promise<string[]> {
  const out = await new Deno.Command("ldd", { args: [path], stdout: "piped", stderr: "null" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  return [...text.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

async function _copy(from: string, to: string) {
  await Deno.mkdir(dirname(to), { recursive: true });
  await Deno.copyFile(await Deno.realPath(from), to);
  await Deno.chmod(to, (await Deno.stat(from)).mode! & 0o777);
}

async function _copyTree(from: string, to: string) {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await _copyTree(join(from, e.name), join(to, e.name));
    else await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

/** An uncompressed newc archive, as the kernel unpacks an initramfs. */
async function _cpio(root: string, out: string) {
  const bb = join(root, "bb/busybox");
  const child = new Deno.Command("sh", {
    args: ["-c", `cd "$1" && "$2" find . | "$2" cpio -o -H newc > "$3"`, "sh", root, bb, out],
    stdout: "null",
    stderr: "piped",
  });
  const r = await child.output();
  if (!r.success) throw new Error(`cpio: ${new TextDecoder().decode(r.stderr)}`);
}

async function _boot(vmlinuz: string, initrd: string, o: NetemVmOptions): Promise<VmRun> {
  const child = new Deno.Command("qemu-system-x86_64", {
    args: [
      ...["-accel", "tcg", "-cpu", "max", "-smp", "2", "-m", String(o.memoryMb ?? 1536)],
      // No network card: the guest's links are its own veths, and no boot ROM is needed.
      ...["-nographic", "-no-reboot", "-nic", "none", "-kernel", vmlinuz, "-initrd", initrd],
      ...["-append", "console=ttyS0 quiet panic=-1 rdinit=/init"],
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 240_000);
  const [status, out, err] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearTimeout(timer);
  const text = out + err;
  const line = text.split(/\r?\n/).find((l) => l.includes("HIVE_VM_RESULT "));
  const exit = /HIVE_VM_EXIT (\d+)/.exec(text);
  const shown = status.signal
    ? `${text}\n(qemu killed by ${status.signal} after the timeout)`
    : text;
  return {
    result: line ? JSON.parse(line.slice(line.indexOf("HIVE_VM_RESULT ") + 15)) : undefined,
    exitCode: exit ? Number(exit[1]) : null,
    console: shown,
  };
}

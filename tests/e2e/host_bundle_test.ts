/**
 * End to end from the bundle (`deno task bundle`, `tools/bundle.ts`): `hive host` run from it
 * serves the embedded chat page and supervises a daemon that is started from the same bundle.
 */
import { equal, match, ok } from "@std/assert";
import { getJson, type HostProcess, removeTestRoot, startHostProcess } from "./host_helpers.ts";
import { bundle as buildBundle } from "../../tools/bundle.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("e2e host: runs from the deno bundle with the page embedded", async () => {
  const root = await Deno.makeTempDir({ prefix: "hive-e2e-bundle-" });
  let host: HostProcess | undefined;
  try {
    const bundle = (await buildBundle({ root: ROOT, outDir: `${root}/dist` })).launcher;

    host = await startHostProcess({ dataDir: `${root}/data`, entry: bundle });
    const page = await fetch(host.ready.url);
    equal(page.status, 200);
    match(await page.text(), /<title>hive chat<\/title>[\s\S]*new WebSocket/);
    const status = await getJson<{ daemon: { state: string; peer_id: string } }>(
      `${host.ready.url}api/status`,
    );
    equal(status.daemon.state, "up");
    equal(status.daemon.peer_id, host.ready.peer_id);
    // The supervised daemon is this same bundle, started again.
    // (ps, not /proc: the test flags do not grant reading /proc.)
    const ps = await new Deno.Command("ps", {
      args: ["-o", "args=", "-p", String(host.ready.daemon_pid)],
      stdout: "piped",
    }).output();
    const args = new TextDecoder().decode(ps.stdout);
    ok(
      args.includes(`file://${bundle} `) && / daemon /.test(args),
      `daemon runs ${bundle}: ${args}`,
    );
  } finally {
    const code = await host?.stop("SIGTERM");
    const left = await removeTestRoot(root);
    equal(left.length, 0, `leftover processes: ${left}`);
    equal(code, 0);
  }
});

/**
 * The README's `hive sim`, `hive --version`, `hive help` and `hive docs` examples, run as written (paths moved into a
 * temporary folder), so the README cannot drift from the program.
 */
import { equal, ok } from "@std/assert";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;

function readmeCommands(readme: string): string[] {
  const commands: string[] = [];
  const skippedDirs: string[] = [];
  let inShell = false;
  for (const line of readme.split("\n")) {
    if (line.startsWith("```")) {
      inShell = line === "```sh";
      continue;
    }
    if (!inShell) continue;
    const command = line.replace(/\s+#\s.*$/, "").trim();
    if (!/^hive (sim|--version|help|docs|completion)/.test(command)) continue;
    // Agent processes need a running monerod; the local engine has its own end-to-end tests.
    // Commands reading the folder of a skipped run are skipped with it.
    if (/^hive sim agent|--engine (local|shadow)/.test(command)) {
      const out = command.match(/--out (\S+)/)?.[1];
      if (out) skippedDirs.push(out);
      continue;
    }
    if (skippedDirs.some((dir) => command.split(/\s+/).includes(dir))) continue;
    commands.push(command);
  }
  return commands;
}

Deno.test("README: every hive sim / --version example runs as shown", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  // Runs first: other examples analyse the folders they leave.
  const commands = readmeCommands(readme).sort((a, b) =>
    Number(!a.startsWith("hive sim run")) - Number(!b.startsWith("hive sim run"))
  );
  ok(commands.length >= 7, `found ${commands.length} README commands`);
  const work = await Deno.makeTempDir();
  try {
    for (const command of commands) {
      const [invocation, pipe] = command.split(/\s+\|\s+/);
      const [line, redirect] = invocation.split(/\s+>\s+/);
      const args = line.replace(/^hive\s+/, "").split(/\s+/).map((a) =>
        a.replace(
          /^(runs\/|\/tmp\/)/,
          (prefix) => prefix === "runs/" ? `${work}/runs/` : `${work}/`,
        )
      );
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--quiet", MAIN, ...args],
        cwd: ROOT,
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(300_000),
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      equal(output.code, 0, `${command}\n${stderr}`);
      // Output meant for jq or a .json file must be JSON.
      const json = redirect?.endsWith(".json") || pipe?.startsWith("jq");
      if (json) JSON.parse(new TextDecoder().decode(output.stdout));
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

import { deepEqual, equal } from "@std/assert";
import { completionScript } from "../../../core/completion.ts";
import { buildProgram } from "../../../program.ts";

async function complete(words: string[]): Promise<string[]> {
  const script = completionScript(buildProgram(), "bash");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/hive.sh`, script);
    const quoted = words.map((w) => `'${w}'`).join(" ");
    const probe = `source ${dir}/hive.sh
COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}
_hive_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const out = await new Deno.Command("bash", {
      args: ["--norc", "-c", probe],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
    equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).sort();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("completion bash: sourced in bash, completes commands, subcommands and flags", async () => {
  deepEqual(await complete(["hive", "si"]), ["sim"]);
  deepEqual(await complete(["hive", "sim", "val"]), ["validate"]);
  deepEqual(await complete(["hive", "--json", "sim", "an"]), ["analyze"]);
  deepEqual(await complete(["hive", "host", "--po"]), ["--port"]);
  deepEqual(await complete(["hive", "completion", "--he"]), ["--help"]);
  deepEqual(await complete(["hive", "nosuch", "x"]), []);
});

Deno.test("completion: every shell's script names every visible command", () => {
  for (const shell of ["bash", "zsh", "fish"] as const) {
    const script = completionScript(buildProgram(), shell);
    for (const name of ["host", "daemon", "sim", "validate", "completion", "docs"]) {
      equal(script.includes(name), true, `${shell} script lacks ${name}`);
    }
  }
});

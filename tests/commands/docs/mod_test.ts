import { equal, ok } from "@std/assert";
import { commandReference } from "../../../core/cli_docs.ts";
import { commandPaths } from "../../../core/cli_tree.ts";
import { buildProgram } from "../../../program.ts";

Deno.test("docs: the Markdown and man references name every command and every flag", () => {
  const program = buildProgram();
  const nodes = commandPaths(program);
  ok(nodes.length > 20, `only ${nodes.length} commands found`);
  for (const format of ["md", "man"] as const) {
    const text = commandReference(program, format, "1.2.3");
    const plain = format === "man" ? text.replaceAll("\\-", "-") : text;
    for (const node of nodes) {
      const title = node.path.join(" ");
      ok(plain.includes(title), `${format}: no section for ${title}`);
      for (const flag of node.flags.filter((f) => f !== "--help")) {
        ok(plain.includes(flag), `${format}: ${title} lacks ${flag}`);
      }
    }
  }
  equal(commandReference(program, "man", "1.2.3").startsWith(".TH HIVE 1"), true);
});

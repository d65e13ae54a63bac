/**
 * `hive sim import monerosim FILE [--out scenario.yaml]`: convert a Monerosim configuration
 * into a hive scenario and report what was mapped, approximated or left out.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { type ContextLoader, hiveCommand } from "../../../core/cli.ts";
import { ConfigError } from "../../../core/errors.ts";

/** Build `hive sim import` with its one source format, `monerosim`. */
export function importCommand(load: ContextLoader): Command {
  const group = hiveCommand("import", "hive sim import")
    .summary("convert another simulator's configuration into a scenario")
    .description("Convert a configuration of another simulator into a hive scenario.");
  const monerosim = hiveCommand("monerosim", "hive sim import monerosim")
    .summary("convert a Monerosim config (general, network, agents) into a scenario")
    .description(
      "Convert a Monerosim configuration into a hive scenario. Every field is reported as " +
        "mapped, approximated (with what it became and why) or unmapped. The scenario goes to " +
        "--out (or stdout without it; the report then goes to stderr). It validates and " +
        "generates as written.",
    )
    .argument("<file>", "Monerosim YAML configuration")
    .option("--out <file>", "write the scenario here (default: stdout)")
    .action(async (file, options, command) => {
      const { formatImportReport, importMonerosim } = await import("../import/monerosim.ts");
      const ctx = await load(command, "sim");
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch (error) {
        throw new ConfigError(`${file}: cannot read: ${(error as Error).message}`);
      }
      const slash = file.lastIndexOf("/");
      const result = importMonerosim(text, {
        baseDir: slash >= 0 ? file.slice(0, slash) || "/" : ".",
      });
      if (options.out) {
        await Deno.writeTextFile(options.out, result.yaml);
        ctx.output.result(
          { file, out: options.out, ...result.report },
          (r) => `wrote ${r.out}\n${formatImportReport(result.report)}`,
        );
      } else if (ctx.output.json) {
        ctx.output.result({ file, scenario: result.scenario, ...result.report }, () => "");
      } else {
        ctx.output.result(result.yaml, (y) => y);
        ctx.logger.info("import report\n" + formatImportReport(result.report));
      }
    });
  monerosim.addHelpText(
    "after",
    `
Examples:
  hive sim import monerosim fixtures/monerosim/smoke.yaml --out smoke.yaml
  hive sim import monerosim config.yaml --out s.yaml --json | jq .approximated
  hive sim validate smoke.yaml && hive sim generate smoke.yaml --out /tmp/smoke-shadow`,
  );
  group.addCommand(monerosim);
  return group as unknown as Command;
}

import { deepEqual, equal, ok } from "@std/assert";
import { Command, CommanderError } from "@commander-js/extra-typings";
import {
  commanderMessage,
  commandPaths,
  expandHelpWord,
  prepareTree,
  rejectUnknownCommands,
} from "../../core/cli_tree.ts";

function tree() {
  const root = new Command("hive").option("--json").option("--config <file>").action(() => {})
    .exitOverride().showSuggestionAfterError(true);
  const host = new Command("host").option("--room <name...>").option("--port <n>")
    .action(() => {}).exitOverride().showSuggestionAfterError(true);
  host.addCommand(new Command("status").exitOverride());
  const sim = new Command("sim").exitOverride().showSuggestionAfterError(true);
  sim.addCommand(new Command("validate").argument("<file>").exitOverride());
  sim.addCommand(new Command("secret").exitOverride(), { hidden: true });
  root.addCommand(host);
  root.addCommand(sim);
  prepareTree(root, { json: true });
  return root;
}

function unknown(argv: string[]): string {
  let error: unknown;
  try {
    rejectUnknownCommands(tree(), argv);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof CommanderError)) throw new Error(`no unknown command error: ${argv}`);
  equal(error.code, "commander.unknownCommand");
  return commanderMessage(error.message);
}

Deno.test("cli tree: an unknown word at any level is an unknown command with a suggestion", () => {
  equal(unknown(["hots"]), "unknown command 'hots' (Did you mean host?)");
  equal(unknown(["host", "statsu"]), "unknown command 'statsu' (Did you mean status?)");
  equal(
    unknown(["sim", "validat", "x.yaml"]),
    "unknown command 'validat' (Did you mean validate?)",
  );
  equal(unknown(["proxy", "--help"]), "unknown command 'proxy'");
  equal(unknown(["help", "hots"]), "unknown command 'hots' (Did you mean host?)");
  equal(unknown(["--config", "c.yaml", "hots"]), "unknown command 'hots' (Did you mean host?)");
});

Deno.test("cli tree: `help` before a command path becomes that command's --help", () => {
  deepEqual(expandHelpWord(tree(), ["help", "sim", "validate"]), ["sim", "validate", "--help"]);
  deepEqual(expandHelpWord(tree(), ["sim", "help", "validate"]), ["sim", "help", "validate"]);
  deepEqual(
    expandHelpWord(tree(), ["--config", "c.yaml", "help", "host", "status"]),
    ["--config", "c.yaml", "host", "status", "--help"],
  );
  // One word is commander's own help command; a flag after the path is left alone.
  deepEqual(expandHelpWord(tree(), ["help", "sim"]), ["help", "sim"]);
  deepEqual(expandHelpWord(tree(), ["help", "help"]), ["help", "help"]);
  deepEqual(expandHelpWord(tree(), ["help", "sim", "--json"]), ["help", "sim", "--json"]);
  // `help` as a command's argument is that argument, not a help request.
  deepEqual(expandHelpWord(tree(), ["sim", "validate", "help", "x"]), [
    "sim",
    "validate",
    "help",
    "x",
  ]);
  let error: unknown;
  try {
    expandHelpWord(tree(), ["help", "sim", "validat"]);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof CommanderError)) throw new Error("no unknown command error");
  equal(commanderMessage(error.message), "unknown command 'validat' (Did you mean validate?)");
});

Deno.test("cli tree: known commands, option values and arguments pass", () => {
  for (
    const argv of [
      [],
      ["host"],
      ["host", "--port", "0", "status"],
      ["--config", "host", "host"],
      ["host", "--room", "a", "b", "--port", "1"],
      ["sim", "validate", "anything"],
      ["sim", "secret"],
      ["help", "sim"],
      ["help", "help"],
      ["sim", "help"],
      ["--json", "--", "whatever"],
    ]
  ) rejectUnknownCommands(tree(), argv);
});

Deno.test("cli tree: groups answer `help CMD`; paths list visible commands and flags", async () => {
  const root = tree();
  let out = "";
  root.configureOutput({ writeOut: (t) => out += t });
  root.commands.forEach((c) => c.configureOutput({ writeOut: (t) => out += t }));
  await root.parseAsync(["help", "sim"], { from: "user" }).catch((e) => {
    if (!(e instanceof CommanderError) || e.code !== "commander.help") throw e;
  });
  ok(out.includes("Usage: hive sim"), out);
  const paths = commandPaths(root).map((n) => n.path.join(" "));
  deepEqual(paths, ["hive", "hive host", "hive host status", "hive sim", "hive sim validate"]);
  ok(commandPaths(root)[1].flags.includes("--room"));
});

Deno.test("cli tree: mandatory flags say (required) in help, once", () => {
  const root = new Command("hive").exitOverride();
  root.addCommand(new Command("send").requiredOption("--topic <t>", "where").option("--x", "y"));
  prepareTree(root, { json: false });
  prepareTree(root, { json: false });
  const help = root.commands[0].helpInformation();
  ok(help.includes("where (required)"), help);
  ok(!help.includes("(required) (required)"), help);
  ok(!help.includes("y (required)"), help);
});

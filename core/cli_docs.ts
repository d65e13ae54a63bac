/**
 * The command reference, generated from the command tree: Markdown for the web and a man page
 * (roff) for `man`. Built from the same objects that parse the flags, so it cannot drift.
 *
 * @example
 * ```ts
 * import { commandReference } from "./cli_docs.ts";
 * await Deno.writeTextFile("hive.1", commandReference(program, "man", "0.1.0"));
 * ```
 * @module
 */
import type { CommandUnknownOpts, Help, Option } from "@commander-js/extra-typings";
import { type CommandNode, commandPaths } from "./cli_tree.ts";

/** Output formats of the reference. */
export const DOC_FORMATS = ["md", "man"] as const;
/** One of {@link DOC_FORMATS}. */
export type DocFormat = typeof DOC_FORMATS[number];

interface _Entry {
  node: CommandNode;
  description: string;
  options: { flags: string; description: string }[];
  arguments: { term: string; description: string }[];
}

function _entries(root: CommandUnknownOpts): _Entry[] {
  return commandPaths(root).map((node) => {
    const help: Help = node.command.createHelp();
    const options = help.visibleOptions(node.command).map((o: Option) => ({
      flags: o.flags,
      description: help.optionDescription(o),
    }));
    const args = help.visibleArguments(node.command).map((a) => ({
      term: help.argumentTerm(a),
      description: help.argumentDescription(a),
    }));
    return {
      node,
      description: node.command.description() || node.command.summary() || "",
      options,
      arguments: args,
    };
  });
}

function _usage(entry: _Entry): string {
  const parents = entry.node.path.slice(0, -1).join(" ");
  const own = entry.node.command.createHelp().commandUsage(entry.node.command);
  return own.startsWith(parents) || parents === "" ? own : `${parents} ${own}`;
}

function _markdown(entries: _Entry[]): string {
  const out = [`# ${entries[0].node.path[0]} command reference`, ""];
  for (const entry of entries) {
    out.push(`## ${entry.node.path.join(" ")}`, "", entry.description, "", "```");
    out.push(_usage(entry), "```", "");
    if (entry.arguments.length) {
      out.push("| argument | description |", "| --- | --- |");
      for (const a of entry.arguments) out.push(`| \`${a.term}\` | ${_cell(a.description)} |`);
      out.push("");
    }
    if (entry.options.length) {
      out.push("| flag | description |", "| --- | --- |");
      for (const o of entry.options) out.push(`| \`${o.flags}\` | ${_cell(o.description)} |`);
      out.push("");
    }
    if (entry.node.subcommands.length) {
      out.push(`Subcommands: ${entry.node.subcommands.map((s) => `\`${s}\``).join(", ")}`, "");
    }
  }
  return out.join("\n");
}

function _cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function _roff(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("-", "\\-").replace(/^\./gm, "\\&.");
}

function _man(entries: _Entry[], version: string): string {
  const name = entries[0].node.path[0];
  const out = [
    `.TH ${name.toUpperCase()} 1 "" "${name} ${version}" "User Commands"`,
    ".SH NAME",
    `${name} \\- ${_roff(entries[0].description.split(". ")[0])}`,
    ".SH SYNOPSIS",
    `.B ${name}`,
    "[global flags] command [flags]",
    ".SH COMMANDS",
  ];
  for (const entry of entries) {
    out.push(".SS " + _roff(entry.node.path.join(" ")), _roff(entry.description), ".PP");
    out.push(".B Usage:", _roff(_usage(entry)));
    for (const a of entry.arguments) out.push(".TP", `.I ${_roff(a.term)}`, _roff(a.description));
    for (const o of entry.options) out.push(".TP", `.B ${_roff(o.flags)}`, _roff(o.description));
  }
  out.push(".SH EXIT STATUS", "0 ok, 1 runtime failure, 2 usage or configuration error.");
  return out.join("\n") + "\n";
}

/** The reference of every visible command and flag under `root`. */
export function commandReference(
  root: CommandUnknownOpts,
  format: DocFormat,
  version: string,
): string {
  const entries = _entries(root);
  return format === "md" ? _markdown(entries) : _man(entries, version);
}

/**
 * The portal's slash commands: parsing a typed line into a command, the help text, and Tab
 * completion of command names, topics and template names.
 *
 * @example
 * ```ts
 * import { parseLine } from "./commands.ts";
 * parseLine("/join tasks"); // { type: "join", topic: "tasks" }
 * parseLine("hello");       // { type: "say", text: "hello" }
 * ```
 * @module
 */

/** A typed line, understood. */
export type PortalCommand =
  | { type: "say"; text: string }
  | { type: "join"; topic: string }
  | { type: "leave"; topic: string | null }
  | { type: "topics" }
  | { type: "peers" }
  | { type: "agents" }
  | { type: "compose"; template: string; topic: string | null }
  | { type: "put"; name: string; roles: string[]; text: string }
  | { type: "get"; name: string }
  | { type: "history"; limit: number }
  | { type: "whoami" }
  | { type: "help" }
  | { type: "quit" }
  | { type: "error"; message: string };

/** Command names with their argument synopsis and what they do (the `/help` text). */
export const COMMANDS: readonly { name: string; args: string; help: string }[] = [
  { name: "/join", args: "TOPIC", help: "follow a topic and make it the current one" },
  { name: "/leave", args: "[TOPIC]", help: "stop following a topic (default: the current one)" },
  { name: "/topics", args: "", help: "topics you follow; * marks the current one" },
  { name: "/peers", args: "", help: "libp2p peers connected to your daemon" },
  { name: "/agents", args: "", help: "who is on the mesh: people and agents, with roles" },
  { name: "/compose", args: "TEMPLATE [TOPIC]", help: "fill a template field by field, then send" },
  {
    name: "/put",
    args: "NAME --roles R,... [TEXT]",
    help: "store a document only those roles can read",
  },
  { name: "/get", args: "NAME", help: "fetch and decrypt a document" },
  { name: "/history", args: "[N]", help: "the last N messages of the current topic (20)" },
  { name: "/whoami", args: "", help: "your id, role, kind, capabilities and keys" },
  { name: "/help", args: "", help: "this list" },
  { name: "/quit", args: "", help: "leave (Ctrl-C and Ctrl-D too)" },
];

/** The `/help` text. */
export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args}`.length));
  return [
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args}`.padEnd(width)}  ${c.help}`),
    "  Plain text is sent to the current topic. Tab completes commands, topics and templates.",
  ].join("\n");
}

/** Understand one typed line. */
export function parseLine(line: string): PortalCommand {
  const trimmed = line.trim();
  if (!trimmed.startsWith("/") || trimmed.startsWith("//")) {
    return { type: "say", text: trimmed.startsWith("//") ? trimmed.slice(1) : trimmed };
  }
  const [name, ...args] = trimmed.split(/\s+/);
  const rest = trimmed.slice(name.length).trim();
  const usage = (
    synopsis: string,
  ) => ({ type: "error", message: `usage: ${name} ${synopsis}` } as const);
  switch (name) {
    case "/join":
      return args.length === 1 ? { type: "join", topic: args[0] } : usage("TOPIC");
    case "/leave":
      return args.length <= 1 ? { type: "leave", topic: args[0] ?? null } : usage("[TOPIC]");
    case "/topics":
      return { type: "topics" };
    case "/peers":
      return { type: "peers" };
    case "/agents":
      return { type: "agents" };
    case "/compose":
      return args.length === 1 || args.length === 2
        ? { type: "compose", template: args[0], topic: args[1] ?? null }
        : usage("TEMPLATE [TOPIC]");
    case "/put": {
      const m = /^(\S+)\s+--roles(?:=|\s+)(\S+)(?:\s+([\s\S]*))?$/.exec(rest);
      if (!m) return usage("NAME --roles R,... [TEXT]");
      const roles = m[2].split(",").map((r) => r.trim()).filter((r) => r);
      return { type: "put", name: m[1], roles, text: m[3] ?? "" };
    }
    case "/get":
      return args.length === 1 ? { type: "get", name: args[0] } : usage("NAME");
    case "/history": {
      if (args.length === 0) return { type: "history", limit: 20 };
      return /^\d{1,4}$/.test(args[0]) && args.length === 1
        ? { type: "history", limit: Number(args[0]) }
        : usage("[N]");
    }
    case "/whoami":
      return { type: "whoami" };
    case "/help":
      return { type: "help" };
    case "/quit":
    case "/exit":
      return { type: "quit" };
    default: {
      const close = COMMANDS.filter((c) => c.name.startsWith(name.slice(0, 3)));
      const hint = close.length ? ` (did you mean ${close.map((c) => c.name).join(", ")}?)` : "";
      return { type: "error", message: `unknown command ${name}${hint}; /help lists them` };
    }
  }
}

/** What Tab can complete from. */
export interface CompletionSources {
  topics: () => string[];
  templates: () => string[];
  documents: () => string[];
  roles: () => string[];
}

/**
 * Completions of `before` (the text left of the cursor), each the whole new text: command
 * names, then topics after `/join`/`/leave`, templates after `/compose`, documents after
 * `/get`, roles after `--roles`.
 */
export function completions(before: string, sources: CompletionSources): string[] {
  if (!before.startsWith("/")) return [];
  const space = before.lastIndexOf(" ");
  if (space < 0) return COMMANDS.map((c) => c.name).filter((n) => n.startsWith(before));
  const head = before.slice(0, space + 1);
  const word = before.slice(space + 1);
  const command = before.split(/\s+/)[0];
  const words = before.trim().split(/\s+/).length + (before.endsWith(" ") ? 1 : 0);
  let pool: string[] = [];
  if ((command === "/join" || command === "/leave") && words === 2) pool = sources.topics();
  else if (command === "/compose" && words === 2) pool = sources.templates();
  else if (command === "/compose" && words === 3) pool = sources.topics();
  else if (command === "/get" && words === 2) pool = sources.documents();
  else if (command === "/put" && /--roles\s+\S*$/.test(before)) {
    const done = word.includes(",") ? word.slice(0, word.lastIndexOf(",") + 1) : "";
    const tail = word.slice(done.length);
    return sources.roles().filter((r) => r.startsWith(tail)).map((r) => head + done + r);
  }
  return [...new Set(pool)].filter((p) => p.startsWith(word)).sort().map((p) => head + p);
}

/**
 * The interactive portal: a person on the mesh from a terminal. Keys go to the line editor;
 * messages from the mesh are printed above the input line; slash commands drive the session;
 * `/compose` turns the input line into a form that asks field by field and checks each value
 * before anything is sent. Input history is kept in a file so it survives a restart.
 *
 * @module
 */
import { UsageError } from "../../../core/errors.ts";
import { paint } from "../../../core/output.ts";
import { fullTopic } from "../config.ts";
import type { HapSession } from "../session.ts";
import {
  checkField,
  type FieldValue,
  type Template,
  templateNamed,
  validateFields,
} from "../templates.ts";
import { completions, helpText, parseLine, type PortalCommand } from "./commands.ts";
import { decodeKeys, type EditorAction, LineEditor } from "./line_editor.ts";
import { sanitize, Screen } from "./screen.ts";
import { describeAgents, describeMessage, describeWhoami } from "./render.ts";

/** Options for {@link Portal}. */
export interface PortalOptions {
  session: HapSession;
  templates: Map<string, Template>;
  /** Topic joined at start. */
  topic: string;
  /** Input history file (one line each); null keeps history in memory only. */
  historyFile: string | null;
  /** Terminal output. */
  write: (text: string) => void;
  /** Terminal width. */
  columns?: () => number;
}

type _Mode =
  | { kind: "line" }
  | {
    kind: "form";
    template: Template;
    topic: string;
    index: number;
    raw: Record<string, string>;
  }
  | { kind: "document"; name: string; roles: string[]; lines: string[] };

const _HISTORY_KEEP = 1000;

/** The interactive portal over one session. */
export class Portal {
  readonly #session: HapSession;
  readonly #templates: Map<string, Template>;
  readonly #historyFile: string | null;
  readonly #screen: Screen;
  readonly #editor: LineEditor;
  #topic: string;
  #mode: _Mode = { kind: "line" };
  #done = Promise.withResolvers<void>();
  #offSession: (() => void) | undefined;
  #busy: Promise<void> = Promise.resolve();

  private constructor(options: PortalOptions, history: string[]) {
    this.#session = options.session;
    this.#templates = options.templates;
    this.#historyFile = options.historyFile;
    this.#topic = fullTopic(options.topic);
    this.#screen = new Screen({ write: options.write, columns: options.columns });
    this.#editor = new LineEditor({ history, complete: (b) => this.#complete(b) });
  }

  /** Load history, join the first topic and show the prompt. */
  static async open(options: PortalOptions): Promise<Portal> {
    const history = options.historyFile ? await readHistory(options.historyFile) : [];
    const portal = new Portal(options, history);
    await portal.#start();
    return portal;
  }

  /** Resolves when the person leaves (`/quit`, Ctrl-C, Ctrl-D or end of input). */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** Feed raw terminal input (as read from stdin). Keys are handled in order. */
  feed(input: string): void {
    for (const key of decodeKeys(input)) {
      const action = this.#editor.handle(key);
      this.#busy = this.#busy.then(() => this.#act(action)).catch((error) => this.#error(error));
    }
    this.#busy = this.#busy.then(() => this.#screen.render(this.#editor));
  }

  /** Read `stream` until it ends or the person leaves. */
  async readFrom(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    const left = this.#done.promise.then(() => null);
    try {
      while (true) {
        const next = await Promise.race([reader.read(), left]);
        if (next === null || next.done) break;
        this.feed(decoder.decode(next.value, { stream: true }));
      }
    } finally {
      reader.releaseLock();
    }
    this.#leave();
  }

  /** Print text above the input line (for the caller's own notices). */
  notice(text: string): void {
    this.#screen.print(text, this.#editor);
  }

  /** Stop listening to the session. */
  close(): void {
    this.#offSession?.();
  }

  async #start(): Promise<void> {
    this.#offSession = this.#session.on((event) => {
      if (event.type === "message") {
        this.#screen.print(describeMessage(event.message), this.#editor);
      } else if (event.type === "agent" && event.change === "added") {
        const a = event.agent;
        this.notice(
          paint(
            "dim",
            `-- ${a.id} (${a.role}, ${a.kind === "hap" ? "person" : "agent"}) is on the mesh`,
          ),
        );
      } else if (event.type === "daemon") {
        this.notice(
          event.state === "down"
            ? paint("red", "-- daemon unreachable: sending fails fast until it is back")
            : paint("green", "-- daemon back"),
        );
      }
    });
    await this.#session.join(this.#topic);
    this.notice(
      paint(
        "dim",
        `-- ${this.#session.identity.id} (${this.#session.identity.role}) on ${this.#topic}; /help lists commands`,
      ),
    );
    this.#updatePrompt();
    this.#screen.render(this.#editor);
  }

  #updatePrompt(): void {
    switch (this.#mode.kind) {
      case "line":
        this.#screen.setPrompt(paint("bold", _short(this.#topic)) + "> ");
        return;
      case "form": {
        const f = this.#mode.template.fields[this.#mode.index];
        const hints = [f.type === "enum" ? f.values!.join("|") : f.type];
        if (f.required) hints.push("required");
        if (f.default !== undefined) hints.push(`default ${f.default}`);
        this.#screen.setPrompt(`${paint("bold", f.name)} (${hints.join(", ")}): `);
        this.#editor.setCompleter(
          f.type === "enum" ? (b) => f.values!.filter((v) => v.startsWith(b)) : undefined,
        );
        return;
      }
      case "document":
        this.#screen.setPrompt(paint("dim", `${this.#mode.name} | `));
        return;
    }
  }

  async #act(action: EditorAction): Promise<void> {
    switch (action.type) {
      case "none":
        return;
      case "redraw":
        return this.#screen.render(this.#editor);
      case "candidates":
        return this.notice(action.candidates.join("  "));
      case "eof":
        if (this.#mode.kind === "line") return this.#leave();
        return this.#cancelMode("cancelled");
      case "interrupt":
        if (this.#mode.kind === "line") return this.#leave();
        return this.#cancelMode("cancelled (Ctrl-C)");
      case "submit":
        await this.#appendHistory(action.line);
        if (this.#mode.kind === "form") return await this.#formAnswer(action.line);
        if (this.#mode.kind === "document") return await this.#documentLine(action.line);
        if (action.line.trim() === "") return;
        this.notice(paint("dim", `${_short(this.#topic)}> `) + sanitize(action.line));
        return await this.#run(parseLine(action.line));
    }
  }

  async #run(command: PortalCommand): Promise<void> {
    const s = this.#session;
    switch (command.type) {
      case "say":
        if (command.text === "") return;
        await s.sendChat(this.#topic, command.text);
        return;
      case "join": {
        const topic = fullTopic(command.topic);
        await s.join(topic);
        this.#topic = topic;
        this.#updatePrompt();
        return this.notice(paint("dim", `-- now on ${topic}`));
      }
      case "leave": {
        const topic = fullTopic(command.topic ?? this.#topic);
        const left = await s.leave(topic);
        if (!left) return this.notice(`-- not following ${topic}`);
        if (topic === this.#topic) this.#topic = s.topics()[0] ?? this.#topic;
        this.#updatePrompt();
        return this.notice(paint("dim", `-- left ${topic}`));
      }
      case "topics":
        return this.notice(
          s.topics().map((t) => (t === this.#topic ? "* " : "  ") + t).join("\n") || "none",
        );
      case "peers": {
        const peers = await s.p2p.peers();
        return this.notice(
          peers.length
            ? peers.map((p) => `  ${p.peer_id}  ${p.addrs.join(" ")}`).join("\n")
            : "no peers",
        );
      }
      case "agents":
        return this.notice(describeAgents(s.agents()));
      case "compose": {
        const template = templateNamed(this.#templates, command.template);
        const topic = fullTopic(command.topic ?? template.topic ?? this.#topic);
        const denied = s.rbac.publishDenial(s.identity.role, topic);
        if (denied) throw new UsageError(denied);
        this.#mode = { kind: "form", template, topic, index: 0, raw: {} };
        this.notice(
          paint(
            "dim",
            `-- ${template.name} for ${topic}: ${template.description} (Ctrl-C cancels)`,
          ),
        );
        return this.#updatePrompt();
      }
      case "put":
        if (command.text) return await this.#put(command.name, command.roles, command.text);
        this.#mode = { kind: "document", name: command.name, roles: command.roles, lines: [] };
        this.notice(
          paint("dim", "-- type the document; a line with a single . ends it (Ctrl-C cancels)"),
        );
        return this.#updatePrompt();
      case "get": {
        const { doc, content } = await s.get(command.name);
        return this.notice(
          paint(
            "dim",
            `-- ${doc.name} by ${doc.writer} for ${doc.roles.join(",")} at ${
              new Date(doc.written_at).toISOString()
            }`,
          ) +
            "\n" + sanitize(content),
        );
      }
      case "history": {
        const messages = s.history(this.#topic, command.limit);
        return this.notice(messages.length ? messages.map(describeMessage).join("\n") : "none");
      }
      case "whoami":
        return this.notice(describeWhoami(s));
      case "help":
        return this.notice(helpText());
      case "quit":
        return this.#leave();
      case "error":
        return this.notice(paint("red", command.message));
    }
  }

  async #formAnswer(answer: string): Promise<void> {
    if (this.#mode.kind !== "form") return;
    const mode = this.#mode;
    const field = mode.template.fields[mode.index];
    const { problem } = checkField(field, answer);
    if (problem) return this.notice(paint("red", problem + "; try again"));
    mode.raw[field.name] = answer;
    this.notice(paint("dim", `  ${field.name}: ${sanitize(answer.trim()) || "-"}`));
    if (++mode.index < mode.template.fields.length) return this.#updatePrompt();
    this.#mode = { kind: "line" };
    this.#editor.setCompleter((b) => this.#complete(b));
    this.#updatePrompt();
    const fields: Record<string, FieldValue> = validateFields(mode.template, mode.raw);
    const { recipients } = await this.#session.sendTemplate(mode.topic, {
      template: mode.template.name,
      fields,
    });
    this.notice(
      paint("green", `-- ${mode.template.name} sent to ${mode.topic} (${recipients} peers)`),
    );
  }

  async #documentLine(line: string): Promise<void> {
    if (this.#mode.kind !== "document") return;
    if (line !== ".") {
      this.#mode.lines.push(line);
      return this.notice(paint("dim", "| ") + sanitize(line));
    }
    const { name, roles, lines } = this.#mode;
    this.#mode = { kind: "line" };
    this.#updatePrompt();
    await this.#put(name, roles, lines.join("\n"));
  }

  async #put(name: string, roles: string[], text: string): Promise<void> {
    const doc = await this.#session.put(name, roles, text);
    this.notice(
      paint(
        "green",
        `-- ${doc.name} stored for ${doc.roles.join(",")}: ${doc.recipients.length} recipients`,
      ),
    );
  }

  #cancelMode(why: string): void {
    this.#mode = { kind: "line" };
    this.#editor.setText("");
    this.#editor.setCompleter((b) => this.#complete(b));
    this.#updatePrompt();
    this.notice(paint("yellow", `-- ${why}; nothing was sent`));
  }

  #complete(before: string): string[] {
    const s = this.#session;
    return completions(before, {
      topics:
        () => [...s.topics(), "/hive/chat/general", "/hive/tasks/requests", "/hive/tasks/status"],
      templates: () => [...this.#templates.keys()],
      documents: () => s.documents.list().map((d) => d.name),
      roles: () => s.rbac.roles(),
    });
  }

  #error(error: unknown): void {
    this.notice(paint("red", sanitize((error as Error)?.message ?? String(error))));
  }

  #leave(): void {
    this.#screen.newline();
    this.#done.resolve();
  }

  async #appendHistory(line: string): Promise<void> {
    if (!this.#historyFile || line.trim() === "") return;
    await appendHistory(this.#historyFile, line);
  }
}

/** Read a history file (missing: empty); the newest {@link _HISTORY_KEEP} lines. */
export async function readHistory(path: string): Promise<string[]> {
  try {
    const lines = (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "");
    return lines.slice(-_HISTORY_KEEP);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** Append one line to a history file (created 0600: what a person typed is private). */
export async function appendHistory(path: string, line: string): Promise<void> {
  const dir = path.replace(/\/[^/]*$/, "");
  if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, line.replace(/\n/g, " ") + "\n", { append: true, mode: 0o600 });
}

function _short(topic: string): string {
  return topic.startsWith("/hive/chat/") ? "#" + topic.slice("/hive/chat/".length) : topic;
}

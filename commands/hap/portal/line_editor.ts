/**
 * The portal's input line: keys decoded from a raw terminal, an editable buffer with a cursor,
 * history (up/down, persisted by the caller) and Tab completion. Pure state, no I/O, so it is
 * tested key by key; `screen.ts` draws it.
 *
 * @example
 * ```ts
 * import { decodeKeys, LineEditor } from "./line_editor.ts";
 * const editor = new LineEditor({ complete: (line) => ["/join", "/leave"].filter((c) => c.startsWith(line)) });
 * for (const key of decodeKeys(new TextEncoder().encode("/jo\t"))) editor.handle(key);
 * editor.text; // "/join "
 * ```
 * @module
 */

/** A decoded key press. */
export type Key =
  | { type: "char"; text: string }
  | {
    type:
      | "enter"
      | "backspace"
      | "delete"
      | "left"
      | "right"
      | "up"
      | "down"
      | "home"
      | "end"
      | "tab"
      | "interrupt"
      | "eof"
      | "kill-line"
      | "kill-to-end"
      | "kill-word"
      | "redraw";
  };

const _ESCAPES: Record<string, Key["type"]> = {
  "\x1b[A": "up",
  "\x1b[B": "down",
  "\x1b[C": "right",
  "\x1b[D": "left",
  "\x1bOA": "up",
  "\x1bOB": "down",
  "\x1bOC": "right",
  "\x1bOD": "left",
  "\x1b[H": "home",
  "\x1b[F": "end",
  "\x1bOH": "home",
  "\x1bOF": "end",
  "\x1b[1~": "home",
  "\x1b[4~": "end",
  "\x1b[7~": "home",
  "\x1b[8~": "end",
  "\x1b[3~": "delete",
};

const _CONTROLS: Record<string, Key["type"]> = {
  "\r": "enter",
  "\n": "enter",
  "\x7f": "backspace",
  "\x08": "backspace",
  "\t": "tab",
  "\x03": "interrupt",
  "\x04": "eof",
  "\x01": "home",
  "\x05": "end",
  "\x02": "left",
  "\x06": "right",
  "\x10": "up",
  "\x0e": "down",
  "\x15": "kill-line",
  "\x0b": "kill-to-end",
  "\x17": "kill-word",
  "\x0c": "redraw",
};

/** Decode raw terminal input (one read's worth of text) into keys. */
export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === "\x1b") {
      // deno-lint-ignore no-control-regex
      const match = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(input.slice(i));
      if (match) {
        const type = _ESCAPES[match[0]];
        if (type) keys.push({ type } as Key);
        i += match[0].length;
      } else i++; // a lone Escape: ignored
      continue;
    }
    // CR LF from a paste is one Enter.
    if (ch === "\r" && input[i + 1] === "\n") {
      keys.push({ type: "enter" });
      i += 2;
      continue;
    }
    const control = _CONTROLS[ch];
    if (control) {
      keys.push({ type: control } as Key);
      i++;
      continue;
    }
    const code = ch.codePointAt(0)!;
    if (code < 0x20) {
      i++;
      continue;
    }
    // Merge a run of printable characters into one key (a paste stays one edit).
    let j = i;
    while (j < input.length) {
      const c = input.codePointAt(j)!;
      if (c < 0x20 || c === 0x7f || input[j] === "\x1b") break;
      j += c > 0xffff ? 2 : 1;
    }
    keys.push({ type: "char", text: input.slice(i, j) });
    i = j;
  }
  return keys;
}

/** What a key press asks of the portal. */
export type EditorAction =
  | { type: "none" }
  | { type: "submit"; line: string }
  | { type: "interrupt" }
  | { type: "eof" }
  | { type: "redraw" }
  /** Tab found several candidates: show them. */
  | { type: "candidates"; candidates: string[] };

/** Options for {@link LineEditor}. */
export interface LineEditorOptions {
  /** Candidates that complete the text before the cursor (each a whole replacement). */
  complete?: (before: string) => string[];
  /** Past lines, oldest first. */
  history?: string[];
  /** Most lines kept in history. Default 1000. */
  historyLimit?: number;
}

/** An editable line with history and completion. */
export class LineEditor {
  /** Buffer as code points, so the cursor never splits a character. */
  #chars: string[] = [];
  #cursor = 0;
  readonly #history: string[];
  readonly #historyLimit: number;
  /** Position while browsing history; `history.length` means the line being typed. */
  #browse: number;
  #draft: string[] = [];
  #complete?: (before: string) => string[];

  constructor(options: LineEditorOptions = {}) {
    this.#history = [...(options.history ?? [])];
    this.#historyLimit = options.historyLimit ?? 1000;
    this.#browse = this.#history.length;
    this.#complete = options.complete;
  }

  /** The text typed so far. */
  get text(): string {
    return this.#chars.join("");
  }

  /** Cursor position in characters. */
  get cursor(): number {
    return this.#cursor;
  }

  /** History, oldest first. */
  get history(): readonly string[] {
    return this.#history;
  }

  /** Replace the text (cursor to the end). */
  setText(text: string): void {
    this.#chars = [...text];
    this.#cursor = this.#chars.length;
  }

  /** Change the completion function (forms complete enum values instead of commands). */
  setCompleter(complete: ((before: string) => string[]) | undefined): void {
    this.#complete = complete;
  }

  /** Apply one key. */
  handle(key: Key): EditorAction {
    switch (key.type) {
      case "char": {
        const add = [...key.text.replace(/[\r\n]+/g, " ")];
        this.#chars.splice(this.#cursor, 0, ...add);
        this.#cursor += add.length;
        return { type: "none" };
      }
      case "enter": {
        const line = this.text;
        this.#chars = [];
        this.#cursor = 0;
        this.#remember(line);
        return { type: "submit", line };
      }
      case "backspace":
        if (this.#cursor > 0) this.#chars.splice(--this.#cursor, 1);
        return { type: "none" };
      case "delete":
        if (this.#cursor < this.#chars.length) this.#chars.splice(this.#cursor, 1);
        return { type: "none" };
      case "left":
        this.#cursor = Math.max(0, this.#cursor - 1);
        return { type: "none" };
      case "right":
        this.#cursor = Math.min(this.#chars.length, this.#cursor + 1);
        return { type: "none" };
      case "home":
        this.#cursor = 0;
        return { type: "none" };
      case "end":
        this.#cursor = this.#chars.length;
        return { type: "none" };
      case "up":
        return this.#browseTo(this.#browse - 1);
      case "down":
        return this.#browseTo(this.#browse + 1);
      case "kill-line":
        this.#chars.splice(0, this.#cursor);
        this.#cursor = 0;
        return { type: "none" };
      case "kill-to-end":
        this.#chars.splice(this.#cursor);
        return { type: "none" };
      case "kill-word": {
        let start = this.#cursor;
        while (start > 0 && this.#chars[start - 1] === " ") start--;
        while (start > 0 && this.#chars[start - 1] !== " ") start--;
        this.#chars.splice(start, this.#cursor - start);
        this.#cursor = start;
        return { type: "none" };
      }
      case "tab":
        return this.#tab();
      case "interrupt":
        return { type: "interrupt" };
      case "eof":
        return this.#chars.length === 0 ? { type: "eof" } : this.handle({ type: "delete" });
      case "redraw":
        return { type: "redraw" };
    }
  }

  #remember(line: string): void {
    this.#browse = this.#history.length;
    if (line.trim() === "" || this.#history.at(-1) === line) return;
    this.#history.push(line);
    if (this.#history.length > this.#historyLimit) {
      this.#history.splice(0, this.#history.length - this.#historyLimit);
    }
    this.#browse = this.#history.length;
  }

  #browseTo(index: number): EditorAction {
    if (index < 0 || index > this.#history.length) return { type: "none" };
    if (this.#browse === this.#history.length) this.#draft = [...this.#chars];
    this.#browse = index;
    this.#chars = index === this.#history.length ? [...this.#draft] : [...this.#history[index]];
    this.#cursor = this.#chars.length;
    return { type: "none" };
  }

  #tab(): EditorAction {
    if (!this.#complete) return { type: "none" };
    const before = this.#chars.slice(0, this.#cursor).join("");
    const after = this.#chars.slice(this.#cursor).join("");
    const candidates = this.#complete(before);
    if (candidates.length === 0) return { type: "none" };
    if (candidates.length === 1) {
      const done = candidates[0].endsWith("/") ? candidates[0] : candidates[0] + " ";
      this.#chars = [...done, ...after];
      this.#cursor = [...done].length;
      return { type: "none" };
    }
    const common = _commonPrefix(candidates);
    if (common.length > before.length) {
      this.#chars = [...common, ...after];
      this.#cursor = [...common].length;
      return { type: "none" };
    }
    return { type: "candidates", candidates };
  }
}

function _commonPrefix(items: string[]): string {
  let prefix = items[0];
  for (const item of items) {
    while (!item.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

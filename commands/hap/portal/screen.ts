/**
 * Drawing the portal on a raw terminal: output lines appear above the input line, and the
 * input line (prompt, what the person is typing, the cursor) is redrawn after each, so a
 * message that arrives mid-word never breaks what is being typed. Text from the mesh is
 * stripped of control characters first: a peer must not be able to move our cursor, change
 * colours or retitle the terminal.
 *
 * @example
 * ```ts
 * import { Screen } from "./screen.ts";
 * const screen = new Screen({ write: (t) => Deno.stdout.writeSync(new TextEncoder().encode(t)) });
 * screen.setPrompt("#general> ");
 * screen.print("alice: hello", editor); // above the line being typed
 * ```
 * @module
 */

/** What the screen needs of the editor: the text and the cursor. */
export interface EditorView {
  readonly text: string;
  readonly cursor: number;
}

/** Options for {@link Screen}. */
export interface ScreenOptions {
  /** Terminal output. */
  write: (text: string) => void;
  /** Terminal width. Default 80. */
  columns?: () => number;
}

// deno-lint-ignore no-control-regex
const _ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
// deno-lint-ignore no-control-regex
const _CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x9b]/g;

/** Visible width of text that may hold colour codes (one column per code point). */
export function visibleWidth(text: string): number {
  return [...text.replace(_ANSI, "")].length;
}

/** Text from outside made safe to print: control characters and escapes become `?`. */
export function sanitize(text: string): string {
  return text.replace(_CONTROL, "?");
}

/** The input line and the output above it. */
export class Screen {
  readonly #write: (text: string) => void;
  readonly #columns: () => number;
  #prompt = "> ";

  constructor(options: ScreenOptions) {
    this.#write = options.write;
    this.#columns = options.columns ?? (() => 80);
  }

  /** The prompt (may carry colour codes). */
  get prompt(): string {
    return this.#prompt;
  }

  /** Change the prompt; call {@link Screen.render} to show it. */
  setPrompt(prompt: string): void {
    this.#prompt = prompt;
  }

  /** Print `text` (one or more lines) above the input line, then redraw the input line. */
  print(text: string, editor: EditorView): void {
    const lines = text.replace(/\n$/, "").split("\n").join("\r\n");
    this.#write("\r\x1b[2K" + lines + "\r\n" + this.#line(editor));
  }

  /** Redraw the input line. */
  render(editor: EditorView): void {
    this.#write(this.#line(editor));
  }

  /** Leave the input line (after Enter or on exit): the cursor moves to a fresh line. */
  newline(): void {
    this.#write("\r\n");
  }

  /**
   * The escape sequence that redraws the input line: clear it, write the prompt and the part
   * of the text that fits (scrolled so the cursor stays visible), and put the cursor back.
   */
  #line(editor: EditorView): string {
    const chars = [...editor.text];
    const promptWidth = visibleWidth(this.#prompt);
    const room = Math.max(8, this.#columns() - promptWidth - 1);
    let start = 0;
    if (chars.length > room) {
      start = Math.max(0, Math.min(editor.cursor - room + 1, chars.length - room));
    }
    const shown = chars.slice(start, start + room).join("");
    const column = promptWidth + editor.cursor - start;
    return "\r\x1b[2K" + this.#prompt + shown + "\r" + (column > 0 ? `\x1b[${column}C` : "");
  }
}

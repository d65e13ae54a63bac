/**
 * A tiny terminal for portal tests.
 *
 * @module
 */

/** A tiny terminal: enough of VT100 (CR, LF, erase line, cursor forward) to read the screen. */
export class Term {
  lines: string[] = [""];
  row = 0;
  col = 0;
  write(text: string): void {
    let i = 0;
    while (i < text.length) {
      // deno-lint-ignore no-control-regex
      const esc = /^\x1b\[(\d*)([A-Za-z])/.exec(text.slice(i));
      if (esc) {
        if (esc[2] === "K") this.lines[this.row] = this.lines[this.row].slice(0, this.col);
        if (esc[2] === "C") this.col += Number(esc[1] || 1);
        i += esc[0].length;
        continue;
      }
      const ch = text[i++];
      if (ch === "\r") this.col = 0;
      else if (ch === "\n") {
        this.row++;
        if (this.lines.length <= this.row) this.lines.push("");
      } else {
        const line = this.lines[this.row].padEnd(this.col);
        this.lines[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
        this.col++;
      }
    }
  }
}

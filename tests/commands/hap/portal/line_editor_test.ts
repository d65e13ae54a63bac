import { deepEqual, equal } from "@std/assert";
import {
  decodeKeys,
  type EditorAction,
  LineEditor,
} from "../../../../commands/hap/portal/line_editor.ts";

function type(editor: LineEditor, input: string): EditorAction[] {
  return decodeKeys(input).map((k) => editor.handle(k));
}

Deno.test("keys: printable runs, controls, arrows and a CR LF paste", () => {
  deepEqual(decodeKeys("ab\x1b[D\x7f\r\n\x03\t\x1b[3~é😀"), [
    { type: "char", text: "ab" },
    { type: "left" },
    { type: "backspace" },
    { type: "enter" },
    { type: "interrupt" },
    { type: "tab" },
    { type: "delete" },
    { type: "char", text: "é😀" },
  ]);
  deepEqual(decodeKeys("\x1b[1;5C\x1b"), []);
});

Deno.test("editing in the middle, word and line kills, Ctrl-D on an empty line", () => {
  const e = new LineEditor();
  type(e, "helo world\x1b[H\x1b[C\x1b[C\x1b[Cl");
  equal(e.text, "hello world");
  equal(e.cursor, 4);
  type(e, "\x05\x17");
  equal(e.text, "hello ");
  type(e, "\x01\x0b");
  equal(e.text, "");
  deepEqual(type(e, "\x04"), [{ type: "eof" }]);
  type(e, "x😀y\x1b[D\x7f");
  equal(e.text, "xy");
  deepEqual(type(e, "\r"), [{ type: "submit", line: "xy" }]);
  equal(e.text, "");
});

Deno.test("history: up and down, the draft comes back, duplicates and blanks are skipped", () => {
  const e = new LineEditor({ history: ["one"] });
  type(e, "two\r");
  type(e, "two\r");
  type(e, "  \r");
  deepEqual(e.history, ["one", "two"]);
  type(e, "dra");
  type(e, "\x1b[A");
  equal(e.text, "two");
  type(e, "\x1b[A\x1b[A");
  equal(e.text, "one");
  type(e, "\x1b[B\x1b[B");
  equal(e.text, "dra");
  const small = new LineEditor({ historyLimit: 2 });
  type(small, "a\rb\rc\r");
  deepEqual(small.history, ["b", "c"]);
});

Deno.test("tab: one candidate completes, several extend the common prefix, then list", () => {
  const words = ["/join", "/leave", "/agents", "/put", "/peers"];
  const e = new LineEditor({ complete: (before) => words.filter((w) => w.startsWith(before)) });
  type(e, "/j\t");
  equal(e.text, "/join ");
  e.setText("/p");
  deepEqual(type(e, "\t"), [{ type: "candidates", candidates: ["/put", "/peers"] }]);
  e.setText("/pe");
  type(e, "\t");
  equal(e.text, "/peers ");
  e.setText("/zz");
  deepEqual(type(e, "\t"), [{ type: "none" }]);
});

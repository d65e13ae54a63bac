import { equal } from "@std/assert";
import { sanitize, Screen, visibleWidth } from "../../../../commands/hap/portal/screen.ts";
import { Term } from "./_term.ts";

Deno.test("a message arriving mid-line lands above it; the half-typed line and cursor stay", () => {
  const term = new Term();
  const screen = new Screen({ write: (t) => term.write(t), columns: () => 80 });
  screen.setPrompt("#general> ");
  const editor = { text: "half a thou", cursor: 6 };
  screen.render(editor);
  screen.print("10:00 alice: hello", editor);
  screen.print("10:01 bob: two\nlines", editor);
  equal(term.lines.join("|"), "10:00 alice: hello|10:01 bob: two|lines|#general> half a thou");
  equal(term.row, 3);
  equal(term.col, "#general> ".length + 6);
});

Deno.test("a long line scrolls so the cursor stays on screen", () => {
  const term = new Term();
  const screen = new Screen({ write: (t) => term.write(t), columns: () => 20 });
  screen.setPrompt("> ");
  const text = "abcdefghijklmnopqrstuvwxyz";
  screen.render({ text, cursor: text.length });
  equal(term.lines[0], "> jklmnopqrstuvwxyz");
  equal(term.col, 19);
  screen.render({ text, cursor: 0 });
  equal(term.lines[0], "> abcdefghijklmnopq");
  equal(term.col, 2);
});

Deno.test("escapes from the mesh are neutralised; colour codes take no width", () => {
  equal(sanitize("hi\x1b]0;pwned\x07\x1b[2J"), "hi?]0;pwned??[2J");
  equal(visibleWidth("\x1b[32mok\x1b[39m"), 2);
});

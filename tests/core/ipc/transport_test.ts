import { equal } from "@std/assert";
import { padFrame, utf8Length } from "../../../core/ipc/transport.ts";

Deno.test("utf8Length matches TextEncoder for ASCII, 2-, 3- and 4-byte characters", () => {
  for (const text of ["", "abc", "é", "€uro", "😀 ok", "mixed é€😀 text".repeat(50)]) {
    equal(utf8Length(text), new TextEncoder().encode(text).length, text.slice(0, 20));
  }
});

Deno.test("padFrame pads only frames in the stalling 1025..65534 byte range, with spaces", () => {
  equal(padFrame("x".repeat(1024)), "x".repeat(1024));
  equal(padFrame("x".repeat(65535)), "x".repeat(65535));
  const padded = padFrame(JSON.stringify({ text: "y".repeat(2000) }));
  equal(utf8Length(padded), 65535);
  equal(JSON.parse(padded).text.length, 2000, "padding keeps the JSON valid");
  const multibyte = padFrame(JSON.stringify({ text: "€".repeat(400) }));
  equal(utf8Length(multibyte), 65535);
});

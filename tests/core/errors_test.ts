import { equal, match, ok, throws } from "@std/assert";
import { z } from "zod";
import {
  clipText,
  ConfigError,
  describeValue,
  EXIT_FAILURE,
  EXIT_USAGE,
  exitCodeFor,
  formatIssues,
  HiveError,
  humanMessage,
  parseWith,
  UsageError,
} from "../../core/errors.ts";

Deno.test("exit codes: usage and config 2, runtime 1, unknown errors 1", () => {
  equal(exitCodeFor(new UsageError("x")), EXIT_USAGE);
  equal(exitCodeFor(new ConfigError("x")), EXIT_USAGE);
  equal(exitCodeFor(new HiveError("x")), EXIT_FAILURE);
  equal(exitCodeFor(new TypeError("x")), EXIT_FAILURE);
  equal(exitCodeFor("string thrown"), EXIT_FAILURE);
});

Deno.test("parseWith lists every problem with its path and value", () => {
  const schema = z.strictObject({
    name: z.string(),
    peers: z.array(z.strictObject({ port: z.int().min(1) })),
    mode: z.enum(["a", "b"]),
  });
  throws(
    () => parseWith(schema, { name: 5, peers: [{ port: 0 }], mode: "c" }, { what: "input" }),
    (error: Error) => {
      match(error.message, /^input: name: expected string, got 5/);
      match(error.message, /peers\[0\]\.port: expected value >= 1, got 0/);
      match(error.message, /mode: expected one of "a", "b", got "c"/);
      return error instanceof ConfigError;
    },
  );
});

Deno.test("describeValue is short and single-line", () => {
  equal(describeValue(undefined), "nothing");
  equal(describeValue("x"), '"x"');
  equal(describeValue("y".repeat(200)).length, 80);
  equal(describeValue({ a: [1] }), '{"a":[1]}');
  // `1e400` in a JSON body parses to Infinity; the message must not say null.
  equal(describeValue(JSON.parse("1e400")), "Infinity");
  equal(describeValue(NaN), "NaN");
  equal(describeValue(null), "null");
});

Deno.test("humanMessage: no raw os error, the path first, one hive: prefix", async () => {
  const notFound = await Deno.readTextFile("/nonexistent/x.yaml").catch((e) => e);
  equal(humanMessage(notFound), "/nonexistent/x.yaml: no such file or directory");
  equal(humanMessage(new Error("Permission denied (os error 13)")), "permission denied");
  equal(humanMessage(new Error("hive: daemon down")), "daemon down");
  equal(humanMessage("plain"), "plain");
  equal(
    humanMessage(
      new Error("scenario /x.yaml: cannot read: No such file or directory (os error 2)"),
    ),
    "scenario /x.yaml: cannot read: no such file or directory",
  );
});

Deno.test("clipText keeps a short prefix of bad input, single-line, and says the length", () => {
  equal(clipText("ok"), "ok");
  equal(clipText("a\nb\x00"), "a?b?");
  const clipped = clipText("m".repeat(980_000), 20);
  equal(clipped, `${"m".repeat(17)}... (980000 chars)`);
  ok(describeValue("z".repeat(980_000)).length <= 80);
});

Deno.test("formatIssues is bounded whatever the number of bad fields or unknown keys", () => {
  const wide = z.strictObject({ a: z.number() });
  const input: Record<string, unknown> = { a: "x" };
  for (let i = 0; i < 5000; i++) input[`k${i}${"y".repeat(100)}`] = i;
  const lines = formatIssues(wide.safeParse(input, { reportInput: true }).error!.issues);
  ok(lines.join("; ").length < 2000, `message of ${lines.join("; ").length} chars`);
  match(lines.join("; "), /and 4995 more/);
  const many = z.array(z.number());
  const bad = formatIssues(
    many.safeParse(Array.from({ length: 1000 }, () => "s"), { reportInput: true }).error!.issues,
  );
  equal(bad.length, 11);
  equal(bad[10], "and 990 more problems");
});

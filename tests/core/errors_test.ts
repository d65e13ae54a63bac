import { equal, match, throws } from "@std/assert";
import { z } from "zod";
import {
  ConfigError,
  describeValue,
  EXIT_FAILURE,
  EXIT_USAGE,
  exitCodeFor,
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

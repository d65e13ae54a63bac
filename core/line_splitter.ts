/**
 * Splitting a child's stdout/stderr text into lines, for supervisors that log each line.
 *
 * @module
 */

/** Splits a text stream into lines without their line endings. */
export class LineSplitter extends TransformStream<string, string> {
  constructor() {
    let rest = "";
    super({
      transform(chunk, controller) {
        rest += chunk;
        const parts = rest.split(/\r?\n/);
        rest = parts.pop() ?? "";
        for (const part of parts) controller.enqueue(part);
      },
      flush(controller) {
        if (rest) controller.enqueue(rest);
      },
    });
  }
}

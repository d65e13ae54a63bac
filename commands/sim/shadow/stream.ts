/**
 * `shadow.yaml` written host by host: at 100,000 hosts the whole document, its YAML tree and
 * its text would take well over a gigabyte, while one host at a time takes a few kilobytes. The
 * bytes are the same as `yaml.stringify` of the whole document (the golden tests hold it to
 * that): the head is stringified alone, then each host as a one-key map indented under `hosts:`.
 *
 * @module
 */
import { stringify } from "yaml";
import type { ShadowParts } from "./config.ts";

const _FLUSH_CHARS = 1 << 20;

/** Options for {@link writeShadowYaml}. */
export interface WriteShadowYamlOptions {
  /** Comment lines written first. */
  header: string;
  /** Receives text in pieces of about a megabyte, in order. */
  write: (text: string) => Promise<void>;
}

/** Stream the document of `parts` as YAML through `options.write`. */
export async function writeShadowYaml(
  parts: ShadowParts,
  options: WriteShadowYamlOptions,
): Promise<void> {
  let buf = options.header + stringify(parts.head, { lineWidth: 0 });
  let any = false;
  for (const [name, host] of parts.hosts()) {
    if (!any) buf += "hosts:\n";
    any = true;
    // Indent the one-host map under `hosts:` as the whole-document writer does (empty lines,
    // which only block scalars have, carry no indentation there).
    for (const line of stringify({ [name]: host }, { lineWidth: 0 }).split("\n")) {
      if (line !== "") buf += "  " + line + "\n";
      else buf += "\n";
    }
    buf = buf.slice(0, -1); // the split's last, empty piece added one newline too many
    if (buf.length >= _FLUSH_CHARS) {
      await options.write(buf);
      buf = "";
    }
  }
  if (!any) buf += "hosts: {}\n";
  await options.write(buf);
}

/** Write `text` pieces to a file as they come (a writer for {@link writeShadowYaml}). */
export function fileWriter(file: Deno.FsFile): (text: string) => Promise<void> {
  const encoder = new TextEncoder();
  return async (text) => {
    const bytes = encoder.encode(text);
    let off = 0;
    // Bounded by the bytes: each write takes at least one.
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
  };
}

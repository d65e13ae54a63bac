/**
 * `shadow.yaml` written host by host, and `network.gml` piece by piece: at 100,000 hosts the
 * whole document, its YAML tree and its text would take well over a gigabyte, while one host
 * at a time takes a few kilobytes. The bytes are the same as `yaml.stringify` of the whole
 * document (the golden tests hold it to that): the head is stringified alone, then the hosts in
 * batches of 50, as maps indented under `hosts:`.
 *
 * @module
 */
import { stringify } from "yaml";
import type { ShadowParts } from "./config.ts";
import { type GmlGraph, gmlPieces } from "../scenario/gml.ts";

const _FLUSH_CHARS = 1 << 20;
const _BATCH_HOSTS = 50;

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
  let batch: Record<string, unknown> = {};
  let inBatch = 0;
  const flush = async (last: boolean) => {
    if (inBatch > 0) {
      if (!any) buf += "hosts:\n";
      any = true;
      // Indent the hosts under `hosts:` as the whole-document writer does (empty lines, which
      // only block scalars have, carry no indentation there).
      const text = stringify(batch, { lineWidth: 0 });
      for (const line of text.slice(0, -1).split("\n")) buf += line === "" ? "\n" : `  ${line}\n`;
      batch = {};
      inBatch = 0;
    }
    if (last && !any) buf += "hosts: {}\n";
    if (last || buf.length >= _FLUSH_CHARS) {
      await options.write(buf);
      buf = "";
    }
  };
  for (const [name, host] of parts.hosts()) {
    batch[name] = host;
    // yaml.stringify has a large fixed cost per call: hosts go in batches, still bounded. At 50
    // a batch's YAML tree mostly dies young; at 500 it was promoted and the old generation grew
    // (100,000 hosts: 838-844 MB peak RSS at 500, 624-628 MB at 50, in the same time).
    if (++inBatch >= _BATCH_HOSTS) await flush(false);
  }
  await flush(true);
}

/**
 * Write `network.gml` to `path` a megabyte at a time (the bytes of `writeGml`), so a graph of
 * 100,000 hosts never exists as one string.
 */
export async function writeGmlFile(graph: GmlGraph, path: string): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const write = fileWriter(file);
  for (const piece of gmlPieces(graph)) await write(piece);
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

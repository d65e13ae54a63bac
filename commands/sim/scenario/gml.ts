/**
 * The subset of GML (Graph Modelling Language) that Shadow's network graphs use: a `graph [...]`
 * with `node [ id ... ]` and `edge [ source ... target ... ]` records. Parsing keeps every
 * attribute; writing emits the exact layout of Shadow's network graph spec.
 *
 * @example
 * ```ts
 * import { parseGml } from "./gml.ts";
 * const g = parseGml('graph [ node [ id 0 ] edge [ source 0 target 0 latency "1 ms" ] ]');
 * g.nodes.length; // 1
 * ```
 * @module
 */

/** A GML value: number, string, or a nested list of key/value pairs. */
export type GmlValue = number | string | GmlList;
/** A GML list: ordered key/value pairs (keys may repeat). */
export type GmlList = Array<[string, GmlValue]>;

/** A parsed network graph. */
export interface GmlGraph {
  directed: boolean;
  nodes: Array<{ id: number; attrs: Record<string, number | string> }>;
  edges: Array<{ source: number; target: number; attrs: Record<string, number | string> }>;
}

/** A GML syntax or structure error, with the line where it was found. */
export class GmlError extends Error {
  override name = "GmlError";
}

const _TOKEN =
  /\s*(?:#[^\n]*|("(?:[^"\\]|\\.)*")|(\[)|(\])|([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*))/y;

/** Parse GML text into key/value lists. */
export function parseGmlList(text: string): GmlList {
  _TOKEN.lastIndex = 0;
  const stack: GmlList[] = [[]];
  let key: string | null = null;
  const line = () => text.slice(0, _TOKEN.lastIndex).split("\n").length;
  while (_TOKEN.lastIndex < text.length) {
    const at = _TOKEN.lastIndex;
    const m = _TOKEN.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(at))) break;
      // Point at the offending text, not at the blank space before it.
      _TOKEN.lastIndex = at + text.slice(at).search(/\S/);
      throw new GmlError(
        `line ${line()}: unexpected text ${JSON.stringify(text.slice(at, at + 20).trim())}`,
      );
    }
    const [, str, open, close, num, word] = m;
    if (
      str === undefined && open === undefined && close === undefined && num === undefined &&
      word === undefined
    ) {
      continue; // a comment or trailing space
    }
    const top = stack[stack.length - 1];
    if (key === null) {
      if (word !== undefined) key = word;
      else if (close !== undefined) {
        if (stack.length === 1) throw new GmlError(`line ${line()}: unbalanced "]"`);
        stack.pop();
      } else {throw new GmlError(
          `line ${line()}: expected a key, got ${JSON.stringify(m[0].trim())}`,
        );}
      continue;
    }
    if (open !== undefined) {
      const list: GmlList = [];
      top.push([key, list]);
      stack.push(list);
    } else if (str !== undefined) top.push([key, JSON.parse(str.replace(/\n/g, "\\n"))]);
    else if (num !== undefined) top.push([key, Number(num)]);
    else throw new GmlError(`line ${line()}: key "${key}" has no value`);
    key = null;
  }
  if (key !== null) throw new GmlError(`key "${key}" has no value at end of file`);
  if (stack.length !== 1) throw new GmlError(`missing "]" at end of file`);
  return stack[0];
}

function _flat(list: GmlList, where: string): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of list) {
    if (Array.isArray(v)) throw new GmlError(`${where}: nested list "${k}" is not supported`);
    out[k] = v;
  }
  return out;
}

/** Parse a Shadow network graph: one `graph [...]` with integer node ids and valid edges. */
export function parseGml(text: string): GmlGraph {
  const top = parseGmlList(text);
  const graphs = top.filter(([k]) => k === "graph");
  if (graphs.length !== 1 || !Array.isArray(graphs[0][1])) {
    throw new GmlError(`expected exactly one "graph [ ... ]", found ${graphs.length}`);
  }
  const graph: GmlGraph = { directed: false, nodes: [], edges: [] };
  const ids = new Set<number>();
  for (const [k, v] of graphs[0][1] as GmlList) {
    if (k === "directed") graph.directed = v === 1;
    else if (k === "node" && Array.isArray(v)) {
      const attrs = _flat(v, `node ${graph.nodes.length}`);
      const id = attrs.id;
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0) {
        throw new GmlError(`node ${graph.nodes.length}: id must be a non-negative integer`);
      }
      if (ids.has(id)) throw new GmlError(`node id ${id} appears twice`);
      ids.add(id);
      delete attrs.id;
      graph.nodes.push({ id, attrs });
    } else if (k === "edge" && Array.isArray(v)) {
      const attrs = _flat(v, `edge ${graph.edges.length}`);
      const { source, target } = attrs;
      if (typeof source !== "number" || typeof target !== "number") {
        throw new GmlError(`edge ${graph.edges.length}: source and target must be node ids`);
      }
      delete attrs.source;
      delete attrs.target;
      graph.edges.push({ source, target, attrs });
    }
  }
  for (const [i, e] of graph.edges.entries()) {
    for (const end of [e.source, e.target]) {
      if (!ids.has(end)) throw new GmlError(`edge ${i}: unknown node id ${end}`);
    }
  }
  return graph;
}

function _value(v: number | string): string {
  return typeof v === "number" ? String(v) : JSON.stringify(v);
}

/**
 * Write a graph in Shadow's layout. Numbers keep a decimal point where Shadow expects floats
 * (`packet_loss 0.0`).
 */
export function writeGml(graph: GmlGraph): string {
  return [...gmlPieces(graph)].join("");
}

/**
 * The text of {@link writeGml} in pieces of about `pieceChars` characters, in order, so a
 * writer holds one piece at a time instead of the whole file (100,000 hosts make a file of
 * tens of megabytes).
 *
 * @example
 * ```ts
 * for (const piece of gmlPieces(graph)) await write(piece);
 * ```
 */
export function* gmlPieces(graph: GmlGraph, pieceChars = 1 << 20): Generator<string> {
  let buf = `graph [\n  directed ${graph.directed ? 1 : 0}\n`;
  for (const node of graph.nodes) {
    buf += `  node [\n    id ${node.id}\n`;
    for (const [k, v] of Object.entries(node.attrs)) buf += `    ${k} ${_value(v)}\n`;
    buf += "  ]\n";
    if (buf.length >= pieceChars) {
      yield buf;
      buf = "";
    }
  }
  for (const edge of graph.edges) {
    buf += `  edge [\n    source ${edge.source}\n    target ${edge.target}\n`;
    for (const [k, v] of Object.entries(edge.attrs)) {
      buf += `    ${k} ${k === "packet_loss" ? _float(v) : _value(v)}\n`;
    }
    buf += "  ]\n";
    if (buf.length >= pieceChars) {
      yield buf;
      buf = "";
    }
  }
  yield buf + "]\n";
}

function _float(v: number | string): string {
  if (typeof v !== "number") return _value(v);
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/**
 * The import report: every field of the source config as mapped, approximated or unmapped,
 * agent fields merged by name with a count.
 *
 * @module
 */

/** How one Monerosim field was carried over. */
export interface ImportEntry {
  /** Field path, `*` for every agent that has it (`agents.*.transaction_interval`). */
  field: string;
  /** What it became in the scenario (mapped, approximated). */
  to?: string;
  /** Why it is approximated or not mapped. */
  note?: string;
  /** How many agents had it (agent fields). */
  count?: number;
}

/** Every field of the input, sorted into what became of it. */
export interface ImportReport {
  mapped: ImportEntry[];
  approximated: ImportEntry[];
  unmapped: ImportEntry[];
}

type _Kind = "mapped" | "approximated" | "unmapped";

/** Collects report entries, merging agent fields by name. */
export class ReportBuilder {
  readonly #entries = new Map<string, ImportEntry & { kind: _Kind }>();
  /** Record one field. */
  add(kind: _Kind, field: string, to?: string, note?: string): void {
    const key = `${kind}\0${field}\0${to ?? ""}\0${note ?? ""}`;
    const e = this.#entries.get(key);
    if (e) e.count = (e.count ?? 1) + 1;
    else {
      this.#entries.set(key, {
        kind,
        field,
        ...(to !== undefined ? { to } : {}),
        ...(note !== undefined ? { note } : {}),
        ...(field.startsWith("agents.*") ? { count: 1 } : {}),
      });
    }
  }
  /** The report, in the order fields were seen. */
  build(): ImportReport {
    const out: ImportReport = { mapped: [], approximated: [], unmapped: [] };
    for (const { kind, ...e } of this.#entries.values()) out[kind].push(e);
    return out;
  }
}

/** Human rendering of an import report: one line per entry, grouped. */
export function formatImportReport(r: ImportReport): string {
  const line = (e: ImportEntry) =>
    `  ${e.field}${e.count && e.count > 1 ? ` (x${e.count})` : ""}${e.to ? ` -> ${e.to}` : ""}${
      e.note ? `: ${e.note}` : ""
    }`;
  return [
    `mapped (${r.mapped.length}):`,
    ...r.mapped.map(line),
    `approximated (${r.approximated.length}):`,
    ...r.approximated.map(line),
    `unmapped (${r.unmapped.length}):`,
    ...r.unmapped.map(line),
  ].join("\n") + "\n";
}

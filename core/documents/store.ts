/**
 * Documents replicated over one pub/sub topic (`/hive/docs`): every node keeps the newest
 * verified version of each name, so a document stays readable while its writer is offline.
 * A node that joins asks for what it lacks (`sync` with the versions it has) and nodes that hold
 * newer versions publish them again. Messages on the topic are signed envelopes; this module
 * handles their payloads.
 *
 * @example
 * ```ts
 * import { DocumentStore } from "./store.ts";
 * const store = new DocumentStore();
 * const replies = store.handle(envelope.payload); // payloads to publish in answer
 * ```
 * @module
 */
import { z } from "zod";
import { type DocumentRecord, documentRecordSchema, verifyDocument } from "./document.ts";

/** The topic documents travel on. */
export const DOCUMENTS_TOPIC = "/hive/docs";

/** A payload on {@link DOCUMENTS_TOPIC}. */
export const documentMessageSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("put"), doc: documentRecordSchema }),
  z.strictObject({
    op: z.literal("sync"),
    /** name -> written_at of the versions the asker holds. */
    have: z.record(z.string().max(128), z.number().int().nonnegative()),
  }),
]);
/** A payload on {@link DOCUMENTS_TOPIC}. */
export type DocumentMessage = z.output<typeof documentMessageSchema>;

/** Outcome of {@link DocumentStore.add}. */
export type AddResult = "stored" | "older" | "tampered";

/** Options for {@link DocumentStore}. */
export interface DocumentStoreOptions {
  /** Key pinned for a writer id (base64); a record signed by another key is refused. */
  keyOf?: (id: string) => string | undefined;
  /** Most documents kept. Default 10 000. */
  maxDocuments?: number;
}

/** The newest verified version of each document name. */
export class DocumentStore {
  readonly #docs = new Map<string, DocumentRecord>();
  readonly #keyOf?: (id: string) => string | undefined;
  readonly #max: number;
  /** Records refused because their signature did not verify. */
  tampered = 0;

  constructor(options: DocumentStoreOptions = {}) {
    this.#keyOf = options.keyOf;
    this.#max = options.maxDocuments ?? 10_000;
  }

  /** Verify and keep `doc` when it is newer than what is held. */
  add(doc: DocumentRecord): AddResult {
    try {
      verifyDocument(doc);
    } catch {
      this.tampered++;
      return "tampered";
    }
    const pinned = this.#keyOf?.(doc.writer);
    if (pinned !== undefined && pinned !== doc.writer_key) {
      this.tampered++;
      return "tampered";
    }
    const held = this.#docs.get(doc.name);
    if (held && !_newer(doc, held)) return "older";
    if (!held && this.#docs.size >= this.#max) return "older";
    this.#docs.set(doc.name, doc);
    return "stored";
  }

  /** The held version of `name`. */
  get(name: string): DocumentRecord | undefined {
    return this.#docs.get(name);
  }

  /** Every held document, by name. */
  list(): DocumentRecord[] {
    return [...this.#docs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The `sync` payload asking for what this store lacks. */
  syncRequest(): string {
    const have = Object.fromEntries([...this.#docs].map(([n, d]) => [n, d.written_at]));
    return JSON.stringify({ op: "sync", have } satisfies DocumentMessage);
  }

  /**
   * Take one payload from the topic: store a `put`, answer a `sync` with the newer versions
   * held. Returns the payloads to publish in reply (none for a put) and what was stored.
   */
  handle(payload: string): { replies: string[]; stored?: DocumentRecord; result?: AddResult } {
    let message: DocumentMessage;
    try {
      message = documentMessageSchema.parse(JSON.parse(payload));
    } catch {
      return { replies: [] };
    }
    if (message.op === "put") {
      const result = this.add(message.doc);
      return { replies: [], result, stored: result === "stored" ? message.doc : undefined };
    }
    const replies = [...this.#docs.values()]
      .filter((d) => (message.have[d.name] ?? -1) < d.written_at)
      .map((doc) => putPayload(doc));
    return { replies };
  }
}

/** The payload that publishes `doc`. */
export function putPayload(doc: DocumentRecord): string {
  return JSON.stringify({ op: "put", doc } satisfies DocumentMessage);
}

function _newer(a: DocumentRecord, b: DocumentRecord): boolean {
  return a.written_at !== b.written_at ? a.written_at > b.written_at : a.sig > b.sig;
}

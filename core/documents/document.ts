/**
 * Role-encrypted shared documents: the content is encrypted with the age format to the X25519
 * keys of every current member of the named roles, and the whole record (name, roles,
 * recipients, writer, time and a hash of the ciphertext) is signed by the writer's Ed25519 key.
 * Any node may store and pass on a record; only recipients can open it, and a changed byte
 * anywhere is caught by the signature before decryption is tried.
 *
 * @example
 * ```ts
 * import { openDocument, sealDocument } from "./document.ts";
 * const doc = await sealDocument(me, { name: "runbook", roles: ["operator"], recipients, content: "..." });
 * const text = new TextDecoder().decode(await openDocument(doc, reader));
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { ed25519Sign, ed25519Verify } from "../identity/ed25519.ts";
import { sha256 } from "@noble/hashes/sha2.js";
import { Decrypter, Encrypter } from "age-encryption";
import { z } from "zod";
import { HiveError } from "../errors.ts";

/** Largest document content, in bytes. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;
const _PREFIX = "hive-document/1\n";

/** A document name: letters, digits, `.`, `_`, `-` and `/` (128 at most). */
export const documentNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/, {
  error: "expected a document name of letters, digits, '.', '_', '-' and '/' (1..128)",
});

/** A sealed document as stored and replicated. */
export const documentRecordSchema = z.strictObject({
  v: z.literal(1),
  name: documentNameSchema,
  /** Roles it was encrypted for. */
  roles: z.array(z.string().min(1).max(32)).min(1).max(16),
  /** Ids of the members it was encrypted to. */
  recipients: z.array(z.string().min(1).max(64)).max(1024),
  writer: z.string().min(1).max(64),
  writer_role: z.string().min(1).max(32),
  /** Writer's Ed25519 public key, base64. */
  writer_key: z.string().min(1).max(64),
  /** Writer's clock, ms since the epoch; the newest version of a name wins. */
  written_at: z.number().int().nonnegative(),
  /** The age file, base64. */
  ciphertext: z.string().min(1).max(Math.ceil(MAX_DOCUMENT_BYTES * 1.5) + 65536),
  /** Ed25519 signature over the record's canonical bytes, base64. */
  sig: z.string().min(1).max(128),
});
/** A sealed document. */
export type DocumentRecord = z.output<typeof documentRecordSchema>;

/** The writer of a document: an identity with its keys. */
export interface DocumentWriter {
  id: string;
  role: string;
  public_key: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A reader: an identity that may hold the age key. */
export interface DocumentReader {
  id: string;
  role: string;
  ageIdentity: string;
}

/** A member to encrypt to. */
export interface DocumentRecipient {
  id: string;
  /** age recipient `age1...`. */
  recipient: string;
}

/** What to seal. */
export interface SealOptions {
  name: string;
  roles: readonly string[];
  /** Current members of `roles` (from the agent registry), the writer included if a member. */
  recipients: readonly DocumentRecipient[];
  content: string | Uint8Array;
  /** Writer's clock (ms), for tests. */
  now?: number;
}

/** The reader is not among a document's recipients. */
export class NotRecipientError extends HiveError {
  constructor(doc: DocumentRecord, reader: { id: string; role: string }) {
    super(
      `not a recipient: ${doc.name} is encrypted for role ${doc.roles.join(", ")} ` +
        `(${doc.recipients.length} member${doc.recipients.length === 1 ? "" : "s"}); ` +
        `${reader.id} (role ${reader.role}) cannot open it`,
      { code: "not_recipient" },
    );
  }
}

/** The record's signature does not verify: changed after the writer signed it. */
export class DocumentTamperedError extends HiveError {
  constructor(name: string, detail: string) {
    super(`document ${name} was tampered with: ${detail}; refused`, { code: "tampered" });
  }
}

/** Encrypt `options.content` to the recipients and sign the record as `writer`. */
export async function sealDocument(
  writer: DocumentWriter,
  options: SealOptions,
): Promise<DocumentRecord> {
  const content = typeof options.content === "string"
    ? new TextEncoder().encode(options.content)
    : options.content;
  if (content.length > MAX_DOCUMENT_BYTES) {
    throw new HiveError(
      `document ${options.name} is ${content.length} bytes; at most ${MAX_DOCUMENT_BYTES}`,
      { code: "too_large" },
    );
  }
  if (options.recipients.length === 0) {
    throw new HiveError(
      `no current member of role ${options.roles.join(", ")} is known; nobody could read ` +
        `${options.name} (wait for their announcements, see agents)`,
      { code: "no_recipients" },
    );
  }
  const encrypter = new Encrypter();
  for (const r of options.recipients) encrypter.addRecipient(r.recipient);
  const ciphertext = Buffer.from(await encrypter.encrypt(content)).toString("base64");
  const unsigned: Omit<DocumentRecord, "sig"> = {
    v: 1,
    name: options.name,
    roles: [...options.roles],
    recipients: [...new Set(options.recipients.map((r) => r.id))].sort(),
    writer: writer.id,
    writer_role: writer.role,
    writer_key: writer.public_key,
    written_at: options.now ?? Date.now(),
    ciphertext,
  };
  const sig = ed25519Sign(_canonical(unsigned), writer.secretKey, writer.publicKey);
  return { ...unsigned, sig: Buffer.from(sig).toString("base64") };
}

/** Throw {@link DocumentTamperedError} unless the writer's signature covers the record. */
export function verifyDocument(doc: DocumentRecord): void {
  const ok = ed25519Verify(Buffer.from(doc.sig, "base64"), _canonical(doc), doc.writer_key);
  if (!ok) {
    throw new DocumentTamperedError(doc.name, `the signature of ${doc.writer} does not verify`);
  }
}

/**
 * Verify and decrypt. Throws {@link DocumentTamperedError} on a bad signature and
 * {@link NotRecipientError} when `reader` is not a recipient.
 */
export async function openDocument(
  doc: DocumentRecord,
  reader: DocumentReader,
): Promise<Uint8Array> {
  verifyDocument(doc);
  const decrypter = new Decrypter();
  decrypter.addIdentity(reader.ageIdentity);
  try {
    return await decrypter.decrypt(Buffer.from(doc.ciphertext, "base64"));
  } catch (error) {
    if (/no identity matched/i.test((error as Error).message)) {
      throw new NotRecipientError(doc, reader);
    }
    throw new DocumentTamperedError(doc.name, (error as Error).message);
  }
}

function _canonical(doc: Omit<DocumentRecord, "sig">): Uint8Array {
  const digest = Buffer.from(sha256(Buffer.from(doc.ciphertext, "base64"))).toString("hex");
  return new TextEncoder().encode(
    _PREFIX +
      JSON.stringify([
        doc.v,
        doc.name,
        doc.roles,
        doc.recipients,
        doc.writer,
        doc.writer_role,
        doc.writer_key,
        doc.written_at,
        digest,
      ]),
  );
}

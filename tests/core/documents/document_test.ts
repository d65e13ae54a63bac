import { Buffer } from "node:buffer";
import { equal, match } from "@std/assert";
import { generateKeyFile, identityFromKeyFile } from "../../../core/identity/identity.ts";
import {
  DocumentTamperedError,
  NotRecipientError,
  openDocument,
  sealDocument,
} from "../../../core/documents/document.ts";
import { DocumentStore, putPayload } from "../../../core/documents/store.ts";
import { rejection } from "../../_helpers.ts";

async function member(id: string, role: string) {
  return await identityFromKeyFile(await generateKeyFile("hap", id), { role, capabilities: [] });
}

Deno.test("a document for role A opens for A members and says 'not a recipient' to B", async () => {
  const writer = await member("w", "ops");
  const a2 = await member("a2", "ops");
  const b1 = await member("b1", "dev");
  const doc = await sealDocument(writer, {
    name: "runbook",
    roles: ["ops"],
    recipients: [writer, a2],
    content: "restart the daemon",
  });
  equal(doc.recipients.join(","), "a2,w");
  equal(new TextDecoder().decode(await openDocument(doc, a2)), "restart the daemon");
  const error = await rejection(openDocument(doc, b1), NotRecipientError);
  match(error.message, /^not a recipient: runbook is encrypted for role ops/);
  match(error.message, /b1 \(role dev\)/);
});

Deno.test("a changed ciphertext, name or role list is refused as tampered", async () => {
  const writer = await member("w", "ops");
  const doc = await sealDocument(writer, {
    name: "n",
    roles: ["ops"],
    recipients: [writer],
    content: "x",
  });
  const bytes = Buffer.from(doc.ciphertext, "base64");
  bytes[bytes.length - 1] ^= 1;
  const flipped = { ...doc, ciphertext: bytes.toString("base64") };
  match(
    (await rejection(openDocument(flipped, writer), DocumentTamperedError)).message,
    /tampered/,
  );
  await rejection(openDocument({ ...doc, name: "m" }, writer), DocumentTamperedError);
  await rejection(openDocument({ ...doc, roles: ["ops", "dev"] }, writer), DocumentTamperedError);
  const store = new DocumentStore();
  equal(store.add(flipped), "tampered");
  equal(store.tampered, 1);
});

Deno.test("the store keeps the newest version and answers a sync with what the asker lacks", async () => {
  const writer = await member("w", "ops");
  const v1 = await sealDocument(writer, {
    name: "n",
    roles: ["ops"],
    recipients: [writer],
    content: "1",
    now: 1,
  });
  const v2 = await sealDocument(writer, {
    name: "n",
    roles: ["ops"],
    recipients: [writer],
    content: "2",
    now: 2,
  });
  const other = await sealDocument(writer, {
    name: "o",
    roles: ["ops"],
    recipients: [writer],
    content: "o",
    now: 5,
  });
  const holder = new DocumentStore();
  equal(holder.handle(putPayload(v2)).result, "stored");
  equal(holder.handle(putPayload(v1)).result, "older");
  holder.add(other);
  const joiner = new DocumentStore();
  joiner.add(v1);
  const { replies } = holder.handle(joiner.syncRequest());
  equal(replies.length, 2);
  for (const reply of replies) joiner.handle(reply);
  equal(new TextDecoder().decode(await openDocument(joiner.get("n")!, writer)), "2");
  equal(joiner.list().length, 2);
  equal(holder.handle("not json").replies.length, 0);
});

Deno.test("a writer impersonating a pinned id is refused", async () => {
  const real = await member("w", "ops");
  const fake = await member("w", "ops");
  const store = new DocumentStore({ keyOf: (id) => id === "w" ? real.public_key : undefined });
  const doc = await sealDocument(fake, {
    name: "n",
    roles: ["ops"],
    recipients: [fake],
    content: "x",
  });
  equal(store.add(doc), "tampered");
  equal(
    store.add(
      await sealDocument(real, { name: "n", roles: ["ops"], recipients: [real], content: "x" }),
    ),
    "stored",
  );
});

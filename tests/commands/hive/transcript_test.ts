import { deepEqual, equal, ok } from "@std/assert";
import { checkMessage, fromHex, toHex } from "../../../adapters/lightning/signmessage.ts";
import { canonicalJson } from "../../../commands/hive/canonical.ts";
import { decodeTicket, ticketSigningString } from "../../../commands/hive/handshake.ts";
import { decodeMessage, encodeMessage, type Payload } from "../../../commands/hive/protocol.ts";
import transcript from "../../../fixtures/cl_hive/handshake_transcript.json" with { type: "json" };

Deno.test("recorded handshake: HELLO, CHALLENGE, ATTEST, WELCOME, FULL_SYNC, all signatures check", () => {
  const decoded = transcript.messages.map((m) => {
    const d = decodeMessage(fromHex(m.hex));
    if (d.kind !== "message") throw new Error(`recorded message did not decode: ${d.kind}`);
    // Re-framing the decoded payload gives the same bytes: the framing is deterministic.
    equal(toHex(encodeMessage(d.type, d.payload)), m.hex);
    return { ...m, name: d.name, payload: d.payload as Payload };
  });
  deepEqual(decoded.map((d) => d.name), ["HELLO", "CHALLENGE", "ATTEST", "WELCOME", "FULL_SYNC"]);
  const [hello, challenge, attest, welcome] = decoded;
  equal(hello.from, transcript.joiner);
  const ticket = decodeTicket(hello.payload.ticket as string);
  equal(ticket.admin_pubkey, transcript.admin);
  ok(checkMessage(ticketSigningString(ticket), ticket.signature, transcript.admin).verified);
  equal((challenge.payload.nonce as string).length, 64);
  const manifest = attest.payload.manifest as Record<string, unknown>;
  equal(manifest.nonce, challenge.payload.nonce);
  ok(
    checkMessage(
      challenge.payload.nonce as string,
      attest.payload.nonce_signature as string,
      transcript.joiner,
    ).verified,
  );
  ok(
    checkMessage(
      canonicalJson(manifest),
      attest.payload.manifest_signature as string,
      transcript.joiner,
    ).verified,
  );
  equal(welcome.payload.tier, "neophyte");
  equal(welcome.payload.hive_id, "hive_transcript");
  equal(welcome.payload.member_count, 2);
});

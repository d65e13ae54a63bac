import { equal, ok, throws } from "@std/assert";
import { DatabaseSync } from "node:sqlite";
import { SimNet } from "../../../adapters/lightning/simnet.ts";
import { openPersistentNode } from "../../../commands/hive/persist.ts";
import { HiveStore, SCHEMA_VERSION, StoreError } from "../../../commands/hive/store.ts";
import { withDeadline } from "./_deadline.ts";
import { assertInstanceOf } from "../../_helpers.ts";

function _openError(path: string): StoreError {
  try {
    HiveStore.open(path).close();
  } catch (err) {
    assertInstanceOf(err, StoreError);
    return err;
  }
  throw new Error(`expected StoreError opening ${path}`);
}

Deno.test("restart: hive id, members, state, intents, ledger and used tickets survive", () =>
  withDeadline(20_000, async () => {
    const dir = await Deno.makeTempDir({ prefix: "hive-store-" });
    try {
      const net = new SimNet({ nodes: 2, seed: 4 });
      const pathA = `${dir}/a.sqlite`, pathB = `${dir}/b.sqlite`;
      let sa = HiveStore.open(pathA), sb = HiveStore.open(pathB);
      let a = await openPersistentNode(sa, { ln: net.nodes[0] });
      let b = await openPersistentNode(sb, { ln: net.nodes[1] });
      a.start();
      b.start();
      await a.genesis("hive_restart");
      const ticket = await a.invite();
      await b.join(ticket, a.id);
      await net.runUntil(10_000);
      equal(b.tier, "neophyte");
      await a.announceIntent("rebalance", "03" + "77".repeat(32));
      a.ledger.record({
        peer_id: b.id,
        direction: "forwarded",
        amount_sats: 500,
        timestamp: a.ln.now(),
      });
      const hash = a.map.fleetHash();
      a.stop();
      b.stop();
      sa.close();
      sb.close();

      sa = HiveStore.open(pathA);
      sb = HiveStore.open(pathB);
      a = await openPersistentNode(sa, { ln: net.nodes[0] });
      b = await openPersistentNode(sb, { ln: net.nodes[1] });
      equal(a.hiveId, "hive_restart");
      equal(b.hiveId, "hive_restart");
      equal(a.tier, "admin");
      equal(b.tier, "neophyte");
      equal(a.membership.members.size, 2);
      equal(a.map.fleetHash(), hash);
      equal(a.intents.local.length, 1);
      equal(a.ledger.report(b.id, a.ln.now()).forwarded_sats, 500);
      // The invite that admitted b is remembered as used.
      ok(sa.ticketUsed(JSON.parse(atob(ticket)).signature));
      equal(
        (sa.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode,
        "wal",
      );
      sa.close();
      sb.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }));

Deno.test("a corrupt database file is reported and left untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-store-" });
  try {
    const path = `${dir}/bad.sqlite`;
    const junk = new TextEncoder().encode("this is not a database ".repeat(300));
    await Deno.writeFile(path, junk);
    throws(() => HiveStore.open(path), StoreError);
    const err = _openError(path);
    equal(err.code, "store_corrupt");
    ok(err.message.includes(path));
    equal((await Deno.readFile(path)).length, junk.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a database from a newer schema is reported, not reset", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hive-store-" });
  try {
    const path = `${dir}/new.sqlite`;
    const db = new DatabaseSync(path);
    db.exec(
      `CREATE TABLE keep (x INTEGER); INSERT INTO keep VALUES (7); PRAGMA user_version=${
        SCHEMA_VERSION + 1
      }`,
    );
    db.close();
    equal(_openError(path).code, "store_newer_schema");
    const again = new DatabaseSync(path);
    equal((again.prepare("SELECT x FROM keep").get() as { x: number }).x, 7);
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Persistence: one SQLite file per node (`node:sqlite`, WAL) holding members, intent locks, hive
 * state, the contribution ledger, bans, vouches, pending actions, the planner log, used tickets
 * and settings. Everything survives a restart. A file that is not a database, or one written by
 * a newer schema, is reported (StoreError, exit 1) and left as it is: never reset.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { HiveError } from "../../core/errors.ts";
import { parsePyJson, pyDumpsCompact } from "./canonical.ts";

/** Schema version this build writes. */
export const SCHEMA_VERSION = 1;

/** The store could not be opened as-is. */
export class StoreError extends HiveError {
  constructor(message: string, code: "store_corrupt" | "store_newer_schema") {
    super(message, { code });
  }
}

const _SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (peer_id TEXT PRIMARY KEY, tier TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hive_state (peer_id TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS intents (k TEXT PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vouches (target TEXT NOT NULL, voucher TEXT NOT NULL, ts INTEGER NOT NULL,
  PRIMARY KEY (target, voucher));
CREATE TABLE IF NOT EXISTS bans (proposal_id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS banned (peer_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS contribution (id INTEGER PRIMARY KEY AUTOINCREMENT, peer_id TEXT NOT NULL,
  direction TEXT NOT NULL, amount_sats INTEGER NOT NULL, ts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pending_actions (id INTEGER PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS planner_log (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS used_tickets (signature TEXT PRIMARY KEY, ts INTEGER NOT NULL);
`;

/** A row with a JSON `data` column. */
type _Row = { data: string };

/** One node's database. */
export class HiveStore {
  readonly path: string;
  readonly db: DatabaseSync;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.db = db;
  }

  /** Open (creating if absent) and check the schema. Throws {@link StoreError}. */
  static open(path: string): HiveStore {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
      db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
      const check = db.prepare("PRAGMA quick_check").get() as { quick_check: string } | undefined;
      if (check?.quick_check !== "ok") throw new Error(`quick_check: ${check?.quick_check}`);
    } catch (e) {
      throw new StoreError(
        `hive store ${path} is not a usable SQLite database (${(e as Error).message}); ` +
          `it was left untouched: move it aside or restore a backup`,
        "store_corrupt",
      );
    }
    const v = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
    if (v > SCHEMA_VERSION) {
      db.close();
      throw new StoreError(
        `hive store ${path} has schema ${v}, newer than this build's ${SCHEMA_VERSION}; ` +
          `upgrade hive (the file was left untouched)`,
        "store_newer_schema",
      );
    }
    db.exec(_SCHEMA);
    if (v < SCHEMA_VERSION) db.exec(`PRAGMA user_version=${SCHEMA_VERSION}`);
    return new HiveStore(path, db);
  }

  /** Close the database. */
  close(): void {
    this.db.close();
  }

  /** Run `fn` in one transaction. */
  tx<T>(fn: () => T): T {
    this.db.exec("BEGIN");
    try {
      const out = fn();
      this.db.exec("COMMIT");
      return out;
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  getMeta(key: string): string | null {
    const r = this.db.prepare("SELECT value FROM meta WHERE key=?").get(key) as
      | { value: string }
      | undefined;
    return r?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare(
      "INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
    )
      .run(key, value);
  }

  /** Upsert a JSON row keyed by `id` in a table with (key, status|tier|version, data). */
  put(
    table: "members" | "hive_state" | "intents" | "pending_actions" | "bans",
    id: string | number,
    extra: string | number | null,
    data: unknown,
  ): void {
    // Python's JSON rules both ways: amounts past 2^53 (bigint) and floats such as 1.0 come back
    // as they went in, so a reloaded state signs and hashes as before the restart.
    const json = pyDumpsCompact(data);
    switch (table) {
      case "members":
        this.db.prepare(
          "INSERT INTO members(peer_id,tier,data) VALUES(?,?,?) ON CONFLICT(peer_id) DO UPDATE SET tier=excluded.tier, data=excluded.data",
        ).run(id, extra, json);
        break;
      case "hive_state":
        this.db.prepare(
          "INSERT INTO hive_state(peer_id,version,data) VALUES(?,?,?) ON CONFLICT(peer_id) DO UPDATE SET version=excluded.version, data=excluded.data",
        ).run(id, extra, json);
        break;
      case "intents":
        this.db.prepare(
          "INSERT INTO intents(k,status,data) VALUES(?,?,?) ON CONFLICT(k) DO UPDATE SET status=excluded.status, data=excluded.data",
        ).run(id, extra, json);
        break;
      case "pending_actions":
        this.db.prepare(
          "INSERT INTO pending_actions(id,status,data) VALUES(?,?,?) ON CONFLICT(id) DO UPDATE SET status=excluded.status, data=excluded.data",
        ).run(id, extra, json);
        break;
      case "bans":
        this.db.prepare(
          "INSERT INTO bans(proposal_id,data) VALUES(?,?) ON CONFLICT(proposal_id) DO UPDATE SET data=excluded.data",
        ).run(id, json);
        break;
    }
  }

  /** Delete one row by key. */
  remove(table: "members" | "hive_state", id: string): void {
    this.db.prepare(`DELETE FROM ${table} WHERE peer_id=?`).run(id);
  }

  /** All `data` of a table, parsed. */
  all<T>(table: "members" | "hive_state" | "intents" | "pending_actions" | "bans"): T[] {
    return (this.db.prepare(`SELECT data FROM ${table}`).all() as _Row[]).map((r) =>
      parsePyJson(r.data) as T
    );
  }

  setVouch(target: string, voucher: string, ts: number): void {
    this.db.prepare("INSERT OR REPLACE INTO vouches(target,voucher,ts) VALUES(?,?,?)").run(
      target,
      voucher,
      ts,
    );
  }

  clearVouches(target: string): void {
    this.db.prepare("DELETE FROM vouches WHERE target=?").run(target);
  }

  vouches(): { target: string; voucher: string; ts: number }[] {
    return this.db.prepare("SELECT target, voucher, ts FROM vouches").all() as {
      target: string;
      voucher: string;
      ts: number;
    }[];
  }

  addBanned(peerId: string): void {
    this.db.prepare("INSERT OR IGNORE INTO banned(peer_id) VALUES(?)").run(peerId);
  }

  banned(): string[] {
    return (this.db.prepare("SELECT peer_id FROM banned").all() as { peer_id: string }[]).map((r) =>
      r.peer_id
    );
  }

  /** Record a ledger row; an amount past 2^53 is bound as a 64-bit integer, without loss. */
  addContribution(peerId: string, direction: string, amount: number | bigint, ts: number): void {
    this.db.prepare("INSERT INTO contribution(peer_id,direction,amount_sats,ts) VALUES(?,?,?,?)")
      .run(peerId, direction, amount, ts);
  }

  /** The ledger rows in order; amounts past 2^53 come back as bigint. */
  contributions(): {
    peer_id: string;
    direction: "forwarded" | "received";
    amount_sats: number | bigint;
    timestamp: number;
  }[] {
    const stmt = this.db.prepare(
      "SELECT peer_id, direction, amount_sats, ts AS timestamp FROM contribution ORDER BY id",
    );
    stmt.setReadBigInts(true);
    return (stmt.all() as {
      peer_id: string;
      direction: "forwarded" | "received";
      amount_sats: bigint;
      timestamp: bigint;
    }[]).map((r) => ({
      peer_id: r.peer_id,
      direction: r.direction,
      amount_sats: r.amount_sats <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(r.amount_sats)
        : r.amount_sats,
      timestamp: Number(r.timestamp),
    }));
  }

  logPlan(ts: number, data: unknown): void {
    this.db.prepare("INSERT INTO planner_log(ts,data) VALUES(?,?)").run(ts, JSON.stringify(data));
  }

  planLog(limit = 20): { ts: number; data: unknown }[] {
    return (this.db.prepare("SELECT ts, data FROM planner_log ORDER BY id DESC LIMIT ?").all(
      limit,
    ) as { ts: number; data: string }[])
      .map((r) => ({ ts: r.ts, data: JSON.parse(r.data) }));
  }

  useTicket(signature: string, ts: number): void {
    this.db.prepare("INSERT OR IGNORE INTO used_tickets(signature,ts) VALUES(?,?)").run(
      signature,
      ts,
    );
  }

  ticketUsed(signature: string): boolean {
    return this.db.prepare("SELECT 1 AS x FROM used_tickets WHERE signature=?").get(signature) !==
      undefined;
  }
}

/**
 * monerod 0.18 log lines (--log-level=1) for tests that read block arrivals from logs.
 *
 * @module
 */

/** A 64-hex block hash of one repeated character. */
export const H = (c: string) => c.repeat(64);
const T = "\t[P2P4]\tINFO\tblockchain\tsrc/cryptonote_core/blockchain.cpp:4524\t";

/** A main-chain add, as monerod 0.18 logs it at --log-level=1. */
export function added(time: string, hash: string, height: number): string {
  return [
    `2026-12-01 ${time}${T}+++++ BLOCK SUCCESSFULLY ADDED`,
    `2026-12-01 ${time}${T}id:\t<${hash}>`,
    `2026-12-01 ${time}${T}PoW:\t<${H("f")}>`,
    `2026-12-01 ${time}${T}HEIGHT ${height}, difficulty:\t1`,
  ].join("\n");
}

/** An alternative-chain add. */
export function alt(time: string, hash: string, height: number): string {
  return [
    `2026-12-01 ${time}${T}----- BLOCK ADDED AS ALTERNATIVE ON HEIGHT ${height}`,
    `2026-12-01 ${time}${T}id:\t<${hash}>`,
  ].join("\n");
}

/** A peer's fluffy block arriving. */
export function received(time: string, hash: string): string {
  return `2026-12-01 ${time}${T}[127.0.0.1:4000 INC] Received NOTIFY_NEW_FLUFFY_BLOCK <${hash}> (height 1, 0 txes)`;
}

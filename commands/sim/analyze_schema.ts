/**
 * Line schemas of the files `hive sim analyze` reads: RunEvent records (every engine) and the
 * des engine's `propagation.ndjson` and `convergence.ndjson` aggregates.
 *
 * @module
 */
import { z } from "zod";

const _ts = z.number().finite().nonnegative();
const _host = z.string().min(1);
const _height = z.int().nonnegative();
const _hash = z.string().min(1);

/** Fields every RunEvent carries. */
const _common = { ts: _ts, host: _host };
/** Fields of a block record (`mined` by its miner, `block` on receipt). */
const _block = { height: _height, hash: _hash, parent: _hash };

/** Schema of one RunEvent (see `model.ts`) line. */
export const runEventSchema = z.discriminatedUnion("event", [
  z.object({ ..._common, event: z.literal("mined"), ..._block }),
  z.object({ ..._common, event: z.literal("block"), ..._block }),
  z.object({
    ..._common,
    event: z.literal("height"),
    height: _height,
    top_hash: _hash,
    peers: z.int().nonnegative(),
  }),
  z.object({ ..._common, event: z.literal("reorg"), depth: z.int().positive(), height: _height }),
  z.object({
    ..._common,
    event: z.literal("tx_sent"),
    txid: _hash,
    amount: z.number().finite(),
  }),
  z.object({ ..._common, event: z.literal("tx_seen"), txid: _hash }),
  z.object({ ..._common, event: z.literal("tx_confirmed"), txid: _hash, height: _height }),
  z.object({
    ..._common,
    event: z.literal("attack"),
    attack: z.enum(["sybil", "eclipse", "partition", "double_spend"]),
    outcome: z.record(z.string(), z.unknown()),
  }),
], {
  error: "expected a RunEvent with event one of mined, block, height, reorg, tx_sent, " +
    "tx_seen, tx_confirmed, attack",
});

const _nullableSeconds = z.number().finite().nonnegative().nullable();

/** Schema of a des `propagation.ndjson` line. */
export const propagationRecordSchema = z.object({
  hash: _hash,
  height: _height,
  miner: _host,
  mined_ts: _ts,
  reached: z.int().nonnegative(),
  nodes: z.int().positive(),
  t50_s: _nullableSeconds,
  t90_s: _nullableSeconds,
  t100_s: _nullableSeconds,
});

/** Schema of a des `convergence.ndjson` line. */
export const convergenceSampleSchema = z.object({
  ts: _ts,
  min_height: _height,
  max_height: _height,
  tips: z.int().nonnegative(),
});

/** A des propagation aggregate line. */
export type PropagationRecord = z.output<typeof propagationRecordSchema>;
/** A des convergence sample line. */
export type ConvergenceSample = z.output<typeof convergenceSampleSchema>;

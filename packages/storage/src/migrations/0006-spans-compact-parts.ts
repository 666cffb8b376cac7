import type { Migration } from './migration.ts';

/** Parts of fewer rows are written in Compact format; merges of ten 10k-span blocks become Wide. */
export const SPANS_MIN_ROWS_FOR_WIDE_PART = 100_000;

/**
 * Inserted span blocks as Compact parts (all columns in one file) instead of Wide ones.
 *
 * By default a part is Wide once it holds 10 MB, which a 10k-span block (~45 MB uncompressed)
 * always does: one .bin and one mark file per stream, and `spans` has over a hundred streams
 * (Map keys and values, Nested sizes, LowCardinality dictionaries, skip indexes), each with its
 * own compression buffer. Writing those cost the engine a quarter to a third of its CPU per
 * span (interleaved A/B on the storage bench, mostly kernel time faulting in fresh buffer pages).
 * Merged parts past the threshold are Wide again, where reading a few columns of many rows pays.
 * Only new parts change; reads are the same SQL over either format.
 */
export const spansCompactPartsMigration: Migration = {
  id: '0006-spans-compact-parts',
  description: 'spans: inserted blocks below 100k rows are written as Compact parts',
  up: (ctx) => [
    `ALTER TABLE ${ctx.localTable('spans')}${ctx.onCluster} MODIFY SETTING min_rows_for_wide_part = ${SPANS_MIN_ROWS_FOR_WIDE_PART}`,
  ],
};

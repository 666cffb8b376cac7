import type { EncodedSpan } from '@sightline/storage';

/**
 * Where acknowledged rows end up: ClickHouse through packages/storage. The ingest path and the
 * spool writer depend on this seam only, so the fault hook can wrap it (see ops/fault.ts).
 */
export interface SpanSink {
  /**
   * Inserts all rows or throws; `dedupToken` is content-derived so a repeat is dropped. Resolves to
   * the number of rows skipped as already stored.
   */
  insert(rows: EncodedSpan[], dedupToken: string): Promise<{ duplicates: number }>;
  /** True when ClickHouse refused the data itself (retrying cannot help), false when it was unreachable. */
  isRejection(err: unknown): boolean;
}

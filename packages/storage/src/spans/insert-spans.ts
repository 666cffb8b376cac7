import { createHash } from 'node:crypto';
import type { SpanRow } from '@sightline/contracts';
import type { Driver } from '../driver.ts';
import { StorageError } from '../errors.ts';
import { SPAN_INSERT_COLUMNS, type EncodedSpan } from './encoded-span.ts';
import { MAX_FORGOTTEN_SECONDS, RecentSpanKeys, spanKey, type RecentSpanKeysOptions } from './recent-span-keys.ts';
import { encodeSpanBatch, spanPayload } from './span-batch.ts';
import { findStoredSpanKeys, loadRecentSpanKeys, loadStartSeconds } from './stored-span-keys.ts';

export interface InsertSpansResult {
  /** Spans written. */
  inserted: number;
  /** Spans dropped because the same (ProjectId, TraceId, SpanId) was already stored or repeated in the batch. */
  duplicates: number;
}

interface DedupState {
  keys: RecentSpanKeys;
  warming: Promise<void> | undefined;
  /**
   * Keys of batches being written right now, each settling when its insert has. Concurrent calls
   * overlap their JSON encoding and inserts; only a batch sharing a key with one in flight waits
   * for it, then checks again, so two copies of a span never race past the check.
   */
  inFlight: Map<string, Promise<void>>;
}

const dedupStates = new WeakMap<Driver, DedupState>();

function stateOf(driver: Driver, opts?: RecentSpanKeysOptions): DedupState {
  let state = dedupStates.get(driver);
  if (state === undefined || opts !== undefined) {
    state = { keys: new RecentSpanKeys(opts), warming: undefined, inFlight: new Map() };
    dedupStates.set(driver, state);
  }
  return state;
}

/** Sizes the recent-key memory of a driver (before its first insertSpans). */
export function configureSpanDedup(driver: Driver, opts: RecentSpanKeysOptions): void {
  stateOf(driver, opts);
}

/** Drops the recent-key memory, as a restart would; the next insert warms it again from ClickHouse. */
export function forgetRecentSpanKeys(driver: Driver): void {
  dedupStates.delete(driver);
}

/**
 * Writes spans once per (ProjectId, TraceId, SpanId), so a redelivered batch is counted once in raw
 * reads and in every rollup:
 *  1. repeats inside the batch are dropped;
 *  2. keys ingested recently are known from a bounded in-memory set (warmed from ClickHouse at first use);
 *  3. a span older than what that memory covers is looked up in `spans`;
 *  4. the insert carries `insert_deduplication_token` (a hash of the batch's keys), so a retry of an
 *     insert whose acknowledgement was lost is dropped by ClickHouse together with its views' blocks.
 * Rows are validated for their identity fields first; a bad row rejects the batch and writes nothing.
 */
export async function insertSpans(
  driver: Driver,
  rows: readonly SpanRow[],
  opts: { dedupToken?: string } = {},
): Promise<InsertSpansResult> {
  // One buffer for the whole batch: with no repeats to drop, its lines are the payload as they are.
  const batch = encodeSpanBatch(rows);
  try {
    return await insertEncodedSpans(driver, batch.spans, opts);
  } finally {
    batch.release();
  }
}

/** insertSpans for spans already encoded with `encodeSpan` (ingest encodes each span once, early). */
export async function insertEncodedSpans(
  driver: Driver,
  rows: readonly EncodedSpan[],
  opts: { dedupToken?: string } = {},
): Promise<InsertSpansResult> {
  if (rows.length === 0) return { inserted: 0, duplicates: 0 };
  const keyed = rows.map((row, index) => ({ row, key: keyOf(row, index), startMs: startMsOf(row, index) }));
  const state = stateOf(driver);
  state.warming ??= warm(driver, state).catch((error: unknown) => {
    state.warming = undefined; // let the next call try again
    throw error;
  });
  await state.warming;

  for (;;) {
    const waits = new Set<Promise<void>>();
    for (const { key } of keyed) {
      const pending = state.inFlight.get(key);
      if (pending !== undefined) waits.add(pending);
    }
    if (waits.size === 0) break;
    await Promise.allSettled(waits);
  }
  // From here to the claim below there is no await: the check and the claim are one step.
  const seenInBatch = new Set<string>();
  const candidates = keyed.filter(({ key }) => {
    if (seenInBatch.has(key) || state.keys.has(key)) return false;
    seenInBatch.add(key);
    return true;
  });
  let settle: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (settle = resolve));
  for (const { key } of candidates) state.inFlight.set(key, done);

  try {
    // Only a span the memory may have forgotten is looked up (see RecentSpanKeys).
    const unsure = candidates
      .filter(({ startMs }) => state.keys.mayBeForgotten(startMs))
      .map(({ row }) => ({ ProjectId: row.projectId, TraceId: row.traceId, SpanId: row.spanId, Timestamp: row.timestamp }));
    const stored = unsure.length === 0 ? new Set<string>() : await findStoredSpanKeys(driver, unsure);
    const fresh = stored.size === 0 ? candidates : candidates.filter(({ key }) => !stored.has(key));
    if (fresh.length > 0) {
      const hash = createHash('sha256').update(opts.dedupToken ?? '');
      for (const { key } of fresh) hash.update(key);
      const { payload, release } = spanPayload(fresh.map(({ row }) => row));
      try {
        await driver.insertLines('spans', SPAN_INSERT_COLUMNS, payload, { dedupToken: `sightline-spans-${hash.digest('base64url')}` });
      } finally {
        release(); // the insert has settled: nothing reads the payload any more
      }
      const now = Date.now();
      for (const { key, startMs } of fresh) state.keys.add(key, now, startMs);
    }
    return { inserted: fresh.length, duplicates: rows.length - fresh.length };
  } finally {
    for (const { key } of candidates) if (state.inFlight.get(key) === done) state.inFlight.delete(key);
    settle();
  }
}

async function warm(driver: Driver, state: DedupState): Promise<void> {
  const sinceMs = Date.now() - state.keys.windowMs;
  const recent = await loadRecentSpanKeys(driver, sinceMs, state.keys.maxKeys);
  for (const { key, ingestedAtMs, startMs } of recent) state.keys.add(key, ingestedAtMs, startMs);
  const oldest = recent[0]?.ingestedAtMs;
  if (recent.length >= state.keys.maxKeys && oldest !== undefined) {
    // A full load left out the window's older keys (and maybe some of its oldest millisecond's):
    // they count as forgotten, by the seconds in which those spans started.
    const { seconds, complete } = await loadStartSeconds(driver, sinceMs, oldest, MAX_FORGOTTEN_SECONDS);
    state.keys.forgetStartSeconds(seconds, complete);
  }
  state.keys.markWarm(sinceMs);
}

function keyOf(row: EncodedSpan, index: number): string {
  if (typeof row.projectId !== 'string' || row.projectId === '') invalid(index, 'ProjectId must be a non-empty string');
  if (typeof row.traceId !== 'string' || row.traceId === '') invalid(index, 'TraceId must be a non-empty string');
  if (typeof row.spanId !== 'string' || row.spanId === '') invalid(index, 'SpanId must be a non-empty string');
  return spanKey(row.projectId, row.traceId, row.spanId);
}

function startMsOf(row: EncodedSpan, index: number): number {
  if (typeof row.timestamp !== 'string' || !/^\d{1,19}$/.test(row.timestamp)) {
    invalid(index, 'Timestamp must be nanoseconds since the epoch as a decimal string');
  }
  // Milliseconds from the leading digits: exact enough for a horizon check, no BigInt per span.
  return row.timestamp.length <= 6 ? 0 : Number(row.timestamp.slice(0, -6));
}

function invalid(index: number, what: string): never {
  throw new StorageError('INVALID_ARGUMENT', `span row ${index}: ${what}; nothing from this batch was written`);
}

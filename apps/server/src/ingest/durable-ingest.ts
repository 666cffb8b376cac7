import { createHash } from 'node:crypto';
import type { SpanRow } from '@sightline/contracts';
import { encodeSpan, type EncodedSpan } from '@sightline/storage';
import type { Spool } from '../spool/spool.ts';
import type { SpoolWriter } from '../spool/writer.ts';
import type { SpanSink } from '../spool/sink.ts';
import type { DeadLetterStore } from '../spool/dead-letter.ts';
import { insertOrDeadLetter } from '../spool/insert-rows.ts';
import type { IngestMetrics } from '../ops/metrics.ts';
import { errorMessage, type Logger } from '../ops/log.ts';
import { BackPressureError } from './errors.ts';

export interface DurableIngestOptions {
  /** Rows that trigger an immediate flush of the group-commit batch. */
  flushRows: number;
  /** Longest a request waits for others to share its insert. */
  flushDelayMs: number;
  /** An insert slower than this is considered stuck: its batch goes to the spool instead. */
  insertTimeoutMs: number;
  /** Spool bytes above which new data is refused with 503. */
  spoolHighWaterBytes: number;
  /** Rows waiting in memory above which new data is refused with 429. */
  maxQueuedRows: number;
  /**
   * Concurrent direct inserts. With every slot busy, or the spool not empty, a batch goes to the
   * spool at once (fsync) and is answered; the spool writer then inserts spooled batches merged into
   * 5k–10k-row blocks. 1 is best for chDB: an insert of ~2k spans costs ~3× the engine CPU per span
   * of a 10k-span insert (each insert writes a part per table and view), so under load the direct
   * path should step aside early.
   */
  maxInFlight: number;
}

interface Waiter {
  rows: EncodedSpan[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * `accept(rows)` resolves only once the rows are durable: committed to ClickHouse, or appended
 * (fsync) to the on-disk spool when ClickHouse is slow, down, or still has a backlog to drain.
 * Concurrent requests are group-committed into one insert. Under sustained load ClickHouse is busy
 * with earlier batches, so new ones are spooled (one writev + fdatasync for the group) and answered
 * at once, and the spool writer inserts them in large blocks: request latency then follows the
 * disk, not the insert, and the engine always works on 5k–10k-row blocks.
 *
 * Each span is encoded to its insert line once, in the request that brought it, so neither the
 * group commit nor the spool nor its writer build or serialise span objects again.
 */
export class DurableIngest {
  private queue: Waiter[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private inFlightRows = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When the oldest queued request arrived. */
  private queueSince: number | null = null;

  constructor(
    private readonly sink: SpanSink,
    private readonly spool: Spool,
    private readonly writer: SpoolWriter,
    private readonly deadLetters: DeadLetterStore,
    private readonly metrics: IngestMetrics,
    private readonly logger: Logger,
    private readonly opts: DurableIngestOptions,
  ) {}

  /** Throws BackPressureError before reading work it cannot take. */
  checkCapacity(): void {
    if (this.spool.pendingBytes() > this.opts.spoolHighWaterBytes) {
      throw new BackPressureError('unavailable', 'spool above its high-water mark: storage is behind', 5);
    }
    if (this.queuedRows + this.inFlightRows > this.opts.maxQueuedRows) {
      throw new BackPressureError('too_many_requests', 'ingest queue is full', 1);
    }
  }

  accept(spanRows: SpanRow[]): Promise<void> {
    if (spanRows.length === 0) return Promise.resolve();
    this.checkCapacity();
    const rows = spanRows.map(encodeSpan);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.queueSince ??= Date.now();
      // Bound for the spool anyway (ClickHouse busy): no point waiting for company, the spool's
      // group commit gathers whatever arrives during its current sync.
      const spoolBound = this.inFlight >= this.opts.maxInFlight || this.writer.hasBacklog();
      if (spoolBound || this.queuedRows >= this.opts.flushRows) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.flushDelayMs);
    });
  }

  /** Rows accepted but not yet durable (memory only). */
  pendingRows(): number {
    return this.queuedRows + this.inFlightRows;
  }

  /** Flushes everything queued and waits for it: for shutdown. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) {
      this.flush();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const waiters = this.queue;
    const rows = waiters.length === 1 ? waiters[0]!.rows : waiters.flatMap((w) => w.rows);
    this.queue = [];
    this.queuedRows = 0;
    this.queueSince = null;
    // Every insert slot busy: ClickHouse is working on earlier batches, so this one waits on disk
    // (durably) rather than in memory, and its senders get their answer now.
    const direct = this.inFlight < this.opts.maxInFlight && !this.writer.hasBacklog();
    this.inFlight += 1;
    this.inFlightRows += rows.length;
    const work = direct ? this.commit(rows) : this.toSpool(dedupe(rows));
    void work
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          waiters.forEach((w) => w.reject(e));
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        this.inFlightRows -= rows.length;
        if (this.queue.length > 0) this.flush();
      });
  }

  private async commit(rows: EncodedSpan[]): Promise<void> {
    const unique = dedupe(rows);
    if (unique.length < rows.length) this.metrics.deduplicated(rows.length - unique.length);
    // While the spool holds a backlog, new rows queue behind it: ClickHouse is known to be struggling.
    if (this.writer.hasBacklog()) return this.toSpool(unique);
    try {
      const outcome = await withTimeout(
        insertOrDeadLetter(this.sink, this.deadLetters, unique, rowsToken(unique)),
        this.opts.insertTimeoutMs,
      );
      this.metrics.stored(outcome.stored);
      this.metrics.deduplicated(outcome.duplicates);
      this.metrics.deadLettered(outcome.deadLettered);
    } catch (err) {
      this.logger.log('warn', 'ingest.direct_insert_failed', { error: errorMessage(err), rows: unique.length, spooled: true });
      await this.toSpool(unique);
    }
  }

  private async toSpool(rows: EncodedSpan[]): Promise<void> {
    await this.spool.appendEncoded(rows);
    this.metrics.spooled(rows.length);
    this.writer.notify();
  }
}

/** Repeats of (ProjectId, TraceId, SpanId) within one batch: exporters resend on retry. */
function dedupe(rows: EncodedSpan[]): EncodedSpan[] {
  const seen = new Set<string>();
  const out: EncodedSpan[] = [];
  for (const r of rows) {
    const key = `${r.projectId}/${r.traceId}/${r.spanId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

/** Content-derived: the same spans give the same token, so a retried insert is dropped by ClickHouse. */
export function rowsToken(rows: readonly EncodedSpan[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(`${r.projectId}/${r.traceId}/${r.spanId}/${r.timestamp}/${r.line.byteLength}\n`);
  return `direct-${h.digest('hex')}`;
}

class InsertTimeoutError extends Error {
  constructor(ms: number) {
    super(`insert took longer than ${ms} ms`);
    this.name = 'InsertTimeoutError';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new InsertTimeoutError(ms)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
